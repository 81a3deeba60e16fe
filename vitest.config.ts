import { defineConfig } from 'vitest/config';
import MeasuredSequencer from './test/support/sequencer.js';

/**
 * The fault files that run alone: the PostgreSQL outage, and those that measure time or memory
 * (the rest of test/faults runs two at a time in `faults-shared`; a full run took 619 s one file
 * at a time in CI).
 */
const exclusiveFaults = [
  'test/faults/database-outage.test.ts',
  'test/faults/backlog.test.ts',
  'test/faults/throttle.test.ts',
  'test/faults/storm.test.ts',
  'test/faults/ctrl-c.test.ts',
  'test/faults/security-slow-clients.test.ts',
  'test/faults/security-bounded-reads.test.ts',
];

export default defineConfig({
  test: {
    // Longest files first where vitest has no results cached (a fresh clone): test/support/sequencer.ts.
    sequence: { sequencer: MeasuredSequencer },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          // Projects run one group after another (vitest needs distinct groups for distinct maxWorkers).
          sequence: { groupOrder: 0 },
          testTimeout: 30_000,
          // Modules loaded once per worker process, not once per file: half the project's CPU
          // (user 33.6 s → 17.3 s, wall 137 s → 62 s at load 16).
          isolate: false,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          sequence: { groupOrder: 1 },
          // One Temporal dev server, one workflow bundle and one migrated template database for the
          // whole run, shared by the projects that name this setup (test/support/globalSetup.ts).
          globalSetup: ['test/support/globalSetup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          pool: 'forks',
          // Three files at once: a file's time is mostly waiting (its app's start, spawned
          // processes, Temporal), so on the quiet 2-core machine 2 workers took 597 s, 3 took 489 s
          // and 4 took 498 s (docs/testing.md).
          maxWorkers: 3,
          // A worker process runs file after file with its modules loaded once: importing the app
          // (Temporal, the MCP SDK, Koa, the catalogue) cost each file seconds of CPU again. Every file
          // starts its own app, database and peers, and closes them.
          isolate: false,
        },
      },
      {
        // The workflows alone: the real bundle on the dev server, activities mocked (test/support/workflowWorker.ts).
        test: {
          name: 'workflows',
          include: ['test/workflows/**/*.test.ts'],
          // Runs beside the integration files (same group, so the same maxWorkers).
          sequence: { groupOrder: 1 },
          globalSetup: ['test/support/globalSetup.ts'],
          testTimeout: 30_000,
          hookTimeout: 120_000,
          pool: 'forks',
          maxWorkers: 3,
          isolate: false,
        },
      },
      {
        // Rebuilds the connector catalogue from its sources and compares it with catalog/ (about 25 s
        // of CPU): `npm run test:catalog`, which CI runs beside `npm test`.
        test: {
          name: 'catalog',
          include: ['test/catalog/**/*.test.ts'],
          sequence: { groupOrder: 2 },
          testTimeout: 180_000,
        },
      },
      {
        // The admin console in headless Chromium against a running app, beside the integration
        // files (same group, so the same maxWorkers): most of their time is waiting, not CPU.
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          sequence: { groupOrder: 1 },
          globalSetup: ['test/support/globalSetup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          pool: 'forks',
          maxWorkers: 3,
          isolate: false,
        },
      },
      {
        // The catalogue's requests against the vendors' OpenAPI documents (Prism on 127.0.0.1):
        // `npm run test:contract`, its own project so it never slows `npm test`.
        test: {
          name: 'contract',
          include: ['test/contract/**/*.test.ts'],
          sequence: { groupOrder: 5 },
          globalSetup: ['test/support/globalSetup.ts'],
          testTimeout: 900_000,
          hookTimeout: 180_000,
          pool: 'forks',
          maxWorkers: 1,
        },
      },
      {
        // Crashes, fuzzing and the security checks that neither measure time nor stop a shared
        // server: `npm run test:faults` runs them two files at once, before the files below.
        test: {
          name: 'faults-shared',
          include: ['test/faults/**/*.test.ts'],
          exclude: exclusiveFaults,
          sequence: { groupOrder: 4 },
          globalSetup: ['test/support/globalSetup.ts'],
          testTimeout: 300_000,
          hookTimeout: 180_000,
          pool: 'forks',
          maxWorkers: 2,
        },
      },
      {
        // The outage and the wall-clock measurements `npm test` keeps out (throttle timing, latency
        // beside a backlog and a storm, Ctrl-C, slow clients cut in time, memory per read): never
        // part of `npm test` (the outage stops the shared PostgreSQL server for a few seconds).
        test: {
          name: 'faults',
          include: exclusiveFaults,
          sequence: { groupOrder: 5 },
          globalSetup: ['test/support/globalSetup.ts'],
          testTimeout: 300_000,
          hookTimeout: 180_000,
          pool: 'forks',
          // One file at a time: the database outage must not overlap the other files' traffic, and the
          // timed files have the CPU to themselves.
          maxWorkers: 1,
        },
      },
    ],
  },
});
