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
 * 60 s. The conditional upsert writes nothing when the bucket is empty.
 */
export async function takeToken(db: Db, key: string, perMinute: number): Promise<BucketDecision> {
  const ratePerSecond = perMinute / 60;
  const refilled = sql<number>`least(${perMinute}::double precision, rate_buckets.tokens + extract(epoch from (clock_timestamp() - rate_buckets.updated_at)) * ${ratePerSecond}::double precision)`;
  const taken = await db
    .insertInto('rate_buckets')
    .values({ key, tokens: perMinute - 1, updated_at: sql`clock_timestamp()` })
    .onConflict((conflict) =>
      conflict
        .column('key')
        .doUpdateSet({ tokens: sql`${refilled} - 1`, updated_at: sql`clock_timestamp()` })
        .where(refilled, '>=', 1),
    )
    .returning('tokens')
    .executeTakeFirst();
  if (taken) return { allowed: true, retryAfterSeconds: 0 };

  const current = await db
    .selectFrom('rate_buckets')
    .select(sql<number>`${refilled}`.as('tokens'))
    .where('key', '=', key)
    .executeTakeFirst();
  const missing = 1 - (current?.tokens ?? 0);
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(missing / ratePerSecond)) };
}
