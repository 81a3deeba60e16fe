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
  return {
    db,
    kind: config.kind,
    schema: (config.kind === 'postgres' && config.schema) || 'public',
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
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

function openPostgres(url: string, schema: string | undefined, log: (event: LogEvent) => void): Db {
  const pool = new pg.Pool({
    connectionString: url,
    max: 20,
    connectionTimeoutMillis: 5_000,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  // An idle client that loses its server (restart, failover) must not crash the process.
  pool.on('error', () => undefined);
  // Nor one that is checked out (between a transaction's statements): the pool listens on idle
  // clients only, and an unheard 'error' event is an uncaught exception. Its next query fails and
  // the pool drops it on release.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log });
}
