import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../db/connect.js';
import type { RemoteMcpConnectorRow } from '../db/tables/remoteMcpConnectors.js';
import { InvalidRequestError } from '../errors.js';
import type { SecretBox } from '../secrets/secretBox.js';
import { maskHeaderValue, variableFiller } from './variables.js';

/**
 * Hosted stdio MCP connectors: a command the worker runs inside bubblewrap and speaks MCP to over
 * stdin/stdout (docs/hosted.md). What is stored is sealed; what runs is filled in per call.
 */

const envName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'must be a letter or _ followed by letters, digits or _')
  .refine((name) => name !== 'HOME', 'HOME is the sandbox\'s private home and cannot be set');

/** The fields a stdio connector adds to createRemoteMcpConnectorInput. */
export const stdioFields = {
  command: z
    .string()
    .trim()
    .min(1)
    .max(1024)
    .regex(/^[^\0\r\n]+$/, 'may not contain line breaks')
    .describe('stdio only: the program, found on the sandbox\'s PATH (/usr/local/bin:/usr/bin:/bin) or an absolute path inside it'),
  args: z
    .array(z.string().max(65_536).regex(/^[^\0]*$/, 'may not contain NUL'))
    .max(100)
    .describe('stdio only: its arguments; may reference account variables as {{name}}'),
  env: z
    .record(envName, z.string().max(8192).regex(/^[^\0]*$/, 'may not contain NUL'))
    .refine((env) => Object.keys(env).length <= 100, 'at most 100 variables')
    .describe('stdio only: environment variable name → value; values may reference account variables as {{name}}'),
  network: z.boolean().describe('stdio only: share the host\'s network (only where HOSTED_MCP_ALLOW_NETWORK=true); otherwise none'),
};

const stdioSpecSchema = z.object({
  command: stdioFields.command,
  args: stdioFields.args.default([]),
  env: stdioFields.env.default({}),
  network: stdioFields.network.default(false),
});
export type StdioSpec = z.infer<typeof stdioSpecSchema>;

const stdioAad = (mcpConnectorId: string) => `mcp-connector-stdio:${mcpConnectorId}`;

export function sealStdio(secretBox: SecretBox, mcpConnectorId: string, spec: StdioSpec): string {
  return secretBox.seal(JSON.stringify(stdioSpecSchema.parse(spec)), stdioAad(mcpConnectorId));
}

export function openStdio(row: Pick<RemoteMcpConnectorRow, 'id' | 'stdio_encrypted'>, secretBox: SecretBox): StdioSpec | undefined {
  if (!row.stdio_encrypted) return undefined;
  return stdioSpecSchema.parse(JSON.parse(secretBox.open(row.stdio_encrypted, stdioAad(row.id))));
}

/** What answers show: the command and arguments as written (put secrets in env, by {{variable}}), env values masked. */
export function stdioView(spec: StdioSpec) {
  return {
    command: spec.command,
    args: spec.args,
    env: Object.fromEntries(Object.entries(spec.env).map(([name, value]) => [name, maskHeaderValue(value)])),
    network: spec.network,
  };
}

/** A command ready to run, its {{variables}} filled in. Lives only inside the call that uses it. */
export interface HostedCommand {
  /** Which pooled process serves it: the account, the row, and a digest of what runs (a change starts a new one). */
  poolKey: string;
  /** The row, so a changed definition retires the processes of the old one. */
  mcpConnectorId: string;
  name: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  network: boolean;
  /** Variable values, scrubbed from any error text and result before it leaves us. */
  secrets: string[];
}

export async function resolveHostedCommand(deps: { db: Db; secretBox: SecretBox }, row: RemoteMcpConnectorRow): Promise<HostedCommand> {
  const spec = openStdio(row, deps.secretBox);
  if (!spec) throw new InvalidRequestError(`Connector "${row.name}" is not a stdio connector`);
  const { fill, values } = await variableFiller(deps, row, [...spec.args, ...Object.values(spec.env)]);
  const args = spec.args.map(fill);
  const env = Object.fromEntries(Object.entries(spec.env).map(([name, value]) => [name, fill(value)]));
  const digest = createHash('sha256').update(JSON.stringify([spec.command, args, env, spec.network])).digest('hex').slice(0, 16);
  return {
    poolKey: `${row.account_id}/${row.id}/${digest}`,
    mcpConnectorId: row.id,
    name: row.name,
    command: spec.command,
    args,
    env,
    network: spec.network,
    secrets: [...values, ...Object.values(env).filter((value) => value.length >= 8)],
  };
}
