import { createServer } from 'node:net';
import { Runtime, type LogLevel, type LogMetadata } from '@temporalio/worker';
import type { Logger } from '../../app/logger.js';

let installed: Promise<string> | undefined;

/**
 * Sends the Temporal SDK's own log lines (worker state, bundling) through our JSON logger, and has
 * its Prometheus exporter serve the SDK's metrics (task latencies, slots, sticky cache, polls) at
 * `bindAddress`, or at a free port on 127.0.0.1. Returns the metrics URL, which /metrics merges in.
 * The SDK allows one Runtime per process, so the first call wins; tests that start several apps
 * in one process share it.
 */
export function installTemporalRuntime(logger: Logger, bindAddress?: string): Promise<string> {
  installed ??= install(logger, bindAddress);
  return installed;
}

async function install(logger: Logger, bindAddress: string | undefined): Promise<string> {
  const address = bindAddress ?? `127.0.0.1:${await freePort()}`;
  const sdkLogger = logger.child({ component: 'temporal-sdk' });
  const write = (level: LogLevel, message: string, meta?: LogMetadata) => {
    const target = level === 'TRACE' ? 'trace' : (level.toLowerCase() as 'debug' | 'info' | 'warn' | 'error');
    // Webpack's multi-line bundle report is noise at info level.
    const quiet = target === 'info' && message.includes('\n');
    sdkLogger[quiet ? 'debug' : target](meta ?? {}, message);
  };
  Runtime.install({
    // The SDK would stop every worker itself on SIGINT/SIGTERM, racing our shutdown (which then
    // found the worker draining and closed its connection under it). src/app/main.ts handles signals.
    shutdownSignals: [],
    logger: {
      log: write,
      trace: (message, meta) => write('TRACE', message, meta),
      debug: (message, meta) => write('DEBUG', message, meta),
      info: (message, meta) => write('INFO', message, meta),
      warn: (message, meta) => write('WARN', message, meta),
      error: (message, meta) => write('ERROR', message, meta),
    },
    telemetryOptions: { metrics: { prometheus: { bindAddress: address, countersTotalSuffix: true, useSecondsForDurations: true } } },
  });
  const [host, port] = [address.slice(0, address.lastIndexOf(':')), address.slice(address.lastIndexOf(':') + 1)];
  return `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}/metrics`;
}

/** The exporter is bound by Temporal's core, which can't report an ephemeral port back: pick one first. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
