import { randomBytes } from 'node:crypto';
import type { Db } from '../connect.js';
import type { ServerRow, ServerTokenRow } from '../tables/servers.js';
import type { CreateServerInput, UpdateServerInput } from '../../servers/schemas.js';
import { hashToken, hintOf, newId, newSecretToken } from '../../secrets/tokens.js';

const DAY_MS = 86_400_000;

function slugOf(name: string): string {
  const slug = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return slug || 'server';
}

export class DuplicateServerNameError extends Error {}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string }).code === '23505';
}

export interface IssuedToken {
  token: string;
  row: ServerTokenRow;
}

/** Creates the server and its first access token in one transaction: never a server without a token. */
export async function createServer(
  db: Db,
  input: CreateServerInput & { accountId: string; ownerUserId: string },
): Promise<{ server: ServerRow; token: IssuedToken }> {
  try {
    return await db.transaction().execute(async (trx) => {
      const server = await trx
        .insertInto('servers')
        .values({
          id: `${slugOf(input.name)}-${randomBytes(4).toString('hex')}`,
          account_id: input.accountId,
          owner_user_id: input.ownerUserId,
          name: input.name,
          description: input.description,
          is_public: input.isPublic,
          admin: input.admin,
          token_expires_in_days: input.tokenExpiresInDays,
          restrictions: JSON.stringify(input.restrictions),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      const token = await issueToken(trx, server);
      return { server, token };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new DuplicateServerNameError(input.name);
    throw error;
  }
}

async function issueToken(db: Db, server: ServerRow): Promise<IssuedToken> {
  const token = newSecretToken('mcp');
  const row = await db
    .insertInto('server_tokens')
    .values({
      id: newId('tok'),
      server_id: server.id,
      token_hash: hashToken(token),
      token_hint: hintOf(token),
      expires_at: new Date(Date.now() + server.token_expires_in_days * DAY_MS),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { token, row };
}

/** Issues a new token and revokes every earlier one, atomically: old URLs stop working at once. */
export async function rotateServerToken(db: Db, server: ServerRow): Promise<IssuedToken> {
  return db.transaction().execute(async (trx) => {
    await trx
      .updateTable('server_tokens')
      .set({ revoked_at: new Date() })
      .where('server_id', '=', server.id)
      .where('revoked_at', 'is', null)
      .execute();
    return issueToken(trx, server);
  });
}

export async function getServer(db: Db, serverId: string): Promise<ServerRow | undefined> {
  return db.selectFrom('servers').selectAll().where('id', '=', serverId).executeTakeFirst();
}

export async function listServers(db: Db, accountId: string, ownerUserId: string): Promise<ServerRow[]> {
  return db
    .selectFrom('servers')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('owner_user_id', '=', ownerUserId)
    .orderBy('created_at', 'desc')
    .execute();
}

export async function updateServer(db: Db, serverId: string, input: UpdateServerInput): Promise<ServerRow> {
  try {
    return await db
      .updateTable('servers')
      .set({
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(input.isPublic !== undefined ? { is_public: input.isPublic } : {}),
        ...(input.admin !== undefined ? { admin: input.admin } : {}),
        ...(input.tokenExpiresInDays !== undefined ? { token_expires_in_days: input.tokenExpiresInDays } : {}),
        ...(input.restrictions !== undefined ? { restrictions: JSON.stringify(input.restrictions) } : {}),
        updated_at: new Date(),
      })
      .where('id', '=', serverId)
      .returningAll()
      .executeTakeFirstOrThrow();
  } catch (error) {
    if (isUniqueViolation(error)) throw new DuplicateServerNameError(input.name ?? '');
    throw error;
  }
}

/** Tokens go with the server (foreign key cascade). */
export async function deleteServer(db: Db, serverId: string): Promise<void> {
  await db.deleteFrom('servers').where('id', '=', serverId).execute();
}
