import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/**
 * Switchboard's Prometheus metrics, one registry per process (as prom-client intends): every
 * label is an id, a tool name, a status or an outcome code, never a secret, token or parameter.
 */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

const latencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export const toolCalls = new Counter({
  name: 'switchboard_tool_calls_total',
  help: 'MCP tool calls by tool and outcome (ok, or the error code answered)',
  labelNames: ['tool', 'outcome'] as const,
  registers: [metricsRegistry],
});

export const executeActionDuration = new Histogram({
  name: 'switchboard_execute_action_duration_seconds',
  help: 'execute_action latency as the MCP client sees it, by connector and outcome',
  labelNames: ['connector', 'outcome'] as const,
  buckets: latencyBuckets,
  registers: [metricsRegistry],
});

export const connectorActivityDuration = new Histogram({
  name: 'switchboard_connector_activity_duration_seconds',
  help: 'One attemptConnectorAction activity: one attempt in the worker (throttle slot, credential, upstream, shaping)',
  labelNames: ['connector', 'outcome'] as const,
  buckets: latencyBuckets,
  registers: [metricsRegistry],
});

export const upstreamResponses = new Counter({
  name: 'switchboard_upstream_responses_total',
  help: "Upstream answers by connector and HTTP status ('network' when no answer came)",
  labelNames: ['connector', 'status'] as const,
  registers: [metricsRegistry],
});

export const throttleWait = new Histogram({
  name: 'switchboard_throttle_wait_seconds',
  help: 'Time from reserving a connector send slot to the slot, by connector',
  labelNames: ['connector'] as const,
  buckets: [0, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
  registers: [metricsRegistry],
});

export const tokenRefreshes = new Counter({
  name: 'switchboard_token_refreshes_total',
  help: 'OAuth token refresh attempts by outcome (refreshed, not_due, needs_reauth, revoked, missing, failed)',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});

export const frontDoorRejections = new Counter({
  name: 'switchboard_front_door_rate_limited_total',
  help: 'Requests refused with 429 by the front-door limit (RATE_LIMIT_PER_MINUTE), by surface',
  labelNames: ['surface'] as const,
  registers: [metricsRegistry],
});

export const databaseStatements = new Counter({
  name: 'switchboard_database_statements_total',
  help: 'Database statements this process ran (its share of the round trips a call costs; npm run bench divides it by calls)',
  registers: [metricsRegistry],
});
