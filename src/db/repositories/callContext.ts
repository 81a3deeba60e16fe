import { sql } from 'kysely';
import type { Db } from '../connect.js';
import type { ConnectorSettingsRow } from '../tables/connectors.js';
import type { AuditEntryInput } from './audit.js';

export interface CallContext {
  /** The account's settings row for the connector; undefined when it has none (the defaults). */
  settings: ConnectorSettingsRow | undefined;
  /** The user's newest active (or refreshing) credential for the connector, if any. */
  newestCredentialId: string | undefined;
  /** The credential-use entry was written (see readCallContext). */
  recorded: boolean;
}

type ContextRow = Partial<ConnectorSettingsRow> & { newest_credential_id: string | null; recorded: boolean };

/**
 * What a front door reads for a call, in one statement: the account's settings for the connector
 * and the user's newest usable credential; and, with `recordUse`, the run's credential-use audit
 * entry, written by the same statement when the connector is enabled and the run has a credential
 * to use (the pinned one, else the newest): a call with none uses none, and gets no entry
 * (src/api/audit.ts recordCredentialUse). The entry's target gains the credentialId it names. Otherwise nothing is written and the caller
 * records the use itself once it knows more (an elicited credential).
 */
export async function readCallContext(
  db: Db,
  request: {
    accountId: string;
    userId: string;
    connectorId: string;
    pinnedCredentialId?: string;
    recordUse?: AuditEntryInput;
  },
): Promise<CallContext> {
  const { accountId, userId, connectorId, recordUse } = request;
  const record = recordUse
    ? sql`recorded as (
        insert into audit_log (account_id, actor_user_id, actor_role, actor_via, actor_key_id, action, target, before, after, client_address, status)
        select ${recordUse.accountId}, ${recordUse.actor.userId}, ${recordUse.actor.role}, ${recordUse.actor.via},
          ${recordUse.actor.keyId ?? null}, ${recordUse.action},
          ${JSON.stringify(recordUse.target)}::jsonb || jsonb_build_object('credentialId', chosen.id),
          ${recordUse.before === undefined ? null : JSON.stringify(recordUse.before)}::jsonb,
          ${recordUse.after === undefined ? null : JSON.stringify(recordUse.after)}::jsonb,
          ${recordUse.clientAddress ?? null}, ${recordUse.status}
        from chosen
        where coalesce((select enabled from settings), true) and chosen.id is not null
        returning id
      )`
    : sql`recorded as (select null::bigint as id where false)`;
  const { rows } = await sql<ContextRow>`
    with settings as (
      select * from connector_settings where account_id = ${accountId} and connector_id = ${connectorId}
    ),
    newest as (
      select id from credentials
      where account_id = ${accountId} and user_id = ${userId} and connector_id = ${connectorId} and status in ('active', 'refreshing')
      order by created_at desc, id desc limit 1
    ),
    chosen as (select coalesce(${request.pinnedCredentialId ?? null}::text, (select id from newest)) as id),
    ${record}
    select settings.*, (select id from newest) as newest_credential_id, exists (select 1 from recorded) as recorded
    from (select 1) as one left join settings on true`.execute(db);
  const { newest_credential_id, recorded, ...settings } = rows[0]!;
  return {
    settings: settings.connector_id ? (settings as ConnectorSettingsRow) : undefined,
    newestCredentialId: newest_credential_id ?? undefined,
    recorded,
  };
}
