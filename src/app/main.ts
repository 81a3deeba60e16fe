import { ConfigError, loadConfig, type Role } from '../config.js';
import { readyBanner } from './banner.js';
import { startSwitchboard } from './start.js';

const roles: readonly Role[] = ['all', 'api', 'worker'];

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
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      // A second Ctrl-C: stop now. The dev server goes too (its exit hook, src/temporal/devServer.ts).
      process.exit(130);
    }
    stopping = true;
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
