import { z } from 'zod';
import { resolveConnector } from '../connectors/registry.js';
import type { Connector } from '../connectors/types.js';
import type { OAuth2AuthMethod } from '../connectors/schema.js';
import type { Db } from '../db/connect.js';
import { deleteOAuthApp, getOAuthApp, listOAuthApps, upsertOAuthApp } from '../db/repositories/oauth.js';
import type { OAuthAppRow } from '../db/tables/oauth.js';
import { InvalidRequestError, NotFoundError } from '../errors.js';
import type { SecretBox } from '../secrets/secretBox.js';
import { maskSecret } from './masking.js';

const httpUrl = z.url({ protocol: /^https?$/ }).max(2048);

/** Body of PUT /api/oauth-apps/:connectorId. Unset overrides fall back to the connector definition. */
export const oauthAppInputSchema = z
  .object({
    clientId: z.string().min(1).max(512),
    clientSecret: z.string().min(1).max(4096).optional().describe('Required the first time; omitted later keeps the stored one'),
    scopes: z.array(z.string().min(1).max(512)).max(100).optional().describe("Scopes to request; default: the connector's"),
    redirectUris: z
      .array(httpUrl)
      .max(20)
      .default([])
      .describe('Where users may be sent after authorizing (create_credential redirectUri / x-redirect-uri), matched exactly'),
    tokenEndpointAuthMethod: z.enum(['client_secret_basic', 'client_secret_post']).optional(),
    authorizationUrl: httpUrl.optional(),
    tokenUrl: httpUrl.optional(),
    revocationUrl: httpUrl.optional(),
    issuer: httpUrl.optional().describe("The provider's issuer identifier; when set, the callback's iss must match it"),
  })
  .strict();
export type OAuthAppInput = z.infer<typeof oauthAppInputSchema>;

export const oauthAppViewSchema = z.object({
  connectorId: z.string(),
  clientId: z.string(),
  clientSecretHint: z.string(),
  scopes: z.array(z.string()),
  redirectUris: z.array(z.string()),
  tokenEndpointAuthMethod: z.enum(['client_secret_basic', 'client_secret_post']),
  authorizationUrl: z.string(),
  tokenUrl: z.string(),
  revocationUrl: z.string().nullable(),
  issuer: z.string().nullable(),
  /** Register this as the redirect URI at the provider. */
  callbackUrl: z.string(),
  updatedAt: z.string(),
});
export type OAuthAppView = z.infer<typeof oauthAppViewSchema>;

/** What talking to the provider needs, the client secret aside: the connector's method with the app's overrides. */
export interface OAuthProviderSettings {
  clientId: string;
  authorizationUrl: string;
  tokenUrl: string;
  revocationUrl?: string;
  issuer?: string;
  scopes: string[];
  scopeSeparator: string;
  tokenEndpointAuthMethod: 'client_secret_basic' | 'client_secret_post';
  extraAuthorizationParams: Record<string, string>;
}

export const oauthAppSecretContext = (accountId: string, connectorId: string) => `oauth-app:${accountId}:${connectorId}`;

export const callbackUrlOf = (publicUrl: string) => `${publicUrl}/oauth/callback`;

export function oauthMethodOf(connector: Pick<Connector, 'id' | 'authMethods'>): OAuth2AuthMethod {
  const method = connector.authMethods.find((candidate) => candidate.type === 'oauth2');
  if (!method || method.type !== 'oauth2') {
    throw new InvalidRequestError(`Connector "${connector.id}" does not support OAuth 2.0`, {
      connectorId: connector.id,
      supportedTypes: connector.authMethods.map((candidate) => candidate.type),
    });
  }
  return method;
}

export function providerSettings(method: OAuth2AuthMethod, app: OAuthAppRow): OAuthProviderSettings {
  const revocationUrl = app.revocation_url ?? method.revocationUrl;
  return {
    clientId: app.client_id,
    authorizationUrl: app.authorization_url ?? method.authorizationUrl,
    tokenUrl: app.token_url ?? method.tokenUrl,
    ...(revocationUrl ? { revocationUrl } : {}),
    ...(app.issuer ? { issuer: app.issuer } : {}),
    scopes: app.scopes ?? method.scopes,
    scopeSeparator: method.scopeSeparator,
    tokenEndpointAuthMethod: app.token_endpoint_auth_method ?? method.tokenEndpointAuthMethod,
    extraAuthorizationParams: method.extraAuthorizationParams ?? {},
  };
}

