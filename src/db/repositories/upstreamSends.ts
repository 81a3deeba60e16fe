import type { Db } from '../connect.js';

/** False when an earlier attempt marked the same send and never learned how it ended. */
export async function markSending(db: Db, key: string): Promise<boolean> {
  const row = await db
    .insertInto('upstream_sends')
    .values({ key })
    .onConflict((conflict) => conflict.column('key').doNothing())
    .returning('key')
    .executeTakeFirst();
  return row !== undefined;
}

export async function clearSending(db: Db, key: string): Promise<void> {
  await db.deleteFrom('upstream_sends').where('key', '=', key).execute();
}

/**
 * Marks older than `before`: left by a worker that died mid-call, for an attempt whose run has
 * long since retried or ended, so nothing will look for them again.
 */
export async function deleteSendMarksBefore(db: Db, before: Date): Promise<number> {
  const result = await db.deleteFrom('upstream_sends').where('sent_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
