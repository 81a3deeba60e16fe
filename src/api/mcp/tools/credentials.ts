import { z } from 'zod';
import { createCredential } from '../../../credentials/lifecycle.js';
import { getCredentialMetadata } from '../../../credentials/metadata.js';
import { createCredentialInputSchema, credentialMetadataInputSchema, listCredentialsInputSchema } from '../../../credentials/schemas.js';
import { listCredentials } from '../../../credentials/views.js';
import { callbackUrlOf, oauthMethodOf, providerSettings } from '../../../credentials/oauthApps.js';
import { getOAuthApp } from '../../../db/repositories/oauth.js';
import { mayUse } from '../../../policy/use.js';
import { callerGrant } from '../../../servers/scope.js';
import { auditedCall } from '../../audit.js';
import { defineTool } from '../tool.js';
import { usableConnector } from './catalog.js';

const readOnly = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };

export const getCredentialMetadataTool = defineTool({
  name: 'get_credential_metadata',
  title: 'How to connect a platform',
  description:
    'Lists the authentication types a connector supports. For key-based types (apiKey, bearer, basic, customHeaders) ' +
    'it names the exact fields create_credential needs; for oauth2 it gives the scopes, whether an OAuth app is set up, ' +
    'and the redirect URIs allowed. Call this before create_credential.',
  input: credentialMetadataInputSchema,
  annotations: readOnly,
  async run({ connectorId }, context) {
    const { connector } = await usableConnector(context, connectorId);
    const metadata = getCredentialMetadata(connector);
    if (!connector.authMethods.some((method) => method.type === 'oauth2')) return { ...metadata };
    const app = await getOAuthApp(context.deps.db, context.auth.accountId, connector.id);
    const settings = app ? providerSettings(oauthMethodOf(connector), app) : undefined;
    return {
      ...metadata,
      authenticationTypes: metadata.authenticationTypes.map((type) =>
        type.type !== 'oauth2'
          ? type
          : {
              ...type,
              ...(settings ? { authorizationUrl: settings.authorizationUrl, scopes: settings.scopes } : {}),
              oauthAppConfigured: app !== undefined,
              allowedRedirectUris: app?.redirect_uris ?? [],
              callbackUrl: callbackUrlOf(context.deps.publicUrl),
              note: app
                ? 'create_credential returns an authorization URL: show it to the user and ask them to open it.'
                : 'No OAuth app is configured for this connector yet; an administrator must add one (PUT /api/oauth-apps/<connectorId>).',
            },
      ),
    };
  },
});

export const createCredentialTool = defineTool({
  name: 'create_credential',
  title: 'Connect a platform',
  description:
    'Creates a credential so actions can run as the user. For oauth2 it starts authorization and returns ' +
    'authorizationUrl, credentialId and how long the link is valid: show the URL to the user, and once they have ' +
    'approved, the credential becomes active (check with get_credentials). redirectUri (or the x-redirect-uri header) ' +
    'must match one of the configured redirect URIs. For key-based types pass the fields get_credential_metadata names; ' +
    'the credential is active at once.',
  input: createCredentialInputSchema,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  async run(input, context) {
    const { connector } = await usableConnector(context, input.connectorId);
    const redirectUri = input.redirectUri ?? context.auth.redirectUri;
    const created = await auditedCall(
      context.deps,
      context.auth,
      { action: 'credential.create', target: { connectorId: connector.id }, after: input, status: 201 },
      () =>
        createCredential(
          context.deps,
          { accountId: context.auth.accountId, userId: context.auth.userId },
          connector,
          { ...input, ...(redirectUri ? { redirectUri } : {}) },
        ),
    );
    return { ...created };
  },
});

export const getCredentialsTool = defineTool({
  name: 'get_credentials',
  title: 'List connected credentials',
  description:
    "Lists the user's credentials (optionally for one connector) with id, connector, type, status " +
    '(pending, active, refreshing, needs_reauth, failed) and expiry. Secrets show only as their last 6 characters. ' +
    'Pass a credentialId to execute_action to choose between several.',
  input: listCredentialsInputSchema,
  output: z.object({ credentials: z.array(z.record(z.string(), z.unknown())), count: z.number() }),
  annotations: readOnly,
  async run(input, context) {
    const [all, grant] = await Promise.all([
      listCredentials(context.deps.db, { accountId: context.auth.accountId, userId: context.auth.userId }, input),
      callerGrant(context.deps, context.auth, context.server, context.assignments),
    ]);
    // Only what this server offers: the same rule as list_connectors.
    const credentials = all.filter((credential) => mayUse(context.auth, grant, credential.connectorId));
    return { credentials, count: credentials.length };
  },
});
