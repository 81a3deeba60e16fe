import { sql } from 'kysely';
import type { Db } from '../connect.js';
import type { RunNote } from '../tables/runNotes.js';

/** A chatty server cannot fill the table: past this many notes a run's further ones are dropped. */
const MAX_NOTES_PER_RUN = 200;
/** A note larger than this (as JSON) keeps its kind and level, not its data. */
const MAX_NOTE_BYTES = 4_096;

function bounded(note: RunNote): RunNote {
  if (Buffer.byteLength(JSON.stringify(note)) <= MAX_NOTE_BYTES) return note;
  if (note.kind === 'progress') return { kind: 'progress', progress: note.progress, ...(note.total !== undefined ? { total: note.total } : {}), message: '(message too long)' };
  return { kind: 'log', level: note.level, data: `(log message of more than ${MAX_NOTE_BYTES} bytes left out)` };
}

/** Appends a note unless the run has MAX_NOTES_PER_RUN already; one statement. */
export async function appendRunNote(db: Db, workflowId: string, note: RunNote): Promise<void> {
  await sql`insert into run_notes (workflow_id, note)
    select ${workflowId}, ${JSON.stringify(bounded(note))}::jsonb
    where (select count(*) from run_notes where workflow_id = ${workflowId}) < ${MAX_NOTES_PER_RUN}`.execute(db);
}

export async function listRunNotesAfter(db: Db, workflowId: string, afterSeq: number): Promise<Array<{ seq: number; note: RunNote }>> {
  const rows = await db
    .selectFrom('run_notes')
    .select(['seq', 'note'])
    .where('workflow_id', '=', workflowId)
    .where('seq', '>', afterSeq)
    .orderBy('seq')
    .limit(MAX_NOTES_PER_RUN)
    .execute();
  return rows.map((row) => ({ seq: Number(row.seq), note: row.note }));
}

export async function deleteRunNotesBefore(db: Db, before: Date): Promise<number> {
  const result = await db.deleteFrom('run_notes').where('created_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
