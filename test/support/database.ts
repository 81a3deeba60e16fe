import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Config } from '../../src/config.js';
import { openDatabase } from '../../src/db/connect.js';
import { migrateToLatest } from '../../src/db/migrate.js';

/** The PostgreSQL server this machine runs (trust auth); each test file gets a database of its own. */
const testPostgresUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export type DatabaseKind = 'pglite' | 'postgres';

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: testPostgresUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

const uniqueName = (prefix: string) => `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;

function urlOf(name: string): string {
  const url = new URL(testPostgresUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export interface TestDatabase {
  config: Config['database'];
  /** Where embedded data lives (PGlite), also used as DATA_DIR for the app under test. */
  dataDir: string;
  env: Record<string, string>;
  drop(): Promise<void>;
}

/**
 * A database of its own for a test file. `template` names a database already migrated
 * (globalSetup's): the copy starts at the latest schema, and the app's migration finds nothing to
 * do, where migrating from empty costs about a second per app on a busy machine. Without it the
 * database starts empty, as a new deployment's does.
 */
export async function createTestDatabase(kind: DatabaseKind, options: { template?: string } = {}): Promise<TestDatabase> {
  const dataDir = await mkdtemp(join(tmpdir(), 'switchboard-test-'));
  if (kind === 'pglite') {
    return {
      config: { kind: 'embedded', dataDir },
      dataDir,
      env: { DATA_DIR: dataDir },
      drop: () => rm(dataDir, { recursive: true, force: true }),
    };
  }
  // A database per test file, not a schema: Kysely's migrator introspects every schema of its
  // database, and a schema another file drops at that moment makes the introspection fail.
  const name = uniqueName('t');
  await adminQuery(`create database "${name}"${options.template ? ` template "${options.template}"` : ''}`);
  const url = urlOf(name);
  return {
    config: { kind: 'postgres', url },
    dataDir,
    env: { DATA_DIR: dataDir, DATABASE_URL: url },
    async drop() {
      await adminQuery(`drop database if exists "${name}" with (force)`);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The template test databases are copied from: migrated to the latest schema once per run, then
 * left without connections (PostgreSQL copies a database only while nobody is connected to it).
 */
export async function createDatabaseTemplate(): Promise<{ name: string; drop(): Promise<void> }> {
  const name = uniqueName('template');
  await adminQuery(`create database "${name}"`);
  const handle = await openDatabase({ kind: 'postgres', url: urlOf(name) });
  try {
    await migrateToLatest(handle);
  } finally {
    await handle.close();
  }
  return { name, drop: () => adminQuery(`drop database if exists "${name}" with (force)`) };
}
