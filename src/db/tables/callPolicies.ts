import type { ColumnType } from 'kysely';

type Json<T> = ColumnType<T, string, string>;

/** One call policy: its current version's definition (as src/policy/callPolicySchemas.ts validated it). */
export interface CallPoliciesTable {
  id: string;
  account_id: string;
  version: number;
  definition: Json<Record<string, unknown>>;
  created_at: ColumnType<Date, Date | undefined, never>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

/** Every version a policy had, and who made it; a deletion is a version with no definition. */
export interface CallPolicyVersionsTable {
  policy_id: string;
  version: number;
  account_id: string;
  definition: ColumnType<Record<string, unknown> | null, string | null, never>;
  changed_by: string;
  changed_at: ColumnType<Date, Date | undefined, never>;
}

/** A run's request for approval; its status changes once, from pending. */
export interface ApprovalsTable {
  id: string;
  account_id: string;
  workflow_id: string;
  user_id: string;
  server_id: string;
  connector_id: string;
  action_id: string;
  parameters: ColumnType<Record<string, unknown>, string, never>;
  digest: string;
  policy_id: string;
  policy_version: number;
  policy_name: string;
  status: 'pending' | 'approved' | 'denied' | 'expired' | 'cancelled';
  created_at: ColumnType<Date, Date | undefined, never>;
  expires_at: ColumnType<Date, Date | string, never>;
  decided_by: string | null;
  decided_role: string | null;
  decision_reason: string | null;
  decided_at: ColumnType<Date | null, never, Date>;
}
