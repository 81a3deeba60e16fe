import type { Db } from '../db/connect.js';
import { findNewestActiveCredential } from '../db/repositories/credentials.js';
import {
  deleteRemoteMcpConnector as deleteRow,
  DuplicateRemoteMcpConnectorError,
  getRemoteMcpConnector,
  getRemoteMcpConnectorBySlug,
  insertRemoteMcpConnector,
  listConnectorsWithPlainUrls,
  sealConnectorUrl,
  updateRemoteMcpConnector as updateRow,
  type RemoteMcpConnectorValues,
} from '../db/repositories/remoteMcpConnectors.js';
import { deleteRemoteMcpOAuthClient, saveRemoteMcpOAuthClient } from '../db/repositories/remoteMcpOAuthClients.js';
import type { RemoteMcpConnectorRow } from '../db/tables/remoteMcpConnectors.js';
import { ConflictError, InvalidRequestError, NotFoundError } from '../errors.js';
import type { SecretBox } from '../secrets/secretBox.js';
import { newId } from '../secrets/tokens.js';
import { remoteMcpOAuthClientSecretContext } from './clientMetadata.js';
import { connectorIdOfRow, isRemoteMcpConnectorId, REMOTE_MCP_PREFIX, slugOfName } from './connector.js';
import { connectionHint, predefinedEntries, type PredefinedEntry } from './predefinedEntries.js';
import type { CreateRemoteMcpConnectorInput, RemoteMcpConnectorResponse, UpdateRemoteMcpConnectorInput } from './schemas.js';
import type { RemoteMcpPeers } from './ports.js';
import { headersAad, maskHeaderValue, openHeaders, sealUrl } from './variables.js';
import { openStdio, sealStdio, stdioView } from './stdio.js';

interface Deps {
  db: Db;
  secretBox: SecretBox;
  remoteMcp: Pick<RemoteMcpPeers, 'checkEgress'>;
}

export function remoteMcpConnectorView(row: RemoteMcpConnectorRow, secretBox: SecretBox): RemoteMcpConnectorResponse {
  const headers = openHeaders(row, secretBox);
  return {
    id: row.id,
    connectorId: connectorIdOfRow(row),
    name: row.name,
    type: row.type,
    category: row.category,
    url: row.url,
    headers: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, maskHeaderValue(value)])),
    oauthMcp: row.oauth_mcp,
    stdio: row.type === 'stdio' ? stdioView(openStdio(row, secretBox)!) : null,
    toolCount: row.tools ? row.tools.length : null,
    toolsCachedAt: row.tools_cached_at ? row.tools_cached_at.toISOString() : null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** By row id (mcp_…) or by the connector id agents see (mcp-<slug>). */
export async function findRemoteMcpConnector(db: Db, accountId: string, id: string): Promise<RemoteMcpConnectorRow> {
  const row = isRemoteMcpConnectorId(id)
    ? await getRemoteMcpConnectorBySlug(db, accountId, id.slice(REMOTE_MCP_PREFIX.length))
    : await getRemoteMcpConnector(db, accountId, id);
  if (!row) throw new NotFoundError(`No remote MCP connector "${id}"`, { mcpConnectorId: id });
  return row;
}

/**
 * A registered URL must parse and be http(s), and its host must pass the egress policy now, so a
 * mistake shows at registration; the guarded dispatcher checks again on every call. A host made
 * of {{variables}} is only known at run time and is checked then.
 */
