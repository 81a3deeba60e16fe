import { sql } from 'kysely';
import type { Db } from '../connect.js';
import type { SigninStoreTable } from '../tables/signin.js';

type StoredRow = Pick<SigninStoreTable, 'id_hash' | 'payload_sealed' | 'consumed_at'>;

export async function upsertSigninItem(db: Db, row: SigninStoreTable): Promise<void> {
  await db
    .insertInto('signin_store')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['model', 'id_hash']).doUpdateSet({
        payload_sealed: row.payload_sealed,
        grant_id: row.grant_id,
        uid: row.uid,
        user_code: row.user_code,
        expires_at: row.expires_at,
      }),
    )
    .execute();
}

/** Expired rows read as missing; they are deleted by pruneExpiredSigninItems. */
export async function findSigninItem(db: Db, model: string, where: { idHash: string } | { uid: string } | { userCode: string }): Promise<StoredRow | undefined> {
  let query = db
    .selectFrom('signin_store')
    .select(['id_hash', 'payload_sealed', 'consumed_at'])
    .where('model', '=', model)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', sql<Date>`now()`)]));
  if ('idHash' in where) query = query.where('id_hash', '=', where.idHash);
  else if ('uid' in where) query = query.where('uid', '=', where.uid);
  else query = query.where('user_code', '=', where.userCode);
  return query.executeTakeFirst();
}

export async function consumeSigninItem(db: Db, model: string, idHash: string): Promise<void> {
  await db.updateTable('signin_store').set({ consumed_at: sql`now()` }).where('model', '=', model).where('id_hash', '=', idHash).execute();
}

export async function destroySigninItem(db: Db, model: string, idHash: string): Promise<void> {
  await db.deleteFrom('signin_store').where('model', '=', model).where('id_hash', '=', idHash).execute();
}

/** Revoking a grant takes every item of the model issued under it (oidc-provider asks model by model). */
export async function revokeSigninGrant(db: Db, model: string, grantId: string): Promise<void> {
  await db.deleteFrom('signin_store').where('model', '=', model).where('grant_id', '=', grantId).execute();
}

/** A registered client lives at least until `until` (a grant made for it expires then); clients that never expire stay so. */
export async function keepSigninClientUntil(db: Db, clientIdHash: string, until: Date): Promise<void> {
  await db
    .updateTable('signin_store')
    .set({ expires_at: sql`greatest(expires_at, ${until})` })
    .where('model', '=', 'Client')
    .where('id_hash', '=', clientIdHash)
    .where('expires_at', 'is not', null)
    .execute();
}

/** Registered clients past their expiry: the ones no sign-in used, and those whose grants all ran out. */
export async function deleteExpiredSigninClients(db: Db): Promise<number> {
  const result = await db.deleteFrom('signin_store').where('model', '=', 'Client').where('expires_at', '<', sql<Date>`now()`).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function pruneExpiredSigninItems(db: Db, batch: number): Promise<number> {
  const result = await sql`
    delete from signin_store where (model, id_hash) in (
      select model, id_hash from signin_store where expires_at < now() limit ${batch})`.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}

/** The first replica's keys win; every other replica reads them. */
export async function ensureSigninKeys(db: Db, candidateSealed: string): Promise<string> {
  await db.insertInto('signin_keys').values({ id: 'default', keys_sealed: candidateSealed }).onConflict((oc) => oc.column('id').doNothing()).execute();
  const row = await db.selectFrom('signin_keys').select('keys_sealed').where('id', '=', 'default').executeTakeFirstOrThrow();
  return row.keys_sealed;
}
