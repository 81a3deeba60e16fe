import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Kysely, PostgresDialect, sql, type LogEvent } from 'kysely';
import pg from 'pg';
import type { Config } from '../config.js';
import type { Database } from './database.js';
import { databaseStatements } from '../observability/metrics.js';

export type Db = Kysely<Database>;

export interface DatabaseHandle {
  db: Db;
  /**
   * For writes whose loss costs nothing, the front door's rate-limit tokens: on PostgreSQL its
   * connections commit asynchronously (synchronous_commit off), answering without waiting for the
   * write-ahead log to reach the disk (~2 ms a statement on the bench machine, 5 ms under load). A
   * database crash can lose its last fraction of a second of commits: a caller gets back a few
   * tokens. Never for anything a caller, an audit or a run relies on. The same as db when embedded.
   */
  asyncCommitDb: Db;
  kind: 'embedded' | 'postgres';
  /** The schema our tables live in (search_path), named explicitly to the migrator. */
  schema: string;
  /** Cheap round trip for /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

// pg returns int8 as string to avoid precision loss; our counters fit comfortably in a double.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export async function openDatabase(config: Config['database'], trace?: (event: LogEvent) => void): Promise<DatabaseHandle> {
  // Every statement is counted (switchboard_database_statements_total): round trips are what a call costs here.
  const log = (event: LogEvent) => {
    databaseStatements.inc();
    trace?.(event);
  };
  const db = config.kind === 'embedded' ? await openEmbedded(config.dataDir, log) : openPostgres(config.url, config.schema, log);
  if (config.kind === 'postgres' && config.schema) {
    await sql`create schema if not exists ${sql.id(config.schema)}`.execute(db);
  }
  const asyncCommitDb = config.kind === 'postgres' ? openPostgres(config.url, config.schema, log, { max: 10, synchronousCommit: false }) : db;
  return {
    db,
    asyncCommitDb,
    kind: config.kind,
    schema: (config.kind === 'postgres' && config.schema) || 'public',
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      if (asyncCommitDb !== db) await asyncCommitDb.destroy();
      await db.destroy();
    },
  };
}

async function openEmbedded(dataDir: string, log: (event: LogEvent) => void): Promise<Db> {
  // Loaded lazily: PGlite is a WASM build of Postgres that production processes never need.
  const [{ PGlite }, { PGliteDialect }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('kysely-pglite-dialect'),
  ]);
  const folder = join(resolve(dataDir), 'pgdata');
  await mkdir(folder, { recursive: true });
  const client = await PGlite.create(folder);
  return new Kysely<Database>({ dialect: new PGliteDialect(client), log });
}

function openPostgres(url: string, schema: string | undefined, log: (event: LogEvent) => void, pooling = { max: 20, synchronousCommit: true }): Db {
  const settings = [...(schema ? [`-c search_path=${schema}`] : []), ...(pooling.synchronousCommit ? [] : ['-c synchronous_commit=off'])];
  const pool = new pg.Pool({
    connectionString: url,
    max: pooling.max,
    connectionTimeoutMillis: 5_000,
    ...(settings.length > 0 ? { options: settings.join(' ') } : {}),
  });
  // An idle client that loses its server (restart, failover) must not crash the process.
  pool.on('error', () => undefined);
  // Nor one that is checked out (between a transaction's statements): the pool listens on idle
  // clients only, and an unheard 'error' event is an uncaught exception. Its next query fails and
  // the pool drops it on release.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log });
}
