import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Worker, WorkflowBundleOption } from '@temporalio/worker';
import { createApp } from '../api/app.js';
import type { ApiDependencies } from '../api/context.js';
import { refreshRemoteTools } from '../api/mcp/remoteConnectors.js';
import { SigninService } from '../api/signin/provider.js';
import type { ReadinessCheck } from '../api/routes/health.js';
import { temporalOAuthFlows } from '../starters/oauth.js';
import { ensureRetentionSweep } from '../starters/retentionSweep.js';
import { applyRateLimitChange } from '../starters/throttle.js';
import { connectTemporal, workerIsPolling, type TemporalHandle } from '../starters/temporal.js';
import type { Config } from '../config.js';
import { openDatabase, type DatabaseHandle } from '../db/connect.js';
import { migrateToLatest } from '../db/migrate.js';
import { ensureBootstrapAccount } from '../db/repositories/accounts.js';
import { createLogger, type Logger } from '../observability/logger.js';
import { sealPlainConnectorUrls } from '../connectors/sources/remoteMcp/service.js';
import { startTracing } from '../observability/tracing.js';
import { loadSecretBox } from '../secrets/keyring.js';
import type { SecretBox } from '../secrets/secretBox.js';
import { ensureTemporalCli } from '../temporal/cli.js';
import { startDevServer, type RunningDevServer } from '../temporal/devServer.js';
import { installTemporalRuntime } from '../temporal/runtime.js';
import { startStateCleanup } from '../worker/cleanup.js';
import { cachedWorkflowBundle } from '../worker/bundle.js';
import { createWorker, workflowsPath } from '../worker/worker.js';

export interface StartOptions {
  logger?: Logger;
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

    const secretBox = await loadSecretBox(config);
    await sealPlainConnectorUrls(database.db, secretBox);
    const bootstrap =
      config.role === 'worker' ? undefined : await ensureBootstrapAccount(database.db, secretBox, config.bootstrapApiKey);
    const temporal = await connectTemporal(devServer?.address ?? config.temporal.address!, config.temporal, {
      ...(tracing ? { interceptors: tracing.client } : {}),
      localWorker: config.role !== 'api',
    });
    stack.push(() => temporal.connection.close());
    const oauthFlows = temporalOAuthFlows({ db: database.db, temporal, config });

    let worker: Worker | undefined;
    if (config.role !== 'api') {
      // The OpenTelemetry workflow interceptors must be inside the bundle: with tracing on, a given bundle (the tests') will not do.
      const workflowBundle =
        (!tracing && options.workflowBundle) ||
        (await cachedWorkflowBundle({
          cacheDir: config.temporal.bundleCacheDir,
          workflowsPath,
          interceptorModules: tracing?.worker.interceptors.workflowModules ?? [],
          logger,
        }));
      worker = await createWorker({
        connection: temporal.connection,
        namespace: temporal.namespace,
        taskQueue: temporal.taskQueue,
        dependencies: { config, db: database.db, secretBox, logger, temporal, oauthFlows },
        workflowBundle,
        ...(tracing ? { tracing: tracing.worker } : {}),
      });
      const running = worker.run();
      stack.push(async () => {
        // Once: the process's signal handler (src/app/main.ts) is the one place that stops it.
        if (worker!.getState() === 'RUNNING') worker!.shutdown();
        await running;
      });
      const cleanup = startStateCleanup({ db: database.db, logger, config });
      stack.push(() => cleanup.stop());
    }

    const readinessChecks: ReadinessCheck[] = [
      { name: 'database', check: async () => (await database.ping(), true) },
      { name: 'temporal', check: async () => (await temporal.client.workflowService.getSystemInfo({}), true) },
      {
        name: 'worker',
        check: async () => (worker ? worker.getState() === 'RUNNING' : workerIsPolling(temporal)),
      },
    ];
    if (config.role !== 'worker') await ensureRetentionSweep(temporal);
    const server = await listen(config.port, config.host);
    stack.push(() => closeServer(server));
    const { port } = server.address() as AddressInfo;
    const apiUrl = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
    const publicUrl = config.publicUrl ?? apiUrl;
    const app = createApp({
      logger,
      readinessChecks,
      metrics: { token: config.metrics.token, temporalMetricsUrl },
      ...(tracing ? { tracer: tracing.tracer } : {}),
      ...(config.role === 'worker'
        ? {}
        : { api: apiDependencies({ config, publicUrl, db: database.db, secretBox, temporal, logger, oauthFlows }) }),
    });
    server.on('request', app.callback());

    return {
      config,
      logger,
      database,
      secretBox,
      temporal,
      apiUrl,
      temporalUiUrl: devServer?.uiUrl ?? config.temporal.uiUrl,
      generatedApiKey: bootstrap?.generatedKey,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The API's dependencies, with the ports its domain code reaches durable and MCP-side work through. */
function apiDependencies(parts: Omit<ApiDependencies, 'management' | 'signin'>): ApiDependencies {
  const { db, secretBox, publicUrl, logger, temporal } = parts;
  const api: ApiDependencies = {
    ...parts,
    signin: new SigninService({ db, secretBox, publicUrl, logger }),
    management: {
      rateLimitChanged: (accountId, connectorId) => applyRateLimitChange({ db, temporal, logger }, accountId, connectorId),
      refreshRemoteTools: (row) => refreshRemoteTools(api, row),
    },
  };
  return api;
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

/** Binds first and attaches the app afterwards, so URLs built by the app know the real port. */
function listen(port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    // SSE streams for MCP stay open for minutes; don't let the default request time-out cut them.
    server.requestTimeout = 0;
    server.keepAliveTimeout = 65_000;
    server.on('clientError', answerClientError);
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

/**
 * Requests Node's HTTP parser refuses before the app sees them (headers over 16 KB, malformed
 * request lines) still get the documented error body instead of a bare status line.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex) {
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const [status, reason, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large', 'The request headers are too large']
      : [400, 'Bad Request', 'The request is not valid HTTP'];
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
