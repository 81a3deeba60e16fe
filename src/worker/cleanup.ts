import type { Config } from '../config.js';
import type { Db } from '../db/connect.js';
import { deleteSessionsCreatedBefore } from '../db/repositories/mcpSessions.js';
import { deleteExpiredTasks } from '../db/repositories/mcpTasks.js';
import { deleteIdleBuckets } from '../db/repositories/rateBuckets.js';
import { deleteExpiredSigninClients } from '../db/repositories/signin.js';
import { deleteSendMarksBefore } from '../db/repositories/upstreamSends.js';
import { deleteLapsedLeases } from '../db/repositories/callLeases.js';
import { deleteRunNotesBefore } from '../db/repositories/runNotes.js';
import { deleteRunRequestsBefore } from '../db/repositories/runRequests.js';
import { deleteStreamEventsBefore, STREAM_EVENTS_TTL_MS } from '../db/repositories/mcpStreamEvents.js';
import type { Logger } from '../observability/logger.js';

/**
 * A send mark outlives any retry of its attempt by far (six attempts of at most a few minutes
 * each); one this old was left by a worker that died and can only take up space.
 */
const SEND_MARK_TTL_MS = 24 * 3_600_000;
/** A bucket refills completely within a minute; one idle this long is full and may go. */
const IDLE_BUCKET_TTL_MS = 10 * 60_000;
/** A run's notes matter while its caller waits for it; calls are bounded far below an hour. */
const RUN_NOTE_TTL_MS = 3_600_000;

interface CleanupResult {
  sessions: number;
  tasks: number;
  sendMarks: number;
  rateBuckets: number;
  signinClients: number;
  lapsedLeases: number;
  runNotes: number;
  runRequests: number;
  streamEvents: number;
}

/**
 * One pass: deletes expired MCP sessions and tasks, stale send marks, idle rate buckets, expired
 * registered sign-in clients (anyone may register one, so they go here rather than in the daily
 * retention sweep that takes the rest of the sign-in state), lapsed in-flight leases, old run notes and requests, and
 * the events of response streams too old to resume.
 */
async function cleanUpState(db: Db, config: Pick<Config, 'cleanup'>, now = Date.now()): Promise<CleanupResult> {
  const [sessions, tasks, sendMarks, rateBuckets, signinClients, lapsedLeases, runNotes, runRequests, streamEvents] = await Promise.all([
    deleteSessionsCreatedBefore(db, new Date(now - config.cleanup.mcpSessionTtlSeconds * 1000)),
    deleteExpiredTasks(db),
    deleteSendMarksBefore(db, new Date(now - SEND_MARK_TTL_MS)),
    deleteIdleBuckets(db, new Date(now - IDLE_BUCKET_TTL_MS)),
    deleteExpiredSigninClients(db),
    // They count for nothing already; this only keeps the table small.
    deleteLapsedLeases(db),
    deleteRunNotesBefore(db, new Date(now - RUN_NOTE_TTL_MS)),
    deleteRunRequestsBefore(db, new Date(now - RUN_NOTE_TTL_MS)),
    deleteStreamEventsBefore(db, new Date(now - STREAM_EVENTS_TTL_MS)),
  ]);
  return { sessions, tasks, sendMarks, rateBuckets, signinClients, lapsedLeases, runNotes, runRequests, streamEvents };
}

/**
 * Runs cleanUpState at start and every STATE_CLEANUP_INTERVAL_SECONDS in each worker process.
 * Several workers may overlap: each pass only deletes what is expired, so that is harmless.
 */
export function startStateCleanup(deps: { db: Db; logger: Logger; config: Pick<Config, 'cleanup'> }): { stop(): Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  const pass = () => {
    running = cleanUpState(deps.db, deps.config).then(
      (result) => {
        if (Object.values(result).some((count) => count > 0)) deps.logger.info(result, 'expired state cleaned up');
      },
      (error: unknown) => deps.logger.warn({ err: error }, 'state cleanup failed; next pass will try again'),
    );
  };
  pass();
  const timer = setInterval(pass, deps.config.cleanup.intervalSeconds * 1000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
