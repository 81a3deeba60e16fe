import { ConfigError, loadConfig, type Role } from '../config.js';
import { readyBanner } from './banner.js';
import { startSwitchboard } from './start.js';

const roles: readonly Role[] = ['all', 'api', 'worker'];
/** A signal this long after the first is a person asking again, not a duplicate of the first. */
const SECOND_SIGNAL_AFTER_MS = 1_000;

async function main() {
  const role = (process.argv[2] ?? 'all') as Role;
  if (!roles.includes(role)) {
    console.error(`Unknown role "${role}". Use one of: ${roles.join(', ')}`);
    process.exit(2);
  }
  const started = performance.now();
  let config;
  try {
    config = loadConfig(process.env, role);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const starting = startSwitchboard(config, { startServer: role === 'all' });
  // Listening from the start: a signal during start-up, or one racing the ready line, stops the
  // app once it is up instead of killing the process with its embedded dev server still running.
  let stoppingSince: number | undefined;
  const shutdown = (signal: string) => {
    if (stoppingSince !== undefined) {
      // Ctrl-C pressed again: stop now (the dev server too: its exit hook, src/temporal/devServer.ts).
      // Not a copy of the first one: under `npm start` in a terminal a Ctrl-C can reach this
      // process twice, from the terminal and forwarded by npm, milliseconds apart.
      if (performance.now() - stoppingSince > SECOND_SIGNAL_AFTER_MS) process.exit(130);
      return;
    }
    stoppingSince = performance.now();
    starting
      .then(async (app) => {
        app.logger.info({ signal }, 'stopping');
        await app.stop();
      })
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  const app = await starting;
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(readyBanner(role, seconds, app, config.temporal.namespace));
  // npm does not pass SIGTERM on to the script it runs; when it goes away, take the embedded
  // dev server down with us instead of leaving it orphaned.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) shutdown('parent exited');
  }, 1_000).unref();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
