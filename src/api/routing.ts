import Router from '@koa/router';
import type { Context } from 'koa';
import type { z } from 'zod';
import { requireRole, type Role } from '../policy/roles.js';
import type { AuthContext } from '../policy/caller.js';
import { audited, type AuditDraft } from './audit.js';
import { readJsonBody } from './body.js';
import { invalidRequestFromZod } from './errorHandler.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'delete';

/** What the OpenAPI document says about one route; built from the same zod schemas the route parses with. */
export interface OperationSpec {
  method: HttpMethod;
  /** Koa-style path: /api/servers/:serverId */
  path: string;
  summary: string;
  tag: string;
  body?: z.ZodType;
  query?: z.ZodType;
  response?: z.ZodType;
  status?: number;
  /**
   * The least role that may call the route (src/policy/roles.ts), or 'public' for routes that need
   * no authentication (the OAuth callback). Required, so no route ships unclassified.
   */
  access: Role | 'public';
  /** Reads the raw body when it may be something other than JSON (a YAML document upload). */
  readBody?: (ctx: Context) => Promise<unknown>;
  /** Loads what a change replaces or removes, for the audit entry's `before` (masked there). */
  auditBefore?: (input: BeforeInput) => Promise<unknown>;
}

export interface BeforeInput {
  auth: AuthContext;
  params: Record<string, string>;
}

export interface RouteInput<Body, Query> {
  ctx: Context;
  auth: AuthContext;
  body: Body;
  query: Query;
  params: Record<string, string>;
}

/**
 * A router that validates bodies and query strings with the route's zod schemas (INVALID_REQUEST
 * naming each bad field) and remembers every operation for GET /api/openapi.json.
 */
export class ApiRouter {
  readonly router = new Router();
  readonly operations: OperationSpec[] = [];

  add<Body extends z.ZodType | undefined = undefined, Query extends z.ZodType | undefined = undefined>(
    spec: OperationSpec & { body?: Body; query?: Query },
    handler: (
      input: RouteInput<Body extends z.ZodType ? z.infer<Body> : undefined, Query extends z.ZodType ? z.infer<Query> : undefined>,
    ) => Promise<unknown>,
  ): this {
    this.operations.push(spec);
    const serve = async (ctx: Context, draft?: AuditDraft) => {
      // Before the body is read: a caller without the role learns nothing from validation errors.
      if (spec.access !== 'public') requireRole(ctx.state.auth!, spec.access);
      const raw = spec.body ? ((await (spec.readBody ?? readJsonBody)(ctx)) ?? {}) : undefined;
      const body = spec.body ? parse(spec.body, raw, 'The request body is invalid') : undefined;
      const query = spec.query ? parse(spec.query, ctx.query, 'The query string is invalid') : undefined;
      const params = (ctx as Context & { params: Record<string, string> }).params;
      if (draft) {
        draft.after = body;
        if (spec.auditBefore) draft.before = await spec.auditBefore({ auth: ctx.state.auth!, params });
      }
      const result = await handler({ ctx, auth: ctx.state.auth!, body: body as never, query: query as never, params });
      if (draft) draft.result = result;
      ctx.status = spec.status ?? 200;
      ctx.body = result;
    };
    this.router[spec.method](spec.path, async (ctx) => {
      if (spec.method === 'get') return serve(ctx);
      // Every management change leaves an audit entry (src/api/audit.ts), refused ones included.
      const params = (ctx as Context & { params: Record<string, string> }).params;
      await audited(ctx, `${spec.method.toUpperCase()} ${spec.path}`, { ...params }, (draft) => serve(ctx, draft));
    });
    return this;
  }
}

function parse<T extends z.ZodType>(schema: T, value: unknown, message: string): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalidRequestFromZod(parsed.error, message);
  return parsed.data;
}
