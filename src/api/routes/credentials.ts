import { resolveConnector } from '../../connectors/registry.js';
import {
  createCredential,
  createCredentialInputSchema,
  deleteCredential,
  listCredentials,
  listCredentialsInputSchema,
} from '../../credentials/index.js';
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
      { method: 'delete', path: '/api/credentials/:id', access: 'user', summary: 'Delete a credential, revoking its tokens at the provider', tag },
      async ({ auth, params }) => {
        const { revokedAtProvider } = await deleteCredential(deps, auth, params.id!);
        return { message: 'Credential deleted', credentialId: params.id, revokedAtProvider };
      },
    );
}