function oauthAppView(method: OAuth2AuthMethod, row: OAuthAppRow, publicUrl: string): OAuthAppView {
  const settings = providerSettings(method, row);
  return {
    connectorId: row.connector_id,
    clientId: row.client_id,
    clientSecretHint: row.client_secret_hint,
    scopes: settings.scopes,
    redirectUris: row.redirect_uris,
    tokenEndpointAuthMethod: settings.tokenEndpointAuthMethod,
    authorizationUrl: settings.authorizationUrl,
    tokenUrl: settings.tokenUrl,
    revocationUrl: settings.revocationUrl ?? null,
    issuer: settings.issuer ?? null,
    callbackUrl: callbackUrlOf(publicUrl),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

export async function putOAuthApp(
  deps: { db: Db; secretBox: SecretBox; publicUrl: string },
  accountId: string,
  connector: Pick<Connector, 'id' | 'authMethods'>,
  input: OAuthAppInput,
): Promise<OAuthAppView> {
  const method = oauthMethodOf(connector);
  const existing = await getOAuthApp(deps.db, accountId, connector.id);
  if (!existing && !input.clientSecret) {
    throw new InvalidRequestError('clientSecret is required when configuring an OAuth app for the first time', {
      connectorId: connector.id,
    });
  }
  const sealed = input.clientSecret
    ? deps.secretBox.seal(input.clientSecret, oauthAppSecretContext(accountId, connector.id))
    : existing!.client_secret_encrypted;
  const row = await upsertOAuthApp(
    deps.db,
    { accountId, connectorId: connector.id },
    {
      clientId: input.clientId,
      clientSecretEncrypted: sealed,
      keyId: deps.secretBox.keyIdOf(sealed) ?? deps.secretBox.currentKeyId,
      clientSecretHint: input.clientSecret ? maskSecret(input.clientSecret) : existing!.client_secret_hint,
      scopes: input.scopes ?? null,
      redirectUris: input.redirectUris,
      tokenEndpointAuthMethod: input.tokenEndpointAuthMethod ?? null,
      authorizationUrl: input.authorizationUrl ?? null,
      tokenUrl: input.tokenUrl ?? null,
      revocationUrl: input.revocationUrl ?? null,
      issuer: input.issuer ?? null,
    },
  );
  return oauthAppView(method, row, deps.publicUrl);
}

export async function getOAuthAppView(
  deps: { db: Db; publicUrl: string },
  accountId: string,
  connector: Pick<Connector, 'id' | 'authMethods'>,
): Promise<OAuthAppView> {
  const method = oauthMethodOf(connector);
  const row = await getOAuthApp(deps.db, accountId, connector.id);
  if (!row) throw new NotFoundError(`No OAuth app is configured for "${connector.id}"`, { connectorId: connector.id });
  return oauthAppView(method, row, deps.publicUrl);
}

export async function listOAuthAppViews(deps: { db: Db; publicUrl: string }, accountId: string): Promise<OAuthAppView[]> {
  const rows = await listOAuthApps(deps.db, accountId);
  const views = await Promise.all(
    rows.map(async (row) => {
      // An app outlives a custom connector deleted after it; such rows are skipped, not errors.
      const connector = await resolveConnector(deps.db, accountId, row.connector_id).catch(() => undefined);
      const method = connector?.authMethods.find((candidate) => candidate.type === 'oauth2');
      return method?.type === 'oauth2' ? oauthAppView(method, row, deps.publicUrl) : undefined;
    }),
  );
  return views.filter((view) => view !== undefined);
}

export async function removeOAuthApp(db: Db, accountId: string, connectorId: string): Promise<void> {
  if (!(await deleteOAuthApp(db, accountId, connectorId))) {
    throw new NotFoundError(`No OAuth app is configured for "${connectorId}"`, { connectorId });
  }
}
