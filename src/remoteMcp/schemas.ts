import { z } from 'zod';
import { errorCodes } from '../errors.js';
import { connectorIdSchema } from '../connectors/ids.js';
import { connectorCategorySchema } from '../connectors/schema.js';
import { remoteMcpConnectorTypes } from '../db/tables/remoteMcpConnectors.js';
import { predefinedEntryIds } from './predefinedEntries.js';
import { stdioFields } from './stdio.js';

/** Inputs and answers of the remote MCP connector, variable and assignment APIs. One schema per input. */

export const variableNameSchema = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'must be a letter or _ followed by letters, digits or _ (at most 64)');

const httpUrlTemplate = z
  .string()
  .trim()
  .min(1)
  .max(2048)
  .regex(/^https?:\/\//i, 'only http:// and https:// URLs are allowed');

const headerName = z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}$/, 'must be an HTTP header name');
const headersSchema = z
  .record(headerName, z.string().max(8192).regex(/^[^\r\n]*$/, 'may not contain line breaks'))
  .refine((headers) => Object.keys(headers).length <= 50, 'at most 50 headers')
  .describe('Header name → value; values may reference account variables as {{name}}');

const name = z.string().trim().min(1, 'must be 1–100 characters').max(100, 'must be 1–100 characters');
const predefinedEntryIdSchema = z.enum(predefinedEntryIds).describe('A predefined entry id (GET /api/mcp-connectors/oauth)');

const preregisteredClientSchema = z
  .object({
    clientId: z.string().trim().min(1).max(512),
    clientSecret: z.string().min(1).max(4096).optional(),
    tokenEndpointAuthMethod: z
      .enum(['client_secret_basic', 'client_secret_post', 'none'])
      .optional()
      .describe('How the secret is sent to the token endpoint; default client_secret_basic with a secret, none without'),
  })
  .strict()
  .describe(
    "An OAuth client registered by hand with the server's authorization server, for one that offers neither Client ID Metadata Documents nor Dynamic Client Registration; its redirect URI must be PUBLIC_URL/oauth/callback",
  );

export const createRemoteMcpConnectorInput = z
  .object({
    name,
    type: z.enum(remoteMcpConnectorTypes).default('simple'),
    category: connectorCategorySchema.default('other'),
    url: httpUrlTemplate.optional(),
    headers: headersSchema.default({}),
    oauthMcp: predefinedEntryIdSchema.optional(),
    command: stdioFields.command.optional(),
    args: stdioFields.args.optional(),
    env: stdioFields.env.optional(),
    network: stdioFields.network.optional(),
    oauthClient: preregisteredClientSchema.optional(),
  })
  .strict()
  .superRefine((input, ctx) => {
    const stdioOnly = (['command', 'args', 'env', 'network'] as const).filter((field) => input[field] !== undefined);
    if (input.type !== 'stdio') for (const field of stdioOnly) ctx.addIssue({ code: 'custom', path: [field], message: 'only for stdio connectors' });
    if (input.type === 'stdio') {
      if (!input.command) ctx.addIssue({ code: 'custom', path: ['command'], message: 'required for stdio connectors' });
      for (const field of ['url', 'oauthMcp'] as const) if (input[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message: 'not for stdio connectors' });
      if (Object.keys(input.headers).length > 0) ctx.addIssue({ code: 'custom', path: ['headers'], message: 'not for stdio connectors: give env' });
    }
    if (input.type === 'simple' && !input.url) ctx.addIssue({ code: 'custom', path: ['url'], message: 'required for simple connectors' });
    if (input.type === 'simple' && input.oauthMcp) ctx.addIssue({ code: 'custom', path: ['oauthMcp'], message: 'only for oauth connectors' });
    if (input.type === 'oauth' && !input.oauthMcp && !input.url) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'oauth connectors need a url (a remote MCP server behind OAuth) or oauthMcp (a predefined entry)' });
    }
    if (input.type === 'oauth' && input.oauthMcp && input.url) ctx.addIssue({ code: 'custom', path: ['url'], message: 'give url or oauthMcp, not both' });
    if (input.oauthClient && (input.type !== 'oauth' || !input.url)) {
      ctx.addIssue({ code: 'custom', path: ['oauthClient'], message: 'only for oauth connectors with a url' });
    }
    if (input.oauthClient?.tokenEndpointAuthMethod && input.oauthClient.tokenEndpointAuthMethod !== 'none' && !input.oauthClient.clientSecret) {
      ctx.addIssue({ code: 'custom', path: ['oauthClient', 'clientSecret'], message: `required for ${input.oauthClient.tokenEndpointAuthMethod}` });
    }
    if (input.type === 'oauth' && Object.keys(input.headers).length > 0) {
      ctx.addIssue({ code: 'custom', path: ['headers'], message: 'oauth connectors take no headers: the user\'s token is sent' });
    }
  });
