import type { ColumnType, Generated, Selectable } from 'kysely';

type Json = ColumnType<unknown, string | null | undefined, never>;

/** One audit entry (src/audit): never updated; deleted only by the retention prune. */
export interface AuditLogTable {
  /** bigserial: pg returns it as a string. */
  id: Generated<string>;
  at: ColumnType<Date, Date | undefined, never>;
  account_id: string;
  actor_user_id: string;
  actor_role: string;
  actor_via: string;
  actor_key_id: string | null;
  action: string;
  target: ColumnType<Record<string, unknown>, string, never>;
  before: Json;
  after: Json;
  client_address: string | null;
  status: number;
}

export type AuditLogRow = Selectable<AuditLogTable>;
