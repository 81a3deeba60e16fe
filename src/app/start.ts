import { setMaxListeners } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { WorkflowBundleOption } from '@temporalio/worker';
import { createApp } from '../api/app.js';
import type { ApiDependencies } from '../api/context.js';
import { SigninService } from '../api/signin/provider.js';
import type { ReadinessCheck } from '../api/routes/health.js';
import { temporalOAuthFlows } from '../starters/oauth.js';
import { ensureRetentionSweep } from '../starters/retentionSweep.js';
import { applyRateLimitChange } from '../starters/throttle.js';
import { connectTemporal, temporalAnswers, workerIsPolling, type TemporalHandle } from '../starters/temporal.js';
import type { Config } from '../config.js';
import { openDatabase, type DatabaseHandle } from '../db/connect.js';
import { migrateToLatest } from '../db/migrate.js';
import { ensureBootstrapAccount } from '../db/repositories/accounts.js';
import { createLogger, type Logger } from '../observability/logger.js';
import { ensureStartServer, type StartServer } from '../management/servers.js';
import { sealPlainConnectorUrls } from '../remoteMcp/registry.js';
import { startTracing } from '../observability/tracing.js';
import { reportSlowCalls } from '../observability/callCapacityMetrics.js';
import { leaseCountsByAccount } from '../db/repositories/callLeases.js';
import { loadSecretBox } from '../secrets/keyring.js';
import type { SecretBox } from '../secrets/secretBox.js';
import { ensureTemporalCli } from '../temporal/cli.js';
import { startDevServer, type RunningDevServer } from '../temporal/devServer.js';
import { installTemporalRuntime } from '../temporal/runtime.js';
import { remoteMcpPeers } from '../upstream/remoteMcp/peers.js';
import { startStateCleanup } from '../worker/cleanup.js';
import { cachedWorkflowBundle } from '../worker/bundle.js';
import { createWorker, SHUTDOWN_GRACE_MS, workflowInterceptorModules, workflowsPath, type Workers } from '../worker/worker.js';

export interface StartOptions {
  logger?: Logger;
  /** Make or find the server whose access URL `npm start` prints (src/management/servers.ts). */
  startServer?: boolean;
  workflowBundle?: WorkflowBundleOption;
  /** Receives every span (tests use an in-memory exporter); turns tracing on whatever the config says. */
  spanProcessor?: SpanProcessor;
}

export interface RunningSwitchboard {
  config: Config;
  logger: Logger;
  database: DatabaseHandle;
  secretBox: SecretBox;
  temporal: TemporalHandle;
  /** Set when this process serves HTTP. */
  apiUrl?: string;
  temporalUiUrl?: string;
  /** A key made on first start; shown once by the caller, never logged. */
  generatedApiKey?: string;
  /** With StartOptions.startServer: the server to print, with its working access URL (never logged). */
  startServer?: StartServer;
  stop(): Promise<void>;
}

/**
 * The composition root: one function builds every part a role needs, so `npm start`,
 * `npm run api`, `npm run worker` and the integration tests all run the same wiring.
 */
