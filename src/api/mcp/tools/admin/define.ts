import type { ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { requireRole, type Role } from '../../../../policy/roles.js';
import { auditedCall } from '../../../audit.js';
import type { HttpMethod } from '../../../routing.js';
import { defineTool, type ToolContext, type ToolDefinition } from '../../tool.js';

/** The REST route an admin tool stands for: same input schema, same answer, same role, same audit entry. */
export interface MirroredRoute {
  method: HttpMethod;
  /** Koa-style, as the route declares it: /api/servers/:serverId/connectors */
  path: string;
  /** The route's least role (its `access`); test/integration/admin-mcp-tools.test.ts checks they agree. */
  access: Role;
  /** The status the route answers with on success, which the audit entry records. */
  status?: number;
}

export interface AdminToolDefinition extends ToolDefinition {
  mirrors: MirroredRoute;
}

/** Arguments of a tool mirroring a route that takes none. */
export const noArguments = z.object({}).strict();

export const readOnlyTool: ToolAnnotations = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };

/** The audit action of a change made through an admin tool: `MCP <tool>`, beside REST's `<METHOD> <route>`. */
const auditActionOf = (toolName: string) => `MCP ${toolName}`;

/**
 * A management tool. Its guard does what the REST router does around a route: the role check
 * first, then, for a change, one audit entry whatever the outcome (refusals and invalid
 * arguments included) with the route's path parameters as target, the validated rest as
 * `after`, what the change replaces as `before`, and the created id.
 */
export function adminTool<Input extends z.ZodType>(spec: {
  name: string;
  title: string;
  description: string;
  mirrors: MirroredRoute;
  input: Input;
  /** Arguments that are the route's path parameters: the audit entry's target rather than its `after`. */
  pathParams?: readonly string[];
  /** The route's auditBefore: what the change replaces, from the raw path parameters. */
  before?: (context: ToolContext, target: Record<string, string>) => Promise<unknown>;
  annotations: ToolAnnotations;
  run(input: z.infer<Input>, context: ToolContext): Promise<Record<string, unknown>>;
}): AdminToolDefinition {
  const { mirrors, pathParams = [], before } = spec;
  const tool = defineTool({ name: spec.name, title: spec.title, description: spec.description, input: spec.input, annotations: spec.annotations, run: spec.run });
  return {
    ...tool,
    mirrors,
    async guard(args, context, call) {
      if (mirrors.method === 'get') {
        requireRole(context.auth, mirrors.access);
        return call(context);
      }
      const target = Object.fromEntries(pathParams.flatMap((name) => (typeof args[name] === 'string' ? [[name, args[name]]] : [])));
      const event = { action: auditActionOf(spec.name), target, status: mirrors.status ?? 200 };
      return auditedCall(context.deps, context.auth, event, async (draft) => {
        requireRole(context.auth, mirrors.access);
        const parsed = spec.input.safeParse(args);
        if (parsed.success) {
          draft.after = withoutPathParams(parsed.data, pathParams);
          if (before) draft.before = await before(context, target);
        }
        const result = await call(context);
        draft.result = result.structuredContent;
        return result;
      });
    },
  };
}

function withoutPathParams(input: unknown, pathParams: readonly string[]): unknown {
  if (input === null || typeof input !== 'object') return input;
  return Object.fromEntries(Object.entries(input).filter(([name]) => !pathParams.includes(name)));
}
