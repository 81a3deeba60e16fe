import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { Runtime, type LogLevel, type LogMetadata } from '@temporalio/worker';
import type { Logger } from '../observability/logger.js';
import { forwardedLine } from './logs.js';

let installed: Promise<string> | undefined;

/**
 * Sends every Temporal log line through our JSON logger, core's included (forwarded by the
 * Runtime instead of printed to stderr in its own coloured format), so the process writes one
 * JSON stream; and has its Prometheus exporter serve the SDK's metrics (task latencies, slots,
 * sticky cache, polls) at `bindAddress`, or at a free port on 127.0.0.1. Returns the metrics URL,
 * which /metrics merges in. The SDK allows one Runtime per process, so the first call wins; tests
 * that start several apps in one process share it.
 */
export function installTemporalRuntime(logger: Logger, bindAddress?: string): Promise<string> {
  installed ??= install(logger, bindAddress);
  return installed;
}

async function install(logger: Logger, bindAddress: string | undefined): Promise<string> {
  const address = bindAddress ?? `127.0.0.1:${await freePort()}`;
  const sdkLogger = logger.child({ component: 'temporal-sdk' });
  const write = (level: LogLevel, message: string, meta?: LogMetadata) => {
    const line = forwardedLine(level, message, meta);
    sdkLogger[line.level](line.fields, line.message);
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
    telemetryOptions: {
      // Core's warnings and errors (its default filter), forwarded rather than written to stderr.
      logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} },
      metrics: { prometheus: { bindAddress: address, countersTotalSuffix: true, useSecondsForDurations: true } },
    },
  });
  const [host, port] = [address.slice(0, address.lastIndexOf(':')), address.slice(address.lastIndexOf(':') + 1)];
  return `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}/metrics`;
}

/**
 * The exporter is bound by Temporal's core, which can't report an ephemeral port back: pick one
 * first. The SDK shuts an idle Runtime down (a test process closing its last worker) and re-creates
 * it later with the same options, so the port must stay ours while unbound: it comes from below the
 * kernel's ephemeral range, which `listen(0)` and outgoing connections never hand out.
 */
async function freePort(): Promise<number> {
  const ephemeralLow = await readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
    .then((range) => Number(range.trim().split(/\s+/)[0]))
    .catch(() => 32768);
  const low = 10_000;
  const high = Math.max(low + 1_000, ephemeralLow) - 1;
  for (let tries = 0; tries < 50; tries++) {
    const port = low + Math.floor(Math.random() * (high - low));
    if (await isFree(port)) return port;
  }
  throw new Error(`No free port for the Temporal metrics exporter in ${low}–${high}`);
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}
