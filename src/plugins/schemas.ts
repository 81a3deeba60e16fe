import { z } from 'zod';
import { ACTION_ID_PATTERN, connectorCategorySchema } from '../connectors/schema.js';

/**
 * A WASM plugin's manifest (docs/hosted.md#wasm-plugins): the actions it exports, their parameters,
 * the hosts its HTTP requests may reach and the credential they carry. Data, validated on upload.
 */

const parameterSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'must be a letter or _ followed by letters, digits or _'),
    type: z.enum(['string', 'number', 'integer', 'boolean', 'array', 'object']),
    required: z.boolean().default(false),
    description: z.string().max(1000).optional(),
  })
  .strict();

const actionSchema = z
  .object({
    id: z.string().regex(ACTION_ID_PATTERN, 'letters, digits, ".", "_" and "-" only (at most 128)'),
    title: z.string().min(1).max(300),
    description: z.string().max(2000).default(''),
    /** The module's exported function; the action id when not given. */
    export: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'must name an exported function').optional(),
    parameters: z.array(parameterSchema).max(100).default([]),
    /** Whether calling it twice does no more than once: only then is a failed call retried after it may have acted. */
    idempotent: z.boolean().default(false),
  })
  .strict();

/** `host` or `host:port`, lower case; a plugin's request must name one of them exactly. */
const allowedHostSchema = z
  .string()
  .toLowerCase()
  .regex(/^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/, 'must be a host name or address, with an optional :port');

const pluginAuthSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('none') }).strict(),
  z.object({ type: z.literal('bearer') }).strict(),
  z.object({ type: z.literal('apiKey'), in: z.literal('header'), name: z.string().regex(/^[A-Za-z0-9-]{1,128}$/) }).strict(),
]);

export const pluginManifestSchema = z
  .object({
    description: z.string().max(2000).default(''),
    category: connectorCategorySchema.default('other'),
    allowedHosts: z.array(allowedHostSchema).max(20).default([]),
    auth: pluginAuthSchema.default({ type: 'none' }).describe("The credential the host adds to every request to an allowed host; the plugin never sees it"),
    actions: z
      .array(actionSchema)
      .min(1)
      .max(100)
      .refine((actions) => new Set(actions.map((action) => action.id)).size === actions.length, 'action ids must be unique'),
  })
  .strict();
export type PluginManifest = z.infer<typeof pluginManifestSchema>;

export const uploadPluginInput = z
  .object({
    name: z.string().trim().min(1).max(100),
    manifest: pluginManifestSchema,
    module: z.string().min(8).max(90 * 1024 * 1024).regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be base64').describe('The WebAssembly module, base64'),
  })
  .strict();
export type UploadPluginInput = z.infer<typeof uploadPluginInput>;

export const pluginResponse = z.object({
  id: z.string(),
  connectorId: z.string().describe('The id agents see (plugin-<slug>)'),
  name: z.string(),
  version: z.number().describe('The version calls use: the newest upload'),
  sha256: z.string().describe("The module's SHA-256"),
  actions: z.array(z.string()),
  allowedHosts: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type PluginResponse = z.infer<typeof pluginResponse>;

/** A plugin named by its row id (plg_…) or the connector id agents see (plugin-<slug>). */
export const pluginIdParam = z.string().min(1).max(120).describe('A plugin: row id (plg_…) or plugin-<slug>');

export const pluginDetailResponse = pluginResponse.extend({
  description: z.string(),
  auth: z.string().describe('none, bearer or apiKey'),
  manifest: z.record(z.string(), z.unknown()).describe("The newest version's manifest, as validated on upload"),
  versions: z
    .array(z.object({ version: z.number(), sha256: z.string(), actions: z.array(z.string()), allowedHosts: z.array(z.string()), createdAt: z.string() }))
    .describe('Every upload, newest first; calls use the first'),
});
export type PluginDetailResponse = z.infer<typeof pluginDetailResponse>;

export const testPluginInput = z
  .object({
    id: pluginIdParam,
    version: z.number().int().min(1).optional().describe('The version to load; the newest when not given'),
  })
  .strict();
export type TestPluginInput = z.infer<typeof testPluginInput>;

export const testPluginResponse = z.object({
  ok: z.boolean(),
  message: z.string().optional(),
  version: z.number().optional(),
  sha256: z.string().optional(),
  actions: z.array(z.string()).optional().describe('The actions whose exported function the loaded module has'),
  error: z.string().optional(),
  code: z.string().optional(),
});
export type TestPluginResponse = z.infer<typeof testPluginResponse>;
