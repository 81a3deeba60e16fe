import { Runtime, type LogLevel, type LogMetadata } from '@temporalio/worker';
import type { Logger } from '../log/logger.js';

let installed = false;

/**
 * Sends the Temporal SDK's own log lines (worker state, bundling) through our JSON logger.
 * The SDK allows one Runtime per process, so the first logger installed wins; tests that start
 * several apps in one process share it.
 */
export function installTemporalRuntime(logger: Logger): void {
  if (installed) return;
  installed = true;
  const sdkLogger = logger.child({ component: 'temporal-sdk' });
  const write = (level: LogLevel, message: string, meta?: LogMetadata) => {
    const target = level === 'TRACE' ? 'trace' : (level.toLowerCase() as 'debug' | 'info' | 'warn' | 'error');
    // Webpack's multi-line bundle report is noise at info level.
    const quiet = target === 'info' && message.includes('\n');
    sdkLogger[quiet ? 'debug' : target](meta ?? {}, message);
  };
  Runtime.install({
    // The SDK would stop every worker itself on SIGINT/SIGTERM, racing our shutdown (which then
    // found the worker draining and closed its connection under it). src/main.ts handles signals.
    shutdownSignals: [],
    logger: {
      log: write,
      trace: (message, meta) => write('TRACE', message, meta),
      debug: (message, meta) => write('DEBUG', message, meta),
      info: (message, meta) => write('INFO', message, meta),
      warn: (message, meta) => write('WARN', message, meta),
      error: (message, meta) => write('ERROR', message, meta),
    },
  });
}
