import { sql } from 'kysely';
import type { Db } from '../connect.js';

export interface BucketDecision {
  allowed: boolean;
  /** Seconds until one token is back, when refused. */
  retryAfterSeconds: number;
}

/**
 * Token bucket in one row per key, taken atomically by one statement on the database clock, so
 * every API replica draws from the same bucket. Capacity `perMinute`, refilled continuously over
 * 60 s. `count` tokens are taken at once or none; the conditional upsert writes nothing when the
 * bucket holds fewer. Callers keep count ≤ perMinute, or it could never succeed.
 */
export async function takeToken(db: Db, key: string, perMinute: number, count = 1): Promise<BucketDecision> {
  const refilled = refilledTokens(perMinute, 'rate_buckets');
  const taken = await db
    .insertInto('rate_buckets')
    .values({ key, tokens: perMinute - count, updated_at: sql`clock_timestamp()` })
    .onConflict((conflict) =>
      conflict
        .column('key')
        .doUpdateSet({ tokens: sql`${refilled} - ${count}::double precision`, updated_at: sql`clock_timestamp()` })
        .where(refilled, '>=', count),
    )
    .returning('tokens')
    .executeTakeFirst();
  if (taken) return { allowed: true, retryAfterSeconds: 0 };

  const current = await db
    .selectFrom('rate_buckets')
    .select(sql<number>`${refilled}`.as('tokens'))
    .where('key', '=', key)
    .executeTakeFirst();
  return refusal(perMinute, count, current?.tokens ?? 0);
}

/** The tokens in a bucket row (`table` is its name or alias in the query) refilled up to now, on the database clock. */
export function refilledTokens(perMinute: number, table: string) {
  return sql<number>`least(${perMinute}::double precision, ${sql.ref(`${table}.tokens`)} + extract(epoch from (clock_timestamp() - ${sql.ref(`${table}.updated_at`)})) * ${perMinute / 60}::double precision)`;
}

/** A refused take: when enough tokens will be back for it. */
export function refusal(perMinute: number, count: number, tokens: number): BucketDecision {
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((count - tokens) / (perMinute / 60))) };
}

/** Buckets untouched since `before` have refilled: deleting one is the same as a full bucket. */
export async function deleteIdleBuckets(db: Db, before: Date): Promise<number> {
  const result = await db.deleteFrom('rate_buckets').where('updated_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
