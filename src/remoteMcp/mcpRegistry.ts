import { z } from 'zod';
import type { Config } from '../config.js';
import { ForbiddenError, InvalidRequestError } from '../errors.js';
import type { RemoteMcpPeers } from './ports.js';
import { createRemoteMcpConnectorInput, type CreateRemoteMcpConnectorInput } from './schemas.js';

/**
 * The MCP registry (official Registry API, MCP_REGISTRY_URL): browsing its `server.json` entries
 * and turning one into a connector (docs/hosted.md#registry). Its answers are validated here;
 * fields we do not use are tolerated, and an entry that does not fit is skipped and said so.
 */

const input = z.object({ name: z.string(), description: z.string().optional(), isRequired: z.boolean().optional(), isSecret: z.boolean().optional(), default: z.string().optional(), value: z.string().optional() });
const packageArgument = z.object({ type: z.enum(['positional', 'named']), name: z.string().optional(), value: z.string().optional(), default: z.string().optional(), valueHint: z.string().optional(), isRequired: z.boolean().optional() });
const packageSchema = z.object({
  registryType: z.string(),
  identifier: z.string().min(1).max(214),
  version: z.string().max(100).optional(),
  transport: z.object({ type: z.string() }).optional(),
  environmentVariables: z.array(input).max(100).optional(),
  packageArguments: z.array(packageArgument).max(100).optional(),
});
const remoteSchema = z.object({ type: z.string(), url: z.string().max(2048), headers: z.array(input).max(50).optional() });
const registryServerSchema = z.object({
  name: z.string().min(1).max(200),
  title: z.string().max(200).optional(),
  description: z.string().max(4000).default(''),
  version: z.string().min(1).max(100),
  packages: z.array(packageSchema).max(50).default([]),
  remotes: z.array(remoteSchema).max(50).default([]),
});
type RegistryServer = z.infer<typeof registryServerSchema>;

/** A list page: entries are kept unparsed so one bad entry does not sink the page. */
const listPageSchema = z.object({
  servers: z.array(z.unknown()),
  metadata: z.object({ nextCursor: z.string().nullish(), count: z.number().optional() }).optional(),
});

export const searchRegistryInput = z
  .object({
    search: z.string().trim().max(200).optional().describe('Words to look for in server names'),
    cursor: z.string().max(1000).optional().describe("The previous page's nextCursor"),
    limit: z.coerce.number().int().min(1).max(100).default(30),
  })
  .strict();
export type SearchRegistryInput = z.infer<typeof searchRegistryInput>;

export const installFromRegistryInput = z
  .object({
    name: z.string().min(1).max(200).describe("The registry entry's name (e.g. io.github.owner/server)"),
    version: z.string().min(1).max(100).describe("The entry's version, as search_registry lists it"),
    remoteUrl: z.string().max(2048).optional().describe('Install this remote (one of the entry\'s remotes[].url)'),
    packageIdentifier: z.string().max(214).optional().describe('Install this package (one of the entry\'s packages[].identifier; npm only)'),
    connectorName: z.string().trim().min(1).max(100).optional().describe("The connector's name; default the entry's title or name"),
    values: z
      .record(z.string().max(128), z.string().max(8192))
      .default({})
      .describe('Values of the declared environment variables (package) or headers (remote), by name; required ones must be given. Sealed at rest'),
  })
  .strict()
  .refine((value) => (value.remoteUrl === undefined) !== (value.packageIdentifier === undefined), { message: 'send exactly one of remoteUrl and packageIdentifier' });
export type InstallFromRegistryInput = z.infer<typeof installFromRegistryInput>;

const declared = z.object({ name: z.string(), description: z.string().optional(), isRequired: z.boolean(), isSecret: z.boolean() });
const registryServerResponse = z.object({
  name: z.string(),
  title: z.string().optional(),
  description: z.string(),
  version: z.string(),
  remotes: z.array(z.object({ type: z.string(), url: z.string(), headers: z.array(declared), installable: z.boolean(), reason: z.string().optional() })),
  packages: z.array(
    z.object({ registryType: z.string(), identifier: z.string(), version: z.string().optional(), environmentVariables: z.array(declared), installable: z.boolean(), reason: z.string().optional() }),
  ),
});
export const searchRegistryResponse = z.object({
  servers: z.array(registryServerResponse),
  nextCursor: z.string().optional(),
  skipped: z.array(z.object({ name: z.string().optional(), problem: z.string() })).describe('Entries the registry sent that do not fit server.json, left out'),
  registry: z.string().describe('MCP_REGISTRY_URL'),
});

type Deps = { config: Config; remoteMcp: Pick<RemoteMcpPeers, 'readRegistry' | 'asksForOAuth'> };