export async function startSwitchboard(config: Config, options: StartOptions = {}): Promise<RunningSwitchboard> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const temporalMetricsUrl = await installTemporalRuntime(logger, config.metrics.temporalBindAddress);
  const stack: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const undo of stack.splice(0).reverse()) {
      await undo().catch((error: unknown) => logger.error({ err: error }, 'error while stopping'));
    }
  };

  try {
    const tracing = await startTracing(config, options.spanProcessor);
    if (tracing) stack.push(() => tracing.shutdown());
    const [devServer, database] = await Promise.all([
      config.temporal.address ? undefined : startEmbeddedTemporal(config, logger),
      openDatabase(config.database, tracing?.logQuery),
    ]);
    if (devServer) stack.push(() => devServer.stop());
    stack.push(() => database.close());
    await migrateToLatest(database);
    const unreport = reportSlowCalls(() => leaseCountsByAccount(database.db));
    stack.push(async () => unreport());

    const secretBox = await loadSecretBox(config);
    await sealPlainConnectorUrls(database.db, secretBox);
    const bootstrap =
      config.role === 'worker' ? undefined : await ensureBootstrapAccount(database.db, secretBox, config.bootstrapApiKey);
    const temporal = await connectTemporal(devServer?.address ?? config.temporal.address!, config.temporal, {
      ...(tracing ? { interceptors: tracing.client } : {}),
      localWorker: config.role !== 'api',
      ...(config.role === 'worker' ? {} : { admission: config.execution.admission }),
    });
    stack.push(() => temporal.connection.close());
    const oauthFlows = temporalOAuthFlows({ db: database.db, temporal, config });

    let worker: Workers | undefined;
    if (config.role !== 'api') {
      const workerStopping = new AbortController();
      // The OpenTelemetry workflow interceptors must be inside the bundle: with tracing on, a given bundle (the tests') will not do.
      const workflowBundle =
        (!tracing && options.workflowBundle) ||
        (await cachedWorkflowBundle({
          cacheDir: config.temporal.bundleCacheDir,
          workflowsPath,
          interceptorModules: [...workflowInterceptorModules, ...(tracing?.worker.interceptors.workflowModules ?? [])],
          logger,
        }));
      worker = await createWorker({
        connection: temporal.connection,
        namespace: temporal.namespace,
        taskQueue: temporal.taskQueue,
        dependencies: { config, db: database.db, secretBox, logger, temporal, oauthFlows, workerStopping: workerStopping.signal },
        workflowBundle,
        ...(tracing ? { tracing: tracing.worker } : {}),
      });
      const running = worker.run();
      stack.push(async () => {
        // Once: the process's signal handler (src/app/main.ts) is the one place that stops it.
        if (worker!.getState() === 'RUNNING') worker!.shutdown();
        // Calls still in flight after the grace period are given up, so the worker drains now.
        const giveUp = setTimeout(() => workerStopping.abort(), SHUTDOWN_GRACE_MS);
        await running.finally(() => clearTimeout(giveUp));
      });
      const cleanup = startStateCleanup({ db: database.db, logger, config });
      stack.push(() => cleanup.stop());
    }

    const readinessChecks: ReadinessCheck[] = [
      { name: 'database', check: async () => (await database.ping(), true) },
      { name: 'temporal', check: () => temporalAnswers(temporal) },
      {
        name: 'worker',
        check: async () => (worker ? worker.getState() === 'RUNNING' : workerIsPolling(temporal)),
      },
    ];
    if (config.role !== 'worker') await ensureRetentionSweep(temporal);
    const server = await listen(config.port, config.host, config.http);
    stack.push(() => closeServer(server));
    // Unwound before the server closes: calls kept for clients that left (src/api/mcp/streamEvents.ts) end first.
    const stopping = new AbortController();
    // Every call kept for a client that left listens on it: any number at once, not a leak.
    setMaxListeners(0, stopping.signal);
    stack.push(async () => stopping.abort());
    const { port } = server.address() as AddressInfo;
    const apiUrl = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
    const publicUrl = config.publicUrl ?? apiUrl;
    const remoteMcp = remoteMcpPeers(config, logger);
    // Standing remote sessions (resource subscriptions) end with the API: DELETE to each server.
    stack.push(() => remoteMcp.resourceWatches.close());
    const app = createApp({
      logger,
      readinessChecks,
      metrics: { token: config.metrics.token, temporalMetricsUrl },
      ...(tracing ? { tracer: tracing.tracer } : {}),
      ...(config.role === 'worker'
        ? {}
        : { api: apiDependencies({ config, publicUrl, db: database.db, asyncCommitDb: database.asyncCommitDb, secretBox, temporal, logger, oauthFlows, remoteMcp, stopping: stopping.signal }) }),
    });
    server.on('request', app.callback());
    const startServer =
      options.startServer && bootstrap
        ? await ensureStartServer({ db: database.db, secretBox, publicUrl }, { accountId: bootstrap.accountId, userId: bootstrap.userId })
        : undefined;

    return {
      config,
      logger,
      database,
      secretBox,
      temporal,
      apiUrl,
      temporalUiUrl: devServer?.uiUrl ?? config.temporal.uiUrl,
      generatedApiKey: bootstrap?.generatedKey,
      ...(startServer ? { startServer } : {}),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The API's dependencies, with the ports its domain code reaches durable work through. */
function apiDependencies(parts: Omit<ApiDependencies, 'management' | 'signin'>): ApiDependencies {
  const { db, secretBox, publicUrl, logger, temporal, config } = parts;
  return {
    ...parts,
    signin: new SigninService({ db, secretBox, publicUrl, logger, config }),
    management: {
      rateLimitChanged: (accountId, connectorId) => applyRateLimitChange({ db, temporal, logger }, accountId, connectorId),
    },
  };
}

async function startEmbeddedTemporal(config: Config, logger: Logger): Promise<RunningDevServer> {
  const cliPath = await ensureTemporalCli({
    cliPath: config.temporal.cliPath,
    cacheDir: config.temporal.cliCacheDir,
    onProgress: (line) => logger.info(line),
  });
  return startDevServer({
    cliPath,
    dataDir: config.dataDir,
    port: config.temporal.port,
    uiPort: config.temporal.uiPort,
    namespace: config.temporal.namespace,
    logger,
  });
}

/** How often Node looks for requests past their time-out: a slow client is cut at most this late. */
const TIMEOUT_CHECK_INTERVAL_MS = 1_000;

/**
 * Binds first and attaches the app afterwards, so URLs built by the app know the real port.
 * A client sending its headers or body a byte at a time is cut at the headers or request
 * time-out; those count until the request is in, so a long answer (an MCP SSE stream, a task
 * poll) is never cut by them.
 */
function listen(port: number, host: string, timeouts: Config['http']): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer({
      headersTimeout: timeouts.headersTimeoutMs,
      requestTimeout: timeouts.requestTimeoutMs,
      keepAliveTimeout: timeouts.keepAliveTimeoutMs,
      connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS,
    });
    server.on('clientError', answerClientError);
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

const CLIENT_ERRORS: Record<string, [status: number, reason: string, message: string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large', 'The request headers are too large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout', 'The request did not arrive in time'],
};

/**
 * Requests Node's HTTP parser refuses before the app sees them (headers over 16 KB, malformed
 * request lines, headers too slow to arrive) still get the documented error body instead of a
 * bare status line. A request the app already has (its body too slow) is the app's to answer:
 * its connection is just closed.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex) {
  // Only a body too slow to arrive is dropped unanswered; a body the parser refuses still gets its 400.
  const slowBodyInApp = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' && (socket as Duplex & { _httpMessage?: unknown })._httpMessage !== undefined;
  if (!socket.writable || error.code === 'ECONNRESET' || slowBodyInApp) {
    socket.destroy();
    return;
  }
  const [status, reason, message] = CLIENT_ERRORS[error.code ?? ''] ?? [400, 'Bad Request', 'The request is not valid HTTP'];
  const body = JSON.stringify({ error: { code: 'INVALID_REQUEST', message, details: {} } });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
