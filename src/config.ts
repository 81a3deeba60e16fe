import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { hostingConfigOf, hostingEnv, type HostingConfig } from './config/hosting.js';
import { booleanFromEnv } from './config/values.js';

/**
 * The one place that reads process.env. Everything else receives a validated Config,
 * so a bad value stops start-up with a message naming the variable instead of failing later.
 * Sections beside it (src/config/) add their variables to this one schema and build their part
 * of the Config from the same parse.
 */

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  PUBLIC_URL: z.url().optional(),
  ALLOWED_ORIGINS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((origin) => origin.trim().replace(/\/$/, ''))
        .filter((origin) => origin.length > 0),
    )
    .pipe(
      z.array(
        z.string().refine((origin) => URL.canParse(origin) && new URL(origin).origin === origin, {
          message: 'each entry must be an origin such as https://console.example.com (scheme, host, port; no path)',
        }),
      ),
    ),
  DATA_DIR: z.string().min(1).default('./.data'),
  DATABASE_URL: z.url().optional(),
  DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case SQL identifier')
    .optional(),
  TEMPORAL_ADDRESS: z.string().min(1).optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  // The lanes' queues are named after it (<queue>-slow, <queue>-busy): a name ending like one would be read as one.
  TEMPORAL_TASK_QUEUE: z
    .string()
    .min(1)
    .refine((name) => !/-(busy|slow)$/.test(name), 'must not end in -busy or -slow (the names of its lanes)')
    .default('switchboard'),
  TEMPORAL_PORT: z.coerce.number().int().min(1).max(65535).default(7233),
  TEMPORAL_UI_PORT: z.coerce.number().int().min(1).max(65535).default(8233),
  TEMPORAL_UI_URL: z.url().optional(),
  TEMPORAL_CLI: z.string().min(1).optional(),
  XDG_CACHE_HOME: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ENCRYPTION_KEY: z
    .string()
    .regex(/^[A-Za-z0-9+/]{43}=$/, 'must be 32 random bytes, base64-encoded (openssl rand -base64 32)')
    .optional(),
  ENCRYPTION_KEYS_PREVIOUS: z
    .string()
    .default('')
    .transform((value) => value.split(',').map((key) => key.trim()).filter((key) => key.length > 0))
    .pipe(z.array(z.string().regex(/^[A-Za-z0-9+/]{43}=$/, 'each key must be 32 bytes, base64-encoded'))),
  BOOTSTRAP_API_KEY: z
    .string()
    .regex(/^sk_[A-Za-z0-9_-]{24,}$/, 'must look like sk_ followed by at least 24 url-safe characters')
    .optional(),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(100),
  HTTP_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(20_000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(65_000),
  EGRESS_ALLOW_PRIVATE: booleanFromEnv.default(false),
  EGRESS_ALLOW_HOSTS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((host) => host.trim().toLowerCase())
        .filter((host) => host.length > 0),
    ),
  UPSTREAM_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  UPSTREAM_TOTAL_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  UPSTREAM_MAX_RESPONSE_BYTES: z.coerce.number().int().min(1024).max(100 * 1024 * 1024).default(5 * 1024 * 1024),
  OAUTH_MAX_RESPONSE_BYTES: z.coerce.number().int().min(1024).max(10 * 1024 * 1024).default(64 * 1024),
  FAST_ATTEMPT_BUDGET_MS: z.coerce.number().int().min(50).max(10_000).default(1000),
  ACCOUNT_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(100_000).default(250),
  SERVER_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(100_000).default(200),
  BUSY_SERVER_OPEN_CALLS: z.coerce.number().int().min(1).max(100_000).default(16),
  BUSY_ACCOUNT_OPEN_CALLS: z.coerce.number().int().min(1).max(100_000).default(64),
  BUSY_ACCOUNT_STARTS_AT_ONCE: z.coerce.number().int().min(1).max(1000).default(8),
  BUSY_ACCOUNT_START_QUEUE: z.coerce.number().int().min(0).max(100_000).default(2000),
  REMOTE_MCP_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  MCP_REGISTRY_URL: z.string().url().regex(/^https?:\/\//i, 'must be an http(s) URL').default('https://registry.modelcontextprotocol.io'),
  REMOTE_MCP_PROBE_TIMEOUT_MS: z.coerce.number().int().min(50).max(30_000).default(2000),
  REMOTE_MCP_MAX_TOOL_BYTES: z.coerce.number().int().min(1024).max(10 * 1024 * 1024).default(64 * 1024),
  REMOTE_MCP_MAX_TOOL_LIST_BYTES: z.coerce.number().int().min(1024).max(50 * 1024 * 1024).default(2 * 1024 * 1024),
  OAUTH_MCP_URLS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((pair) => pair.trim())
        .filter((pair) => pair.length > 0)
        .map((pair) => [pair.slice(0, pair.indexOf('=')).trim(), pair.slice(pair.indexOf('=') + 1).trim()] as const),
    )
    .pipe(
      z.array(
        z.tuple([
          z.enum(['gmail', 'google-calendar', 'google-drive'], 'each entry must be <gmail|google-calendar|google-drive>=<url>'),
          z.url({ protocol: /^https?$/ }),
        ]),
      ),
    )
    .transform((pairs) => Object.fromEntries(pairs) as Record<string, string>),
  OAUTH_HANDSHAKE_TIMEOUT: z.coerce.number().int().min(10).max(86_400).default(600),
  REFRESH_MARGIN_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
  MCP_SESSION_TTL_SECONDS: z.coerce.number().int().min(60).max(90 * 86_400).default(7 * 86_400),
  STATE_CLEANUP_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(600),
  AUDIT_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(365),
  APPROVAL_WEBHOOK_URL: z.url().optional(),
  SIGNIN_DEV_LOGIN: booleanFromEnv.optional(),
  SIGNIN_OIDC_ISSUER: z.url().optional(),
  SIGNIN_OIDC_CLIENT_ID: z.string().min(1).optional(),
  SIGNIN_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  SIGNIN_OIDC_USER_CLAIM: z.string().min(1).default('sub'),
  SIGNIN_REGISTRATIONS_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(10),
  SIGNIN_UNUSED_CLIENT_TTL_SECONDS: z.coerce.number().int().min(1).max(90 * 86_400).default(86_400),
  SIGNIN_CLIENT_METADATA_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  TEMPORAL_METRICS_BIND: z
    .string()
    .regex(/^[^\s:]+:\d{1,5}$/, 'must be host:port, e.g. 127.0.0.1:9464')
    .optional(),
  // The OpenTelemetry SDK's own variable names, so a collector set-up written for any service works.
  OTEL_TRACES_EXPORTER: z.enum(['otlp', 'none']).optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url().optional(),
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
  ...hostingEnv,
});

