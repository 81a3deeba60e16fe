import { z } from 'zod';
import { errorCodes } from '../errors.js';
import type { OperationSpec } from './routing.js';
import { SERVER_INFO } from './mcp/server.js';

const errorBody = z.object({
  error: z.object({ code: z.enum(errorCodes), message: z.string(), details: z.record(z.string(), z.unknown()) }),
});

function schemaOf(schema: z.ZodType, io: 'input' | 'output') {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

/** OpenAPI 3.1 (whose schemas are JSON Schema 2020-12, what zod 4 emits) from the routes' own schemas. */
export function buildOpenApiDocument(operations: readonly OperationSpec[], publicUrl: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    const path = op.path.replace(/:(\w+)/g, '{$1}');
    const parameters = [...op.path.matchAll(/:(\w+)/g)].map(([, name]) => ({
      name,
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    if (op.query) {
      const query = schemaOf(op.query, 'input') as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, schema] of Object.entries(query.properties ?? {})) {
        parameters.push({ name, in: 'query', required: query.required?.includes(name) ?? false, schema: schema as never });
      }
    }
    (paths[path] ??= {})[op.method] = {
      summary: op.summary,
      tags: [op.tag],
      operationId: `${op.method}${path.replace(/[{}]/g, '').replace(/[/-](\w)/g, (_, c: string) => c.toUpperCase())}`,
      ...(op.access === 'public' ? { security: [] } : {}),
      'x-switchboard-role': op.access,
      ...(parameters.length ? { parameters } : {}),
      ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(op.body, 'input') } } } } : {}),
      responses: {
        [String(op.status ?? 200)]: {
          description: 'Success',
          ...(op.response ? { content: { 'application/json': { schema: schemaOf(op.response, 'output') } } } : {}),
        },
        default: { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Switchboard management API',
      version: SERVER_INFO.version,
      description: 'Manage MCP servers, API keys, connectors, credentials and runs. Errors use {error: {code, message, details}}.',
    },
    servers: [{ url: publicUrl }],
    security: [{ apiKey: [] }, { userToken: [] }],
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer <API key>; x-user-id optional' },
        userToken: { type: 'apiKey', in: 'header', name: 'x-user-token' },
      },
      schemas: { Error: schemaOf(errorBody, 'output') },
    },
    paths,
  };
}
