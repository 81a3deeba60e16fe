import type { ColumnType } from 'kysely';

/**
 * A request that must not be sent twice, in flight: written before sending, removed once its
 * outcome is known. A row that outlives its attempt means the worker died mid-call.
 */
export interface UpstreamSendsTable {
  key: string;
  sent_at: ColumnType<Date, Date | string | undefined, never>;
}
