import type { Db } from '../connect.js';
import type {
  AccountVariableRow,
  AssignmentKind,
  AssignmentRow,
  CachedTool,
  RemoteMcpConnectorRow,
  RemoteMcpConnectorType,
} from '../tables/remoteMcpConnectors.js';

export class DuplicateRemoteMcpConnectorError extends Error {
  constructor(readonly field: 'name' | 'slug') {
    super(`duplicate ${field}`);
  }
}

/** Turns the database's unique-constraint error into one naming the clashing field. */
function rethrowDuplicate(error: unknown): never {
  const { code, constraint } = error as { code?: string; constraint?: string };
  if (code === '23505') throw new DuplicateRemoteMcpConnectorError(constraint?.includes('slug') ? 'slug' : 'name');
  throw error;
}

export interface RemoteMcpConnectorValues {
  name: string;
  slug: string;
  category: string;
  /** The masked URL, shown in answers. */
  url: string | null;
  urlEncrypted: string | null;
  headersEncrypted: string | null;
  keyId: string | null;
  oauthMcp: string | null;
  /** stdio only: the sealed command (src/remoteMcp/stdio.ts). */
  stdioEncrypted?: string | null;
}

export async function insertRemoteMcpConnector(
  db: Db,
  input: RemoteMcpConnectorValues & { id: string; accountId: string; type: RemoteMcpConnectorType },
): Promise<RemoteMcpConnectorRow> {
  try {
    return await db
      .insertInto('mcp_connectors')
      .values({
        id: input.id,
        account_id: input.accountId,
        name: input.name,
        slug: input.slug,
        type: input.type,
        category: input.category,
        url: input.url,
        url_encrypted: input.urlEncrypted,
        headers_encrypted: input.headersEncrypted,
        key_id: input.keyId,
        oauth_mcp: input.oauthMcp,
        stdio_encrypted: input.stdioEncrypted ?? null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  } catch (error) {
    rethrowDuplicate(error);
  }
}

/** A changed definition drops the cached tool list: it is fetched again from the new address. */
export async function updateRemoteMcpConnector(
  db: Db,
  accountId: string,
  id: string,
  values: RemoteMcpConnectorValues,
): Promise<RemoteMcpConnectorRow | undefined> {
  try {
    return await db
      .updateTable('mcp_connectors')
      .set({
        name: values.name,
        slug: values.slug,
        category: values.category,
        url: values.url,
        url_encrypted: values.urlEncrypted,
        headers_encrypted: values.headersEncrypted,
        key_id: values.keyId,
        oauth_mcp: values.oauthMcp,
        ...(values.stdioEncrypted !== undefined ? { stdio_encrypted: values.stdioEncrypted } : {}),
        tools: null,
        tools_cached_at: null,
        protocol_version: null,
        updated_at: new Date(),
      })
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  } catch (error) {
    rethrowDuplicate(error);
  }
}

export async function cacheRemoteMcpTools(
  db: Db,
  id: string,
  tools: CachedTool[],
  protocolVersion: string | null,
  capabilities: Record<string, unknown> | null,
): Promise<void> {
  await db
    .updateTable('mcp_connectors')
    .set({ tools: JSON.stringify(tools), tools_cached_at: new Date(), protocol_version: protocolVersion, capabilities: capabilities && JSON.stringify(capabilities) })
    .where('id', '=', id)
    .execute();
}

/** The server said its tool list changed: the next listing asks it again. */
export async function forgetRemoteMcpTools(db: Db, id: string): Promise<void> {
  await db.updateTable('mcp_connectors').set({ tools_cached_at: null }).where('id', '=', id).execute();
}

export async function getRemoteMcpConnector(db: Db, accountId: string, id: string): Promise<RemoteMcpConnectorRow | undefined> {
  return db.selectFrom('mcp_connectors').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
}

export async function getRemoteMcpConnectorBySlug(db: Db, accountId: string, slug: string): Promise<RemoteMcpConnectorRow | undefined> {
  return db
    .selectFrom('mcp_connectors')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('slug', '=', slug)
    .executeTakeFirst();
}

export async function listRemoteMcpConnectors(db: Db, accountId: string, ids?: string[]): Promise<RemoteMcpConnectorRow[]> {
  if (ids && ids.length === 0) return [];
  let query = db.selectFrom('mcp_connectors').selectAll().where('account_id', '=', accountId);
  if (ids) query = query.where('id', 'in', ids);
  return query.orderBy('name').execute();
}

/** Its assignments go with it (foreign key, on delete cascade). */
export async function deleteRemoteMcpConnector(db: Db, accountId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('mcp_connectors').where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function listVariables(db: Db, accountId: string, names?: string[]): Promise<AccountVariableRow[]> {
  if (names && names.length === 0) return [];
  let query = db.selectFrom('account_variables').selectAll().where('account_id', '=', accountId);
  if (names) query = query.where('name', 'in', names);
  return query.orderBy('name').execute();
}

export async function upsertVariable(
  db: Db,
  input: { accountId: string; name: string; valueEncrypted: string; keyId: string },
): Promise<AccountVariableRow> {
  const values = { value_encrypted: input.valueEncrypted, key_id: input.keyId, updated_at: new Date() };
  return db
    .insertInto('account_variables')
    .values({ account_id: input.accountId, name: input.name, ...values })
    .onConflict((oc) => oc.columns(['account_id', 'name']).doUpdateSet(values))
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function deleteVariable(db: Db, accountId: string, name: string): Promise<boolean> {
  const result = await db
    .deleteFrom('account_variables')
    .where('account_id', '=', accountId)
    .where('name', '=', name)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function listAssignments(db: Db, serverId: string): Promise<AssignmentRow[]> {
  return db
    .selectFrom('server_connector_assignments')
    .selectAll()
    .where('server_id', '=', serverId)
    .orderBy('created_at')
    .orderBy('target_id')
    .execute();
}

/** Idempotent: assigning twice leaves one row. */
export async function insertAssignment(db: Db, serverId: string, kind: AssignmentKind, targetId: string): Promise<void> {
  await db
    .insertInto('server_connector_assignments')
    .values({ server_id: serverId, kind, target_id: targetId, mcp_connector_id: kind === 'mcp' ? targetId : null })
    .onConflict((oc) => oc.columns(['server_id', 'kind', 'target_id']).doNothing())
    .execute();
}

export async function deleteAssignment(db: Db, serverId: string, kind: AssignmentKind, targetId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('server_connector_assignments')
    .where('server_id', '=', serverId)
    .where('kind', '=', kind)
    .where('target_id', '=', targetId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Rows from before URLs were sealed (url_encrypted null, url in clear). */
export async function listConnectorsWithPlainUrls(db: Db): Promise<Array<{ id: string; url: string }>> {
  const rows = await db
    .selectFrom('mcp_connectors')
    .select(['id', 'url'])
    .where('url_encrypted', 'is', null)
    .where('url', 'is not', null)
    .execute();
  return rows as Array<{ id: string; url: string }>;
}

/** Lands only if the row still has the plain URL it was read with (another replica may have sealed it). */
export async function sealConnectorUrl(db: Db, id: string, plain: string, values: { url: string; urlEncrypted: string }): Promise<void> {
  await db
    .updateTable('mcp_connectors')
    .set({ url: values.url, url_encrypted: values.urlEncrypted })
    .where('id', '=', id)
    .where('url', '=', plain)
    .where('url_encrypted', 'is', null)
    .execute();
}