const declaredView = (items: z.infer<typeof input>[] | undefined) =>
  (items ?? []).map((item) => ({ name: item.name, ...(item.description ? { description: item.description } : {}), isRequired: item.isRequired ?? false, isSecret: item.isSecret ?? false }));

/** Why we cannot install a remote or package, or undefined when we can. */
const remoteProblem = (remote: RegistryServer['remotes'][number]) =>
  remote.type === 'streamable-http' ? undefined : `${remote.type} remotes are not supported; only streamable-http`;
function packageProblem(pkg: RegistryServer['packages'][number], config: Config): string | undefined {
  if (pkg.registryType !== 'npm') return `${pkg.registryType} packages are not supported; only npm (run by npx)`;
  if (pkg.transport && pkg.transport.type !== 'stdio') return `its transport is ${pkg.transport.type}; only stdio packages can be hosted`;
  if (!config.hostedMcp.allowNetwork) return 'npx needs the network, which this deployment does not give hosted servers (HOSTED_MCP_ALLOW_NETWORK)';
  return undefined;
}

function serverView(server: RegistryServer, config: Config) {
  return {
    name: server.name,
    ...(server.title ? { title: server.title } : {}),
    description: server.description,
    version: server.version,
    remotes: server.remotes.map((remote) => {
      const reason = remoteProblem(remote);
      return { type: remote.type, url: remote.url, headers: declaredView(remote.headers), installable: !reason, ...(reason ? { reason } : {}) };
    }),
    packages: server.packages.map((pkg) => {
      const reason = packageProblem(pkg, config);
      return {
        registryType: pkg.registryType,
        identifier: pkg.identifier,
        ...(pkg.version ? { version: pkg.version } : {}),
        environmentVariables: declaredView(pkg.environmentVariables),
        installable: !reason,
        ...(reason ? { reason } : {}),
      };
    }),
  };
}

/** One entry as the list and the version endpoint wrap it ({server, _meta}); older registries gave the bare server. */
const unwrap = (entry: unknown): unknown => (entry && typeof entry === 'object' && 'server' in entry ? entry.server : entry);
const problemOf = (error: z.ZodError) => error.issues.slice(0, 3).map((issue) => `${issue.path.join('.') || 'entry'}: ${issue.message}`).join('; ');

/** GET /api/registry/servers: one page of the registry, each entry validated. */
export async function searchRegistry(deps: Deps, query: SearchRegistryInput): Promise<z.infer<typeof searchRegistryResponse>> {
  const raw = await deps.remoteMcp.readRegistry('/v0/servers', {
    limit: String(query.limit),
    ...(query.search ? { search: query.search } : {}),
    ...(query.cursor ? { cursor: query.cursor } : {}),
  });
  const page = listPageSchema.safeParse(raw);
  if (!page.success) throw new InvalidRequestError(`The MCP registry's answer is not a server list (${problemOf(page.error)})`, { setting: 'MCP_REGISTRY_URL' });
  const servers: z.infer<typeof registryServerResponse>[] = [];
  const skipped: Array<{ name?: string; problem: string }> = [];
  for (const entry of page.data.servers) {
    const server = unwrap(entry);
    const parsed = registryServerSchema.safeParse(server);
    if (parsed.success) servers.push(serverView(parsed.data, deps.config));
    else {
      const name = (server as { name?: unknown } | null)?.name;
      skipped.push({ ...(typeof name === 'string' ? { name: name.slice(0, 200) } : {}), problem: problemOf(parsed.error) });
    }
  }
  const nextCursor = page.data.metadata?.nextCursor;
  return { servers, ...(nextCursor ? { nextCursor } : {}), skipped, registry: deps.config.mcpRegistry.url };
}

/** One version of one entry, validated. */
async function registryEntry(deps: Deps, name: string, version: string): Promise<RegistryServer> {
  const raw = await deps.remoteMcp.readRegistry(`/v0/servers/${encodeURIComponent(name)}/versions/${encodeURIComponent(version)}`, {});
  const parsed = registryServerSchema.safeParse(unwrap(raw));
  if (!parsed.success) throw new InvalidRequestError(`The MCP registry's entry ${name}@${version} does not fit server.json (${problemOf(parsed.error)})`, { name, version });
  return parsed.data;
}

/** A registry's value with {placeholders} of its own (e.g. "Bearer {token}") is a template for the user, not a value. */
const ready = (value: string | undefined) => (value !== undefined && !/\{[^{}]+\}/.test(value.replace(/\{\{[^{}]*\}\}/g, '')) ? value : undefined);