export type CreateRemoteMcpConnectorInput = z.infer<typeof createRemoteMcpConnectorInput>;

/** `type` is accepted only to explain that it cannot change. */
export const updateRemoteMcpConnectorInput = z
  .object({
    name: name.optional(),
    type: z.enum(remoteMcpConnectorTypes).optional(),
    category: connectorCategorySchema.optional(),
    url: httpUrlTemplate.optional(),
    headers: headersSchema.optional().describe('Replaces every header when given'),
    oauthMcp: predefinedEntryIdSchema.optional(),
    command: stdioFields.command.optional(),
    args: stdioFields.args.optional().describe('Replaces every argument when given'),
    env: stdioFields.env.optional().describe('Replaces the whole environment when given'),
    network: stdioFields.network.optional(),
  })
  .strict();
export type UpdateRemoteMcpConnectorInput = z.infer<typeof updateRemoteMcpConnectorInput>;

export const remoteMcpConnectorResponse = z.object({
  id: z.string().describe('The row id (mcp_…)'),
  connectorId: z.string().describe('The id agents see in list_connectors (mcp-<slug>)'),
  name: z.string(),
  type: z.enum(remoteMcpConnectorTypes),
  category: z.string(),
  url: z.string().nullable(),
  headers: z.record(z.string(), z.string()).describe('Values masked, except pure {{variable}} references'),
  oauthMcp: z.string().nullable(),
  stdio: z
    .object({ command: z.string(), args: z.array(z.string()), env: z.record(z.string(), z.string()).describe('Values masked, except pure {{variable}} references'), network: z.boolean() })
    .nullable()
    .describe('stdio connectors: what the worker runs in its sandbox'),
  toolCount: z.number().nullable().describe('From the cached tool list; null until first fetched'),
  toolsCachedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type RemoteMcpConnectorResponse = z.infer<typeof remoteMcpConnectorResponse>;

export const predefinedEntryStatusResponse = z.object({
  id: z.string(),
  name: z.string(),
  type: z.literal('oauth'),
  connectorId: z.string(),
  url: z.string(),
  connected: z.boolean(),
  needsConnection: z.boolean(),
  hint: z.string().optional(),
});

export const testRemoteMcpConnectorInput = z
  .object({
    connectorId: z.string().min(1).max(100).optional().describe('A remote connector: its row id (mcp_…) or mcp-<slug>'),
    oauthMcp: predefinedEntryIdSchema.optional(),
  })
  .strict()
  .refine((input) => (input.connectorId === undefined) !== (input.oauthMcp === undefined), {
    message: 'send exactly one of connectorId and oauthMcp',
  });
export type TestRemoteMcpConnectorInput = z.infer<typeof testRemoteMcpConnectorInput>;

export const testRemoteMcpConnectorResponse = z.object({
  ok: z.boolean(),
  message: z.string().optional(),
  error: z.string().optional(),
  code: z.enum(errorCodes).optional().describe("With a failed listing: the error's code (UPSTREAM_REJECTED for an answer or tool list over its limit)"),
  toolsets: z.array(z.object({ name: z.string(), count: z.number(), tools: z.array(z.string()) })).optional(),
  needsConnection: z.boolean().optional(),
  connectorId: z.string().optional(),
  hint: z.string().optional(),
  authorizationUrl: z.string().optional().describe('oauth servers before sign-in: the link that connects this user'),
  credentialId: z.string().optional().describe('The pending credential the link completes'),
});
export type TestRemoteMcpConnectorResponse = z.infer<typeof testRemoteMcpConnectorResponse>;

export const putVariableInput = z.object({ value: z.string().min(1).max(8192) }).strict();

export const variableResponse = z.object({
  name: z.string(),
  value: z.string().describe('Masked'),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const assignmentInput = z
  .object({
    connectorId: connectorIdSchema.optional().describe('A catalogue or custom connector'),
    mcpConnectorId: z.string().min(1).max(100).optional().describe('A remote MCP connector: row id (mcp_…) or mcp-<slug>'),
    oauthMcp: predefinedEntryIdSchema.optional(),
  })
  .strict()
  .refine((input) => [input.connectorId, input.mcpConnectorId, input.oauthMcp].filter((v) => v !== undefined).length === 1, {
    message: 'send exactly one of connectorId, mcpConnectorId and oauthMcp',
  });
export type AssignmentInput = z.infer<typeof assignmentInput>;

export const assignmentResponse = z.object({
  kind: z.enum(['connector', 'mcp', 'oauth']),
  /** What agents use in list_connectors and execute_action. */
  connectorId: z.string(),
  name: z.string(),
  mcpConnectorId: z.string().optional(),
  oauthMcp: z.string().optional(),
  needsConnection: z.boolean().optional(),
  hint: z.string().optional(),
  assignedAt: z.string(),
});
export type AssignmentResponse = z.infer<typeof assignmentResponse>;
