import type { Db } from '../db/connect.js';
import { deleteVariable, listVariables, upsertVariable } from '../db/repositories/remoteMcpConnectors.js';
import type { AccountVariableRow, RemoteMcpConnectorRow } from '../db/tables/remoteMcpConnectors.js';
import { maskSecret } from '../credentials/masking.js';
import { InvalidRequestError, NotFoundError } from '../errors.js';
import { secretsOfHeaderValue } from '../secrets/redaction.js';
import type { SecretBox } from '../secrets/secretBox.js';
import { secretsOfUrl } from '../secrets/urls.js';
import { predefinedEntry } from './predefinedEntries.js';

const REFERENCE = /\{\{\s*([A-Za-z_][A-Za-z0-9_]{0,63})\s*\}\}/g;

const variableAad = (accountId: string, name: string) => `variable:${accountId}:${name}`;
export const headersAad = (mcpConnectorId: string) => `mcp-connector:${mcpConnectorId}`;
const urlAad = (mcpConnectorId: string) => `mcp-connector-url:${mcpConnectorId}`;

/**
 * What answers show of a connector URL: scheme and host. The path and query (where services put
 * keys: …/mcp/sk-…/sse, ?api_key=…) and any user:password@ are hidden.
 */
function maskUrl(template: string): string {
  const match = /^(https?:\/\/)([^/?#]*)/i.exec(template);
  if (!match) return '…';
  const host = match[2]!.slice(match[2]!.lastIndexOf('@') + 1);
  return `${match[1]!.toLowerCase()}${host}/…`;
}

export function sealUrl(secretBox: SecretBox, mcpConnectorId: string, template: string): { url: string; urlEncrypted: string } {
  return { url: maskUrl(template), urlEncrypted: secretBox.seal(template, urlAad(mcpConnectorId)) };
}

/** The URL template as registered; a row not yet sealed at start-up still has it in clear. */
function openUrl(row: RemoteMcpConnectorRow, secretBox: SecretBox): string {
  return row.url_encrypted ? secretBox.open(row.url_encrypted, urlAad(row.id)) : (row.url ?? '');
}

function referencedVariables(text: string): string[] {
  return [...text.matchAll(REFERENCE)].map((match) => match[1]!);
}

/** A value made only of {{variable}} references holds no secret itself, so it is shown as written. */
export function maskHeaderValue(value: string): string {
  const literal = value.replace(REFERENCE, '');
  return referencedVariables(value).length > 0 && !/[A-Za-z0-9]/.test(literal) ? value : maskSecret(value);
}

export function variableView(row: AccountVariableRow, secretBox: SecretBox) {
  return {
    name: row.name,
    value: maskSecret(secretBox.open(row.value_encrypted, variableAad(row.account_id, row.name))),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export async function putVariable(db: Db, secretBox: SecretBox, accountId: string, name: string, value: string) {
  const row = await upsertVariable(db, {
    accountId,
    name,
    valueEncrypted: secretBox.seal(value, variableAad(accountId, name)),
    keyId: secretBox.currentKeyId,
  });
  return variableView(row, secretBox);
}

export async function removeVariable(db: Db, accountId: string, name: string): Promise<void> {
  if (!(await deleteVariable(db, accountId, name))) throw new NotFoundError(`No variable "${name}"`, { name });
}

export function openHeaders(row: RemoteMcpConnectorRow, secretBox: SecretBox): Record<string, string> {
  if (!row.headers_encrypted) return {};
  return JSON.parse(secretBox.open(row.headers_encrypted, headersAad(row.id))) as Record<string, string>;
}

/**
 * Opens the account variables `texts` reference and fills them in; a reference to a variable that
 * is not set is refused, naming them all. `values` are secrets, to be scrubbed from what leaves.
 */
export async function variableFiller(
  deps: { db: Db; secretBox: SecretBox },
  row: Pick<RemoteMcpConnectorRow, 'account_id' | 'name'>,
  texts: string[],
): Promise<{ fill: (text: string) => string; values: string[] }> {
  const names = [...new Set(texts.flatMap(referencedVariables))];
  const values = new Map(
    (await listVariables(deps.db, row.account_id, names)).map((variable) => [
      variable.name,
      deps.secretBox.open(variable.value_encrypted, variableAad(variable.account_id, variable.name)),
    ]),
  );
  const missing = names.filter((name) => !values.has(name));
  if (missing.length > 0) {
    throw new InvalidRequestError(
      `Connector "${row.name}" references variables that are not set: ${missing.map((name) => `{{${name}}}`).join(', ')}; set them with PUT /api/variables/:name`,
      { variables: missing },
    );
  }
  return { fill: (text) => text.replace(REFERENCE, (_match, name: string) => values.get(name)!), values: [...values.values()] };
}

/** Where to connect, with every {{variable}} filled in. Lives only inside the call that uses it. */
export interface RemoteEndpoint {
  url: URL;
  headers: Record<string, string>;
  /** Variable and header values and the URL's secret parts, scrubbed from any error text before it leaves us. */
  secrets: string[];
}

export async function resolveEndpoint(
  deps: { db: Db; secretBox: SecretBox; config: { remoteMcp: { entryUrls: Record<string, string> } } },
  row: RemoteMcpConnectorRow,
): Promise<RemoteEndpoint> {
  const headers = openHeaders(row, deps.secretBox);
  // A predefined oauth entry has no URL of its own: the provider's, unless configured otherwise.
  const entry = row.url_encrypted || row.url ? undefined : predefinedEntry(row.oauth_mcp ?? '');
  const template = entry ? (deps.config.remoteMcp.entryUrls[entry.id] ?? entry.url) : openUrl(row, deps.secretBox);
  const { fill, values } = await variableFiller(deps, row, [template, ...Object.values(headers)]);
  let url: URL;
  try {
    url = new URL(fill(template));
  } catch {
    throw new InvalidRequestError(`Connector "${row.name}" has a URL that is not valid once its variables are filled in`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidRequestError(`Connector "${row.name}" must use an http:// or https:// URL`);
  }
  const filled = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, fill(value)]));
  // The URL is sealed like the headers, so what an audit entry masks of it (userinfo, query values, token-like path segments) counts as secrets too.
  const secrets = [...values, ...Object.values(filled).flatMap(secretsOfHeaderValue), ...secretsOfUrl(url)];
  return { url, headers: filled, secrets };
}