/** The declared inputs' values: given, else their default; a required one with neither is refused. */
function fillDeclared(items: z.infer<typeof input>[], values: Record<string, string>, field: string): Record<string, string> {
  const filled: Record<string, string> = {};
  const missing: string[] = [];
  for (const item of items) {
    const value = values[item.name] ?? ready(item.value) ?? ready(item.default);
    if (value !== undefined && value !== '') filled[item.name] = value;
    else if (item.isRequired) missing.push(item.name);
  }
  if (missing.length > 0) throw new InvalidRequestError(`Required ${field} not given: ${missing.join(', ')}`, { field: 'values', missing });
  const unknown = Object.keys(values).filter((name) => !items.some((item) => item.name === name));
  if (unknown.length > 0) throw new InvalidRequestError(`The entry declares no ${field} ${unknown.join(', ')}`, { field: 'values', unknown });
  return filled;
}

function packageArguments(pkg: RegistryServer['packages'][number]): string[] {
  const args: string[] = [];
  for (const argument of pkg.packageArguments ?? []) {
    const value = argument.value ?? argument.default;
    if (value === undefined) {
      if (argument.isRequired) throw new InvalidRequestError(`The package's required argument ${argument.name ?? argument.valueHint ?? ''} has no value in the registry`, { field: 'packageIdentifier' });
      continue;
    }
    if (argument.type === 'named' && argument.name) args.push(argument.name, value);
    else args.push(value);
  }
  return args;
}

/** What the entry declares must still make a valid connector (an env name, a header value). */
function connectorInput(candidate: unknown): CreateRemoteMcpConnectorInput {
  const parsed = createRemoteMcpConnectorInput.safeParse(candidate);
  if (!parsed.success) throw new InvalidRequestError(`The entry does not make a valid connector (${problemOf(parsed.error)})`, { field: 'values' });
  return parsed.data;
}

/** The connector an entry's chosen remote or package becomes, as POST /api/mcp-connectors would take it. */
export async function registryConnectorInput(deps: Deps, request: InstallFromRegistryInput): Promise<CreateRemoteMcpConnectorInput> {
  const server = await registryEntry(deps, request.name, request.version);
  const name = request.connectorName ?? (server.title ?? server.name.split('/').pop() ?? server.name).slice(0, 100);
  const category = 'other' as const;
  if (request.remoteUrl !== undefined) {
    const remote = server.remotes.find((candidate) => candidate.url === request.remoteUrl);
    if (!remote) throw new InvalidRequestError(`${server.name}@${server.version} has no remote ${request.remoteUrl}`, { field: 'remoteUrl' });
    const problem = remoteProblem(remote);
    if (problem) throw new InvalidRequestError(problem, { field: 'remoteUrl' });
    if (!URL.canParse(remote.url)) throw new InvalidRequestError(`The remote URL ${remote.url} is not valid`, { field: 'remoteUrl' });
    // The same probe as a predefined entry's: a 401 with a Bearer challenge means users sign in.
    if (await deps.remoteMcp.asksForOAuth(new URL(remote.url))) {
      if (Object.keys(request.values).length > 0) throw new InvalidRequestError('This server signs users in with OAuth: it takes no header values', { field: 'values' });
      return connectorInput({ name, type: 'oauth', category, url: remote.url });
    }
    const headers = fillDeclared(remote.headers ?? [], request.values, 'header');
    return connectorInput({ name, type: 'simple', category, url: remote.url, headers });
  }
  const pkg = server.packages.find((candidate) => candidate.identifier === request.packageIdentifier);
  if (!pkg) throw new InvalidRequestError(`${server.name}@${server.version} has no package ${request.packageIdentifier}`, { field: 'packageIdentifier' });
  const problem = packageProblem(pkg, deps.config);
  if (problem) {
    if (!deps.config.hostedMcp.allowNetwork && pkg.registryType === 'npm') {
      throw new ForbiddenError(`${pkg.identifier} is run by npx, which downloads it: that needs the network, and this deployment does not give hosted MCP servers any (set HOSTED_MCP_ALLOW_NETWORK=true to allow it)`, {
        field: 'packageIdentifier',
        setting: 'HOSTED_MCP_ALLOW_NETWORK',
        reason: 'network-required',
      });
    }
    throw new InvalidRequestError(problem, { field: 'packageIdentifier' });
  }
  const env = fillDeclared(pkg.environmentVariables ?? [], request.values, 'environment variable');
  const pinned = `${pkg.identifier}@${pkg.version ?? server.version}`;
  return connectorInput({ name, type: 'stdio', category, command: 'npx', args: ['-y', pinned, ...packageArguments(pkg)], env, network: true });
}