async function checkConnectorUrl(deps: Pick<Deps, 'remoteMcp'>, template: string): Promise<void> {
  let url: URL;
  try {
    url = new URL(template.replace(/\{\{[^}]*\}\}/g, 'variable'));
  } catch {
    throw new InvalidRequestError('The URL is not valid', { field: 'url' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidRequestError('Only http:// and https:// URLs are allowed', { field: 'url' });
  }
  const hostTemplate = /^https?:\/\/([^/?#]*)/i.exec(template)?.[1] ?? '';
  if (hostTemplate.includes('{{')) return;
  await deps.remoteMcp.checkEgress(url);
}

function sealHeaders(secretBox: SecretBox, id: string, headers: Record<string, string>) {
  if (Object.keys(headers).length === 0) return { headersEncrypted: null, keyId: null };
  return { headersEncrypted: secretBox.seal(JSON.stringify(headers), headersAad(id)), keyId: secretBox.currentKeyId };
}

/** The stdio fields an update gives; the others keep their stored values. */
function definedOnly(input: UpdateRemoteMcpConnectorInput) {
  return Object.fromEntries(Object.entries({ command: input.command, args: input.args, env: input.env, network: input.network }).filter(([, value]) => value !== undefined));
}

function duplicate(error: DuplicateRemoteMcpConnectorError, name: string): ConflictError {
  return error.field === 'name'
    ? new ConflictError(`A connector named "${name}" already exists`, { field: 'name', name })
    : new ConflictError(
        `The name "${name}" gives the connector id "${REMOTE_MCP_PREFIX}${slugOfName(name)}", which another connector already has; choose another name`,
        { field: 'name', name },
      );
}

/** The administrator's own OAuth client: discovery keeps it while the authorization server stays the same. */
async function savePreregisteredClient(deps: Deps, id: string, client: NonNullable<CreateRemoteMcpConnectorInput['oauthClient']>): Promise<void> {
  const sealed = client.clientSecret ? deps.secretBox.seal(client.clientSecret, remoteMcpOAuthClientSecretContext(id)) : null;
  await saveRemoteMcpOAuthClient(deps.db, id, {
    registration: 'preregistered',
    clientId: client.clientId,
    tokenEndpointAuthMethod: client.tokenEndpointAuthMethod ?? (sealed ? 'client_secret_basic' : 'none'),
    clientSecretEncrypted: sealed,
    keyId: sealed ? deps.secretBox.currentKeyId : null,
  });
}

export async function createRemoteMcpConnector(deps: Deps, accountId: string, input: CreateRemoteMcpConnectorInput): Promise<RemoteMcpConnectorRow> {
  if (input.url) await checkConnectorUrl(deps, input.url);
  const id = newId('mcp');
  try {
    const row = await insertRemoteMcpConnector(deps.db, {
      id,
      accountId,
      type: input.type,
      name: input.name,
      slug: slugOfName(input.name),
      category: input.category,
      ...(input.url ? sealUrl(deps.secretBox, id, input.url) : { url: null, urlEncrypted: null }),
      oauthMcp: input.type === 'oauth' ? (input.oauthMcp ?? null) : null,
      ...sealHeaders(deps.secretBox, id, input.headers),
      ...(input.type === 'stdio'
        ? { stdioEncrypted: sealStdio(deps.secretBox, id, { command: input.command!, args: input.args ?? [], env: input.env ?? {}, network: input.network ?? false }) }
        : {}),
    });
    if (input.oauthClient) await savePreregisteredClient(deps, id, input.oauthClient);
    return row;
  } catch (error) {
    if (error instanceof DuplicateRemoteMcpConnectorError) throw duplicate(error, input.name);
    throw error;
  }
}

export async function updateRemoteMcpConnector(
  deps: Deps,
  accountId: string,
  id: string,
  input: UpdateRemoteMcpConnectorInput,
): Promise<RemoteMcpConnectorRow> {
  const row = await findRemoteMcpConnector(deps.db, accountId, id);
  if (input.type !== undefined && input.type !== row.type) {
    throw new InvalidRequestError('Type cannot be changed. Recreate the connector to switch type.', { field: 'type', type: row.type });
  }
  if (row.type === 'simple' && input.oauthMcp !== undefined) {
    throw new InvalidRequestError('oauthMcp applies to oauth connectors only', { field: 'oauthMcp' });
  }
  if (row.type === 'oauth' && (input.headers !== undefined || (input.url !== undefined && row.oauth_mcp !== null))) {
    throw new InvalidRequestError(
      input.headers !== undefined ? "oauth connectors take no headers: the user's token is sent" : 'A predefined entry takes no url',
      { field: input.headers !== undefined ? 'headers' : 'url' },
    );
  }
  const stdioChange = [input.command, input.args, input.env, input.network].some((value) => value !== undefined);
  if (row.type !== 'stdio' && stdioChange) throw new InvalidRequestError('command, args, env and network apply to stdio connectors only', { field: 'command' });
  if (row.type === 'stdio' && (input.url !== undefined || input.headers !== undefined || input.oauthMcp !== undefined)) {
    throw new InvalidRequestError('A stdio connector takes no url, headers or oauthMcp', { field: input.url !== undefined ? 'url' : input.headers !== undefined ? 'headers' : 'oauthMcp' });
  }
  if (row.type === 'oauth' && row.oauth_mcp === null && input.oauthMcp !== undefined) {
    throw new InvalidRequestError('An oauth connector with its own url takes no oauthMcp', { field: 'oauthMcp' });
  }
  // The console sends back the masked URL it was shown when only other fields changed.
  const newUrl = input.url !== undefined && input.url !== row.url ? input.url : undefined;
  if (newUrl !== undefined) await checkConnectorUrl(deps, newUrl);
  const name = input.name ?? row.name;
  const values: RemoteMcpConnectorValues = {
    name,
    // Users' credentials for an oauth connector are filed under its connector id: a rename that
    // moved the id would strand them, so such a connector keeps the id of its first name.
    slug: row.type === 'oauth' ? row.slug : slugOfName(name),
    category: input.category ?? row.category,
    ...(newUrl !== undefined ? sealUrl(deps.secretBox, row.id, newUrl) : { url: row.url, urlEncrypted: row.url_encrypted }),
    oauthMcp: input.oauthMcp ?? row.oauth_mcp,
    ...(input.headers !== undefined
      ? sealHeaders(deps.secretBox, row.id, input.headers)
      : { headersEncrypted: row.headers_encrypted, keyId: row.key_id }),
    ...(row.type === 'stdio' && stdioChange ? { stdioEncrypted: sealStdio(deps.secretBox, row.id, { ...openStdio(row, deps.secretBox)!, ...definedOnly(input) }) } : {}),
  };
  try {
    const updated = await updateRow(deps.db, accountId, row.id, values);
    if (!updated) throw new NotFoundError(`No remote MCP connector "${id}"`, { mcpConnectorId: id });
    // Another server may have another authorization server: discovery and registration start over.
    if (newUrl !== undefined && row.type === 'oauth') await deleteRemoteMcpOAuthClient(deps.db, row.id);
    return updated;
  } catch (error) {
    if (error instanceof DuplicateRemoteMcpConnectorError) throw duplicate(error, name);
    throw error;
  }
}

export async function deleteRemoteMcpConnector(db: Db, accountId: string, id: string): Promise<RemoteMcpConnectorRow> {
  const row = await findRemoteMcpConnector(db, accountId, id);
  await deleteRow(db, accountId, row.id);
  return row;
}

export interface PredefinedEntryStatus {
  entry: PredefinedEntry;
  connected: boolean;
}

/** Connected means the user has an active (or refreshing) credential for the backing connector. */
export async function predefinedEntryStatus(db: Db, owner: { accountId: string; userId: string }, entry: PredefinedEntry): Promise<PredefinedEntryStatus> {
  const credential = await findNewestActiveCredential(db, { ...owner, connectorId: entry.connectorId });
  return { entry, connected: credential !== undefined };
}

export function predefinedEntryView({ entry, connected }: PredefinedEntryStatus) {
  return {
    id: entry.id,
    name: entry.name,
    type: 'oauth' as const,
    connectorId: entry.connectorId,
    url: entry.url,
    connected,
    needsConnection: !connected,
    ...(connected ? {} : { hint: connectionHint(entry) }),
  };
}

export async function listPredefinedEntryStatuses(db: Db, owner: { accountId: string; userId: string }) {
  return Promise.all(predefinedEntries.map((entry) => predefinedEntryStatus(db, owner, entry)));
}

/**
 * Seals URLs stored in clear before url_encrypted existed. Runs at start-up in every process;
 * concurrent runs are harmless (each update lands only on a row still in clear).
 */
export async function sealPlainConnectorUrls(db: Db, secretBox: SecretBox): Promise<number> {
  const rows = await listConnectorsWithPlainUrls(db);
  for (const row of rows) await sealConnectorUrl(db, row.id, row.url, sealUrl(secretBox, row.id, row.url));
  return rows.length;
}
