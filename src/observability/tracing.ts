import { createRequire } from 'node:module';
import { context, propagation, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ClientInterceptors } from '@temporalio/client';
import type { InjectedSinks, WorkerInterceptors } from '@temporalio/worker';
import type { LogEvent } from 'kysely';
import type { Middleware } from 'koa';
import type { Config } from '../config.js';
import { maskUrl } from '../secrets/urls.js';

/**
 * OpenTelemetry traces, off unless configured (Config.tracing): API request → Temporal client
 * (StartWorkflow) → workflow (RunWorkflow, StartActivity) → activity (RunActivity) → upstream HTTP
 * (undici), with database statements as child spans wherever they run. Temporal's interceptors
 * carry the context through workflow and activity headers.
 */
export interface Tracing {
  tracer: Tracer;
  client: ClientInterceptors;
  worker: { interceptors: WorkerInterceptors; sinks: InjectedSinks<never> };
  /** Kysely's log hook: one span per statement (SQL text only; values are bound parameters). */
  logQuery(event: LogEvent): void;
  shutdown(): Promise<void>;
}

const require = createRequire(import.meta.url);

export async function startTracing(config: Config, spanProcessor?: SpanProcessor): Promise<Tracing | undefined> {
  if (!config.tracing && !spanProcessor) return undefined;
  // Loaded only when tracing is on: the SDK, exporter and instrumentation cost ~15 MB of a process that never exports.
  const [
    { OTLPTraceExporter },
    { registerInstrumentations },
    { UndiciInstrumentation },
    { Resource },
    { BatchSpanProcessor },
    { NodeTracerProvider },
    { makeWorkflowExporter, OpenTelemetryActivityInboundInterceptor, OpenTelemetryActivityOutboundInterceptor, OpenTelemetryWorkflowClientInterceptor },
  ] = await Promise.all([
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/instrumentation'),
    import('@opentelemetry/instrumentation-undici'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/sdk-trace-node'),
    import('@temporalio/interceptors-opentelemetry'),
  ]);
  const processor = spanProcessor ?? new BatchSpanProcessor(new OTLPTraceExporter({ url: config.tracing!.tracesUrl }));
  const resource = new Resource({ 'service.name': config.tracing?.serviceName ?? 'switchboard', 'switchboard.role': config.role });
  const provider = new NodeTracerProvider({ resource, spanProcessors: [processor] });
  // Sets the global context manager (AsyncLocalStorage) and W3C propagator the interceptors use.
  provider.register();
  const tracer = provider.getTracer('switchboard');
  const unregister = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new UndiciInstrumentation({
        // Only calls made on behalf of a traced request: no spans for health probes or scrapes.
        requireParentforSpans: true,
        // A connector may carry its API key in the query string or the path (a remote MCP URL's
        // /s/<key>/mcp): spans keep the origin and the path with token-like segments masked.
        startSpanHook: (request) => {
          const url = new URL(request.path, request.origin);
          const path = maskUrl(`${url.origin}${url.pathname}`).slice(url.origin.length);
          return { 'url.full': `${url.origin}${path}`, 'url.path': path, 'url.query': url.search ? '[redacted]' : '' };
        },
      }),
    ],
  });
  const options = { tracer };
  return {
    tracer,
    client: { workflow: [new OpenTelemetryWorkflowClientInterceptor(options)] },
    worker: {
      interceptors: {
        client: { workflow: [new OpenTelemetryWorkflowClientInterceptor(options)] },
        workflowModules: [require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors')],
        activity: [
          (ctx) => ({
            inbound: new OpenTelemetryActivityInboundInterceptor(ctx, options),
            outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
          }),
        ],
      },
      sinks: { exporter: makeWorkflowExporter(processor, resource) } as InjectedSinks<never>,
    },
    logQuery(event) {
      if (!trace.getSpan(context.active())) return;
      const sqlText = event.query.sql;
      const span = tracer.startSpan(`db ${sqlText.slice(0, sqlText.indexOf(' ')).toLowerCase() || 'query'}`, {
        kind: SpanKind.CLIENT,
        startTime: Date.now() - event.queryDurationMillis,
        attributes: { 'db.statement': sqlText.length > 300 ? `${sqlText.slice(0, 300)}…` : sqlText },
      });
      if (event.level === 'error') span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    },
    async shutdown() {
      unregister();
      await provider.shutdown();
    },
  };
}

const UNTRACED_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/** A server span per API request, continuing a caller's traceparent; the MCP token stays out of its name. */
export function requestSpans(tracer: Tracer, routeName: (path: string) => string): Middleware {
  return async (ctx, next) => {
    // Probes and scrapes arrive every few seconds and say nothing about a call.
    if (UNTRACED_PATHS.has(ctx.path)) return next();
    const parent = propagation.extract(context.active(), ctx.headers);
    const span = tracer.startSpan(`${ctx.method} ${routeName(ctx.path)}`, { kind: SpanKind.SERVER }, parent);
    // MCP answers are written by the SDK transport after the middleware returns: end on the socket's finish.
    ctx.res.once('close', () => {
      span.setAttribute('http.response.status_code', ctx.res.statusCode);
      if (ctx.res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    await context.with(trace.setSpan(parent, span), next);
  };
}