export type Role = 'all' | 'api' | 'worker';

/**
 * Fair admission of runs (docs/fair-execution.md#admission): counted per API process. A server
 * with serverOpenCalls calls open, or an account with accountOpenCalls open on the main task
 * queue, starts its next runs on the busy queue, busyStartsAtOnce start requests at a time; at
 * most busyStartQueue more wait their turn, the rest are refused (ACCOUNT_BUSY).
 */
export interface AdmissionSettings {
  serverOpenCalls: number;
  accountOpenCalls: number;
  busyStartsAtOnce: number;
  busyStartQueue: number;
}

/** The validated configuration; HostingConfig is the section in src/config/hosting.ts. */
export interface Config extends HostingConfig {
  role: Role;
  port: number;
  host: string;
  /** Base URL clients reach the API at (MCP and OAuth callback URLs); unset: the bound address. */
  publicUrl?: string;
  /**
   * Browser origins besides PUBLIC_URL's that may call /mcp and /api (and get CORS answers);
   * their host names are also accepted in the Host header.
   */
  allowedOrigins: string[];
  dataDir: string;
  database: { kind: 'embedded'; dataDir: string } | { kind: 'postgres'; url: string; schema?: string };
  temporal: {
    /** Undefined means: run the embedded dev server. */
    address?: string;
    namespace: string;
    taskQueue: string;
    /** Port of the embedded dev server. */
    port: number;
    uiPort: number;
    uiUrl: string;
    cliPath?: string;
    /** Where built Temporal CLI binaries are kept, one folder per version, shared by every clone. */
    cliCacheDir: string;
    /** Where the workflow bundle is kept between starts (src/worker/bundle.ts). */
    bundleCacheDir: string;
  };
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  /** Undefined in embedded mode: generated and kept under DATA_DIR on first start. */
  encryptionKey?: string;
  /** Keys that may still have sealed rows, kept readable while `npm run keys:rotate` re-seals them. */
  previousEncryptionKeys: string[];
  bootstrapApiKey?: string;
  rateLimitPerMinute: number;
  /**
   * Bounds on how slowly a client may send (Node's HTTP server): the headers, the whole request
   * with its body, and the wait for the next request on an idle keep-alive connection. A response
   * (an SSE stream) may take as long as it likes once the request is in.
   */
  http: { headersTimeoutMs: number; requestTimeoutMs: number; keepAliveTimeoutMs: number };
  egress: { allowPrivate: boolean; allowHosts: string[] };
  upstream: {
    connectTimeoutMs: number;
    totalTimeoutMs: number;
    /** Bytes read of one answer of a SaaS API or remote MCP server; reading stops there. */
    maxResponseBytes: number;
    /** Bytes read of one answer of an OAuth or OpenID endpoint (token, metadata, registration). */
    maxOAuthResponseBytes: number;
  };
  /** How connector calls share the workers (docs/fair-execution.md). */
  execution: {
    /** A first attempt still running after this long leaves the workflow task for the slow lane. */
    fastBudgetMs: number;
    /** Slow attempts (on the slow lane) one account, or one of its servers, may have in flight; more queue. */
    accountMaxInFlight: number;
    serverMaxInFlight: number;
    /** Where a run starts, and how fast a busy account's starts go (src/starters/admission.ts). */
    admission: AdmissionSettings;
  };
  /** Bound on connecting to a remote MCP server and listing its tools (tool calls use upstream.totalTimeoutMs). */
  remoteMcp: {
    timeoutMs: number;
    /** How long deciding whether a predefined entry's remote server answers may take. */
    probeTimeoutMs: number;
    /** A listed tool (name, description, schemas) larger than this refuses the list. */
    maxToolBytes: number;
    /** A tool list larger than this in all is refused rather than cached. */
    maxToolListBytes: number;
    /** Predefined oauth entry id → the remote MCP URL to use instead of the provider's own. */
    entryUrls: Record<string, string>;
  };
  /** The MCP registry (official Registry API) browsed for servers to install (docs/hosted.md#registry). */
  mcpRegistry: {
    /** Its base URL; /v0/servers is read below it. */
    url: string;
  };
  oauth: {
    /** How long an authorization link stays valid (the handshake workflow's wait for the callback). */
    handshakeTimeoutSeconds: number;
    /** Access tokens this close to expiry are refreshed before use (and proactively). */
    refreshMarginSeconds: number;
  };
  /** Expiry of stored protocol state, enforced by the worker's periodic cleanup (worker/cleanup.ts). */
  cleanup: { mcpSessionTtlSeconds: number; intervalSeconds: number };
  /** Audit entries older than this many days are pruned (daily, by the retentionSweep workflow). */
  audit: { retentionDays: number };
  /** Where a new approval request is announced (docs/approvals.md), through the egress policy. */
  approvals: { webhookUrl?: string };
  signin: {
    /**
     * The sign-in page asks for a user id and believes it: for development only. On by default
     * with the embedded database (`npm start`), off otherwise unless SIGNIN_DEV_LOGIN=true.
     */
    devLogin: boolean;
    /** An OpenID Connect provider people sign in with; the claim named here becomes the user id. */
    upstream?: { issuer: string; clientId: string; clientSecret: string; userClaim: string };
    /** Dynamic Client Registrations accepted per minute from one client address. */
    registrationsPerMinute: number;
    /** A registered client that no sign-in has used is deleted after this long. */
    unusedClientTtlSeconds: number;
    /** Bound on fetching a Client ID Metadata Document (connect, headers and body). */
    clientMetadataTimeoutMs: number;
  };
  metrics: {
    /** When set, GET /metrics wants `Authorization: Bearer <token>`; unset, it is open like most scrape targets. */
    token?: string;
    /** Where Temporal's own worker metrics are served; unset: a free port on 127.0.0.1, merged into /metrics. */
    temporalBindAddress?: string;
  };
  /** Undefined: no traces (the default). Spans go to an OTLP/HTTP collector. */
  tracing?: { tracesUrl: string; serviceName: string };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, role: Role = 'all'): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(env)'}: ${issue.message}`),
    );
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (e.DATABASE_URL && !e.ENCRYPTION_KEY) {
    problems.push('ENCRYPTION_KEY: required when DATABASE_URL is set (credentials are encrypted with it)');
  }
  if (role !== 'all' && (!e.DATABASE_URL || !e.TEMPORAL_ADDRESS)) {
    problems.push(
      `${!e.DATABASE_URL ? 'DATABASE_URL' : 'TEMPORAL_ADDRESS'}: required for \`${role}\` processes; ` +
        'the embedded database and dev server only run with `npm start`',
    );
  }
  if (e.SIGNIN_OIDC_ISSUER && (!e.SIGNIN_OIDC_CLIENT_ID || !e.SIGNIN_OIDC_CLIENT_SECRET)) {
    problems.push('SIGNIN_OIDC_CLIENT_ID, SIGNIN_OIDC_CLIENT_SECRET: required with SIGNIN_OIDC_ISSUER');
  }
  if (e.HTTP_HEADERS_TIMEOUT_MS > e.HTTP_REQUEST_TIMEOUT_MS) {
    problems.push('HTTP_HEADERS_TIMEOUT_MS: must not be longer than HTTP_REQUEST_TIMEOUT_MS (the headers are part of the request)');
  }
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    role,
    port: e.PORT,
    host: e.HOST,
    publicUrl: e.PUBLIC_URL?.replace(/\/$/, ''),
    allowedOrigins: e.ALLOWED_ORIGINS,
    dataDir: e.DATA_DIR,
    database: e.DATABASE_URL
      ? { kind: 'postgres', url: e.DATABASE_URL, ...(e.DATABASE_SCHEMA ? { schema: e.DATABASE_SCHEMA } : {}) }
      : { kind: 'embedded', dataDir: e.DATA_DIR },
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      port: e.TEMPORAL_PORT,
      uiPort: e.TEMPORAL_UI_PORT,
      uiUrl: (e.TEMPORAL_UI_URL ?? `http://127.0.0.1:${e.TEMPORAL_UI_PORT}`).replace(/\/$/, ''),
      cliPath: e.TEMPORAL_CLI,
      cliCacheDir: join(e.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'switchboard', 'temporal-cli'),
      bundleCacheDir: join(e.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'switchboard', 'workflow-bundles'),
    },
    logLevel: e.LOG_LEVEL,
    encryptionKey: e.ENCRYPTION_KEY,
    previousEncryptionKeys: e.ENCRYPTION_KEYS_PREVIOUS,
    bootstrapApiKey: e.BOOTSTRAP_API_KEY,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    http: { headersTimeoutMs: e.HTTP_HEADERS_TIMEOUT_MS, requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS, keepAliveTimeoutMs: e.HTTP_KEEP_ALIVE_TIMEOUT_MS },
    egress: { allowPrivate: e.EGRESS_ALLOW_PRIVATE, allowHosts: e.EGRESS_ALLOW_HOSTS },
    upstream: {
      connectTimeoutMs: e.UPSTREAM_CONNECT_TIMEOUT_MS,
      totalTimeoutMs: e.UPSTREAM_TOTAL_TIMEOUT_MS,
      maxResponseBytes: e.UPSTREAM_MAX_RESPONSE_BYTES,
      maxOAuthResponseBytes: e.OAUTH_MAX_RESPONSE_BYTES,
    },
    remoteMcp: {
      timeoutMs: e.REMOTE_MCP_TIMEOUT_MS,
      probeTimeoutMs: e.REMOTE_MCP_PROBE_TIMEOUT_MS,
      maxToolBytes: e.REMOTE_MCP_MAX_TOOL_BYTES,
      maxToolListBytes: e.REMOTE_MCP_MAX_TOOL_LIST_BYTES,
      entryUrls: e.OAUTH_MCP_URLS,
    },
    ...hostingConfigOf(e),
    mcpRegistry: { url: e.MCP_REGISTRY_URL.replace(/\/+$/, '') },
    execution: {
      fastBudgetMs: e.FAST_ATTEMPT_BUDGET_MS,
      accountMaxInFlight: e.ACCOUNT_MAX_IN_FLIGHT,
      serverMaxInFlight: e.SERVER_MAX_IN_FLIGHT,
      admission: {
        serverOpenCalls: e.BUSY_SERVER_OPEN_CALLS,
        accountOpenCalls: e.BUSY_ACCOUNT_OPEN_CALLS,
        busyStartsAtOnce: e.BUSY_ACCOUNT_STARTS_AT_ONCE,
        busyStartQueue: e.BUSY_ACCOUNT_START_QUEUE,
      },
    },
    oauth: { handshakeTimeoutSeconds: e.OAUTH_HANDSHAKE_TIMEOUT, refreshMarginSeconds: e.REFRESH_MARGIN_SECONDS },
    cleanup: { mcpSessionTtlSeconds: e.MCP_SESSION_TTL_SECONDS, intervalSeconds: e.STATE_CLEANUP_INTERVAL_SECONDS },
    audit: { retentionDays: e.AUDIT_RETENTION_DAYS },
    approvals: e.APPROVAL_WEBHOOK_URL ? { webhookUrl: e.APPROVAL_WEBHOOK_URL } : {},
    signin: {
      devLogin: e.SIGNIN_DEV_LOGIN ?? (!e.DATABASE_URL && !e.SIGNIN_OIDC_ISSUER),
      ...(e.SIGNIN_OIDC_ISSUER
        ? { upstream: { issuer: e.SIGNIN_OIDC_ISSUER, clientId: e.SIGNIN_OIDC_CLIENT_ID!, clientSecret: e.SIGNIN_OIDC_CLIENT_SECRET!, userClaim: e.SIGNIN_OIDC_USER_CLAIM } }
        : {}),
      registrationsPerMinute: e.SIGNIN_REGISTRATIONS_PER_MINUTE,
      unusedClientTtlSeconds: e.SIGNIN_UNUSED_CLIENT_TTL_SECONDS,
      clientMetadataTimeoutMs: e.SIGNIN_CLIENT_METADATA_TIMEOUT_MS,
    },
    metrics: {
      ...(e.METRICS_TOKEN ? { token: e.METRICS_TOKEN } : {}),
      ...(e.TEMPORAL_METRICS_BIND ? { temporalBindAddress: e.TEMPORAL_METRICS_BIND } : {}),
    },
    ...tracingOf(e, role),
  };
}

/**
 * Traces are on when an OTLP endpoint is named (and OTEL_TRACES_EXPORTER is not `none`), or when
 * OTEL_TRACES_EXPORTER=otlp asks for the SDK's default collector address.
 */
function tracingOf(e: z.infer<typeof envSchema>, role: Role): Pick<Config, 'tracing'> {
  const exporter = e.OTEL_TRACES_EXPORTER ?? (e.OTEL_EXPORTER_OTLP_ENDPOINT || e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ? 'otlp' : 'none');
  if (exporter === 'none') return {};
  const tracesUrl =
    e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ??
    `${(e.OTEL_EXPORTER_OTLP_ENDPOINT ?? 'http://localhost:4318').replace(/\/$/, '')}/v1/traces`;
  return { tracing: { tracesUrl, serviceName: e.OTEL_SERVICE_NAME ?? (role === 'all' ? 'switchboard' : `switchboard-${role}`) } };
}
