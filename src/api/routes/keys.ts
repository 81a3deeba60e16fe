import { z } from 'zod';
import { createApiKey, getAccount, listApiKeys, revokeApiKey } from '../../db/repositories/accounts.js';
import type { ApiKey } from '../../db/tables/accounts.js';
import { NotFoundError } from '../../errors.js';
import { ROLES } from '../../policy/roles.js';
import type { ApiDependencies } from '../context.js';
import { ApiRouter } from '../routing.js';
import { issueUserToken, issueUserTokenInput, userIdSchema } from '../userTokens.js';

const createApiKeyInput = z
  .object({
    name: z.string().trim().min(1).max(100),
    userId: userIdSchema.optional().describe("The user the key acts as; defaults to the caller's"),
    role: z.enum(ROLES).default('admin').describe('admin: everything; operator: any user\'s runs and credentials, read-only settings; user: acts as its user only'),
  })
  .strict();

const apiKeyResponse = z.object({
  id: z.string(),
  name: z.string(),
  userId: z.string(),
  role: z.enum(ROLES),
  keyHint: z.string().describe('Last 6 characters'),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
});

function toApiKeyResponse(key: ApiKey) {
  return {
    id: key.id,
    name: key.name,
    userId: key.user_id,
    role: key.role,
    keyHint: key.key_hint,
    createdAt: key.created_at.toISOString(),
    revokedAt: key.revoked_at?.toISOString() ?? null,
  };
}

export function keyRoutes(deps: ApiDependencies): ApiRouter {
  return new ApiRouter()
    .add(
      {
        method: 'post',
        path: '/api/keys', access: 'admin',
        summary: 'Create an API key (the key is returned once)',
        tag: 'Account',
        body: createApiKeyInput,
        response: apiKeyResponse.extend({ key: z.string() }),
        status: 201,
      },
      async ({ auth, body }) => {
        const { apiKey, key } = await createApiKey(deps.db, {
          accountId: auth.accountId,
          userId: body.userId ?? auth.userId,
          role: body.role,
          name: body.name,
        });
        return { ...toApiKeyResponse(apiKey), key };
      },
    )
    .add(
      {
        method: 'get',
        path: '/api/keys', access: 'admin',
        summary: "List the account's API keys",
        tag: 'Account',
        response: z.object({ keys: z.array(apiKeyResponse) }),
      },
      async ({ auth }) => ({ keys: (await listApiKeys(deps.db, auth.accountId)).map(toApiKeyResponse) }),
    )
    .add(
      {
        method: 'delete',
        path: '/api/keys/:keyId', access: 'admin',
        summary: 'Revoke an API key',
        tag: 'Account',
        auditBefore: async ({ auth, params }) => {
          const key = (await listApiKeys(deps.db, auth.accountId)).find(({ id }) => id === params.keyId);
          return key && toApiKeyResponse(key);
        },
        response: z.object({ message: z.string(), id: z.string() }),
      },
      async ({ auth, params }) => {
        if (!(await revokeApiKey(deps.db, auth.accountId, params.keyId ?? ''))) {
          throw new NotFoundError('API key not found or already revoked', { id: params.keyId });
        }
        return { message: 'API key revoked', id: params.keyId! };
      },
    )
    .add(
      {
        method: 'post',
        path: '/api/user-tokens', access: 'admin',
        summary: 'Sign an x-user-token (JWT) naming one end user',
        tag: 'Account',
        body: issueUserTokenInput,
        response: z.object({ token: z.string(), userId: z.string(), expiresAt: z.string() }),
        status: 201,
      },
      async ({ auth, body }) => {
        const account = await getAccount(deps.db, auth.accountId);
        if (!account) throw new NotFoundError('Account not found');
        return issueUserToken(account, deps.secretBox, body);
      },
    );
}
