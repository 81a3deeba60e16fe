import type { Kysely } from 'kysely';

/**
 * What a 2026-07-28 task asks its client for while its run waits (the Tasks extension's
 * input_required): the authorization link of a credential the run waits for, and when the client
 * answered it, so the same request key is never surfaced twice.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('mcp_tasks').addColumn('input_request', 'jsonb').addColumn('input_answered_at', 'timestamptz').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('mcp_tasks').dropColumn('input_request').dropColumn('input_answered_at').execute();
}
