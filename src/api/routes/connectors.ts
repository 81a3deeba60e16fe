import type { Context } from 'koa';
import getRawBody from 'raw-body';
import { z } from 'zod';
import {
  connectorSettingsInputSchema,
  createCustomConnector,
  deleteCustomConnector,
  updateCustomConnector,
} from '../../connectors/accountConnectors.js';
import { customConnectorSchema } from '../../connectors/sources/custom.js';
import { connectorFromOpenApi, importOpenApiInputSchema } from '../../connectors/sources/openapi/import.js';
import { resolveConnector } from '../../connectors/registry.js';
import {
  connectorResponse,
  connectorSettingsBefore,
  getAccountConnector,
  listAccountConnectors,
  listConnectorsQuery,
  setConnectorSettings,
} from '../../management/connectors.js';
import { InvalidRequestError } from '../../errors.js';
import { MAX_BODY_BYTES, readJsonBody } from '../body.js';
import type { ApiDependencies } from '../context.js';
import { invalidRequestFromZod } from '../errorHandler.js';
import { ApiRouter, type BeforeInput } from '../routing.js';

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

const tag = 'Connectors';

/** /api/connectors: the catalogue plus the account's custom connectors, and per-account settings. */
export function connectorRoutes(deps: ApiDependencies): ApiRouter {
  const { db } = deps;
  // What a change replaces, for the audit log; nothing when there was nothing.
  const connectorBefore = ({ auth, params }: BeforeInput) => resolveConnector(db, auth.accountId, params.id!).then(connectorResponse).catch(() => undefined);
  const settingsBefore = ({ auth, params }: BeforeInput) => connectorSettingsBefore(deps, auth, params.id!);
  return new ApiRouter()
    .add({ method: 'get', path: '/api/connectors', access: 'user', summary: 'List catalogue and custom connectors', tag, query: listConnectorsQuery }, async ({ auth, query }) =>
      listAccountConnectors(deps, auth, query),
    )
    .add(
      { method: 'post', path: '/api/connectors', access: 'admin', summary: 'Create a custom REST connector', tag, body: customConnectorSchema, status: 201 },
      async ({ auth, body }) => connectorResponse(await createCustomConnector(db, auth.accountId, body)),
    )
    .add(
      {
        method: 'post',
        path: '/api/connectors/import', access: 'admin',
        summary: 'Import a custom connector from an OpenAPI 3 or Swagger 2 document (JSON or YAML)',
        tag,
        body: importOpenApiInputSchema,
        readBody: readImportBody,
        status: 201,
      },
      async ({ auth, body }) => {
        const definition = customConnectorSchema.safeParse(await connectorFromOpenApi(body));
        if (!definition.success) throw invalidRequestFromZod(definition.error, 'The document does not make a valid connector');
        return connectorResponse(await createCustomConnector(db, auth.accountId, definition.data));
      },
    )
    .add({ method: 'get', path: '/api/connectors/:id', access: 'user', summary: 'Get a connector with its actions', tag }, async ({ auth, params }) =>
      getAccountConnector(deps, auth, params.id!),
    )
    .add(
      { method: 'put', path: '/api/connectors/:id', access: 'admin', summary: 'Replace a custom connector', tag, body: z.unknown(), auditBefore: connectorBefore },
      async ({ auth, params, body }) => connectorResponse(await updateCustomConnector(db, auth.accountId, params.id!, body)),
    )
    .add({ method: 'delete', path: '/api/connectors/:id', access: 'admin', summary: 'Delete a custom connector', tag, auditBefore: connectorBefore }, async ({ auth, params }) => {
      await deleteCustomConnector(db, auth.accountId, params.id!);
      return { message: 'Connector deleted', connectorId: params.id };
    })
    .add(
      {
        method: 'put',
        path: '/api/connectors/:id/settings', access: 'admin',
        summary: "Set the account's base URL, variables, rate limit or enabled switch for a connector",
        tag,
        body: connectorSettingsInputSchema,
        auditBefore: settingsBefore,
      },
      async ({ auth, params, body }) => setConnectorSettings(deps, auth, params.id!, body),
    );
}
