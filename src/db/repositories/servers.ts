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

/** Seals a token under its row's id, for the one server whose URL is printed at start. */
export type SealToken = (tokenId: string, token: string) => string;

/** Creates the server and its first access token in one transaction: never a server without a token. */
export async function createServer(
  db: Db,
  input: CreateServerInput & { accountId: string; ownerUserId: string },
  sealToken?: SealToken,
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
      const token = await issueToken(trx, server, sealToken);
      return { server, token };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new DuplicateServerNameError(input.name);
    throw error;
  }
}

async function issueToken(db: Db, server: ServerRow, sealToken?: SealToken): Promise<IssuedToken> {
  const token = newSecretToken('mcp');
  const id = newId('tok');
  const row = await db
    .insertInto('server_tokens')
    .values({
      id,
      server_id: server.id,
      token_hash: hashToken(token),
      token_hint: hintOf(token),
      token_sealed: sealToken ? sealToken(id, token) : null,
      expires_at: new Date(Date.now() + server.token_expires_in_days * DAY_MS),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { token, row };
}

/**
 * Issues a new token and revokes every earlier one, atomically: old URLs stop working at once.
 * A revoked token's sealed copy goes with it.
 */
export async function rotateServerToken(db: Db, server: ServerRow, sealToken?: SealToken): Promise<IssuedToken> {
  return db.transaction().execute(async (trx) => {
    await trx
      .updateTable('server_tokens')
      .set({ revoked_at: new Date(), token_sealed: null })
      .where('server_id', '=', server.id)
      .where('revoked_at', 'is', null)
      .execute();
    return issueToken(trx, server, sealToken);
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

/** The newest sealed, unrevoked token of a user's servers (expired or not): the start-up server's. */
export async function findSealedToken(
  db: Db,
  owner: { accountId: string; userId: string },
): Promise<{ server: ServerRow; token: ServerTokenRow & { token_sealed: string } } | undefined> {
  const token = await db
    .selectFrom('server_tokens')
    .innerJoin('servers', 'servers.id', 'server_tokens.server_id')
    .selectAll('server_tokens')
    .where('servers.account_id', '=', owner.accountId)
    .where('servers.owner_user_id', '=', owner.userId)
    .where('server_tokens.token_sealed', 'is not', null)
    .where('server_tokens.revoked_at', 'is', null)
    .orderBy('server_tokens.created_at', 'desc')
    .executeTakeFirst();
  const server = token && (await getServer(db, token.server_id));
  return server ? { server, token: token as ServerTokenRow & { token_sealed: string } } : undefined;
}
