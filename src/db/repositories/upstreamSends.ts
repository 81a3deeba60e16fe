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

/** How long a cleared mark may wait for a statement to ride along with before it is deleted on its own. */
const CLEAR_WITHIN_MS = 1_000;

/**
 * Clears marks off the hot path, after their attempts have returned: the next attempt's opening
 * statement deletes them (`take`), or, when none comes within CLEAR_WITHIN_MS, one statement for
 * all of them. Nothing waits for it: a mark is looked for only by a rerun of its own attempt (a
 * workflow task replayed after its worker died), never by a retry, which is another attempt with
 * a key of its own. A mark a failed delete (or an exit) leaves behind goes with the state
 * cleanup (src/worker/cleanup.ts).
 */
export function sendMarkClearer(db: Db) {
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const take = (): string[] => {
    clearTimeout(timer);
    timer = undefined;
    const keys = [...pending];
    pending.clear();
    return keys;
  };
  const flush = async () => {
    const keys = take();
    if (keys.length > 0) await db.deleteFrom('upstream_sends').where('key', 'in', keys).execute().catch(() => undefined);
  };
  return {
    clear(key: string): void {
      pending.add(key);
      timer ??= setTimeout(() => void flush(), CLEAR_WITHIN_MS).unref();
    },
    /** The keys waiting to be deleted, for a statement about to run that deletes them. */
    take,
  };
}

export type SendMarkClearer = ReturnType<typeof sendMarkClearer>;

/**
 * Marks older than `before`: left by a worker that died mid-call, for an attempt whose run has
 * long since retried or ended, so nothing will look for them again.
 */
export async function deleteSendMarksBefore(db: Db, before: Date): Promise<number> {
  const result = await db.deleteFrom('upstream_sends').where('sent_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
