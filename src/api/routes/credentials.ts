import { resolveConnector } from '../../connectors/registry.js';
import { createCredential, deleteCredential } from '../../credentials/lifecycle.js';
import { getCredentialMetadata } from '../../credentials/metadata.js';
import { createCredentialInputSchema, credentialMetadataInputSchema, listCredentialsInputSchema } from '../../credentials/schemas.js';
import { listCredentials } from '../../credentials/views.js';
import { callbackUrlOf } from '../../credentials/oauthApps.js';
import { reauthorizeCredential } from '../../credentials/reauthorize.js';
import { getOAuthApp } from '../../db/repositories/oauth.js';
import type { ApiDependencies } from '../context.js';
import { ApiRouter } from '../routing.js';

const tag = 'Credentials';

/** /api/credentials: the calling user's credentials; oauth2 answers with the authorization URL. */
export function credentialRoutes(deps: ApiDependencies): ApiRouter {
  return new ApiRouter()
    .add(
      {
        method: 'post',
        path: '/api/credentials', access: 'user',
        summary: 'Store a key-based credential, or start OAuth and get the authorization URL',
        tag,
        body: createCredentialInputSchema,
        status: 201,
      },
      async ({ auth, body, ctx }) => {
        const connector = await resolveConnector(deps.db, auth.accountId, body.connectorId);
        const redirectUri = body.redirectUri ?? (ctx.get('x-redirect-uri') || undefined);
        return createCredential(deps, auth, connector, { ...body, ...(redirectUri ? { redirectUri } : {}) });
      },
    )
    .add(
      { method: 'get', path: '/api/credentials', access: 'user', summary: "List the user's credentials (secrets masked)", tag, query: listCredentialsInputSchema },
      async ({ auth, query }) => {
        const credentials = await listCredentials(deps.db, auth, query);
        return { credentials, count: credentials.length };
      },
    )
    .add(
      {
        method: 'get',
        path: '/api/credentials/metadata', access: 'user',
        summary: "How a credential for a connector is made (get_credential_metadata): key fields, or OAuth and whether its app is set up",
        tag,
        query: credentialMetadataInputSchema,
      },
      async ({ auth, query }) => {
        const connector = await resolveConnector(deps.db, auth.accountId, query.connectorId);
        const oauth = connector.authMethods.some((method) => method.type === 'oauth2');
        const app = oauth ? await getOAuthApp(deps.db, auth.accountId, connector.id) : undefined;
        return {
          ...getCredentialMetadata(connector),
          ...(oauth ? { oauthApp: { configured: app !== undefined, callbackUrl: callbackUrlOf(deps.publicUrl) } } : {}),
        };
      },
    )
    .add(
      {
        method: 'post',
        path: '/api/credentials/:id/reauthorize', access: 'user',
        summary: 'Send the user through OAuth again for an existing credential (same id); returns the authorization URL',
        tag,
      },
      async ({ auth, params }) => reauthorizeCredential(deps, auth, params.id!),
    )
    .add(
      { method: 'delete', path: '/api/credentials/:id', access: 'user', summary: 'Delete a credential, revoking its tokens at the provider', tag },
      async ({ auth, params }) => {
        const { revokedAtProvider } = await deleteCredential(deps, auth, params.id!);
        return { message: 'Credential deleted', credentialId: params.id, revokedAtProvider };
      },
    );
}
