import Router from '@koa/router';
import type { Context } from 'koa';
import getRawBody from 'raw-body';
import { z } from 'zod';
import {
  connectorSettingsInputSchema,
  createCustomConnector,
  deleteCustomConnector,
  putConnectorSettings,
  updateCustomConnector,
} from '../../connectors/accountConnectors.js';
import { customConnectorSchema } from '../../connectors/custom.js';
import { connectorFromOpenApi, importOpenApiInputSchema } from '../../connectors/openapi/import.js';
import { listConnectors, resolveConnector, type Connector } from '../../connectors/registry.js';
import { connectorCategorySchema } from '../../connectors/schema.js';
import { UnauthorizedError, InvalidRequestError } from '../../errors.js';
import { MAX_BODY_BYTES, readJsonBody } from '../body.js';
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

export function connectorResponse(connector: Connector) {
  const { settings, ...definition } = connector;
  return { ...definition, settings };
}

const YAML_TYPES = /^(application|text)\/(x-)?yaml\b/i;

/**
 * The import body is JSON ({document, id?, ...}) or, for convenience, the YAML/JSON document
 * itself with options in the query string.
 */
async function readImportBody(ctx: Context): Promise<unknown> {
  if (!YAML_TYPES.test(ctx.get('content-type'))) return readJsonBody(ctx);
  const raw = await getRawBody(ctx.req, { limit: MAX_BODY_BYTES, encoding: 'utf8' }).catch(() => {
    throw new InvalidRequestError(`The document could not be read (at most ${MAX_BODY_BYTES} bytes)`);
  });
  return { ...ctx.query, document: raw };
}

/** /api/connectors: the catalogue plus the account's custom connectors, and per-account settings. */
export function connectorRoutes(deps: Pick<ApiDependencies, 'db'>): Router {
  const router = new Router({ prefix: '/api/connectors' });
  const { db } = deps;

  router.get('/', async (ctx) => {
    const { category } = parse(z.object({ category: connectorCategorySchema.optional() }), ctx.query);
    const connectors = await listConnectors(db, authOf(ctx).accountId, category ? { category } : {});
    ctx.body = { connectors, count: connectors.length };
  });

  router.post('/', async (ctx) => {
    const definition = parse(customConnectorSchema, await readJsonBody(ctx));
    ctx.status = 201;
    ctx.body = connectorResponse(await createCustomConnector(db, authOf(ctx).accountId, definition));
  });

  router.post('/import', async (ctx) => {
    const input = parse(importOpenApiInputSchema, await readImportBody(ctx));
    const definition = parse(customConnectorSchema, await connectorFromOpenApi(input));
    ctx.status = 201;
    ctx.body = connectorResponse(await createCustomConnector(db, authOf(ctx).accountId, definition));
  });

  router.get('/:id', async (ctx) => {
    ctx.body = connectorResponse(await resolveConnector(db, authOf(ctx).accountId, ctx.params.id!));
  });

  router.put('/:id', async (ctx) => {
    ctx.body = connectorResponse(await updateCustomConnector(db, authOf(ctx).accountId, ctx.params.id!, await readJsonBody(ctx)));
  });

  router.delete('/:id', async (ctx) => {
    await deleteCustomConnector(db, authOf(ctx).accountId, ctx.params.id!);
    ctx.body = { message: 'Connector deleted', connectorId: ctx.params.id };
  });

  router.put('/:id/settings', async (ctx) => {
    const input = parse(connectorSettingsInputSchema, await readJsonBody(ctx));
    const settings = await putConnectorSettings(db, authOf(ctx).accountId, ctx.params.id!, input);
    ctx.body = { connectorId: ctx.params.id, settings };
  });

  return router;
}
