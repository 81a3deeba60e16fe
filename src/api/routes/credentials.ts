import Router from '@koa/router';
import type { Context } from 'koa';
import type { z } from 'zod';
import { resolveConnector } from '../../connectors/registry.js';
import {
  createCredential,
  createCredentialInputSchema,
  deleteCredential,
  listCredentials,
  listCredentialsInputSchema,
} from '../../credentials/index.js';
import { UnauthorizedError } from '../../errors.js';
import { readJsonBody } from '../body.js';
import type { ApiDependencies, AuthContext } from '../context.js';
import { invalidRequestFromZod } from '../errorHandler.js';

function authOf(ctx: Context): AuthContext {
  if (!ctx.state.auth) throw new UnauthorizedError();
  return ctx.state.auth;
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalidRequestFromZod(parsed.error);
  return parsed.data;
}

/** /api/credentials: the calling user's credentials; oauth2 answers with the authorization URL. */
export function credentialRoutes(deps: ApiDependencies): Router {
  const router = new Router({ prefix: '/api/credentials' });

  router.post('/', async (ctx) => {
    const auth = authOf(ctx);
    const input = parse(createCredentialInputSchema, await readJsonBody(ctx));
    const connector = await resolveConnector(deps.db, auth.accountId, input.connectorId);
    ctx.status = 201;
    ctx.body = await createCredential(deps, auth, connector, input);
  });

  router.get('/', async (ctx) => {
    const input = parse(listCredentialsInputSchema, ctx.query);
    const credentials = await listCredentials(deps.db, authOf(ctx), input);
    ctx.body = { credentials, count: credentials.length };
  });

  router.delete('/:id', async (ctx) => {
    const { revokedAtProvider } = await deleteCredential(deps, authOf(ctx), ctx.params.id!);
    ctx.body = { message: 'Credential deleted', credentialId: ctx.params.id, revokedAtProvider };
  });

  return router;
}
