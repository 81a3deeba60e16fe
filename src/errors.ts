/**
 * Errors with a stable code, shared by the API (HTTP status + error body), MCP tool results
 * (isError with the same body) and activities (ApplicationFailure type = code).
 */
export const errorCodes = [
  'INVALID_REQUEST',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'RATE_LIMITED',
  'ACCOUNT_BUSY',
  'CREDENTIAL_NOT_FOUND',
  'CONNECTOR_NOT_FOUND',
  'ACTION_NOT_FOUND',
  'UPSTREAM_ERROR',
  'UPSTREAM_REJECTED',
  'SERVICE_UNAVAILABLE',
  'PAYLOAD_TOO_LARGE',
  'NOT_ACCEPTABLE',
  'CONFLICT',
  'INTERNAL_ERROR',
  'POLICY_DENIED',
  'APPROVAL_DENIED',
  'APPROVAL_EXPIRED',
  'RESULT_BLOCKED',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

const httpStatusOf: Record<ErrorCode, number> = {
  INVALID_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  RATE_LIMITED: 429,
  ACCOUNT_BUSY: 429,
  CREDENTIAL_NOT_FOUND: 400,
  CONNECTOR_NOT_FOUND: 404,
  ACTION_NOT_FOUND: 404,
  UPSTREAM_ERROR: 502,
  UPSTREAM_REJECTED: 502,
  SERVICE_UNAVAILABLE: 503,
  PAYLOAD_TOO_LARGE: 413,
  NOT_ACCEPTABLE: 406,
  CONFLICT: 409,
  INTERNAL_ERROR: 500,
  POLICY_DENIED: 403,
  APPROVAL_DENIED: 403,
  APPROVAL_EXPIRED: 403,
  RESULT_BLOCKED: 403,
};

/**
 * Codes a retry cannot fix: activities raise these as non-retryable ApplicationFailures
 * (workflows/contracts/failures.ts) and workflows list them as their activities' nonRetryableErrorTypes.
 */
export const nonRetryableCodes: readonly ErrorCode[] = [
  'INVALID_REQUEST',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CREDENTIAL_NOT_FOUND',
  'CONNECTOR_NOT_FOUND',
  'ACTION_NOT_FOUND',
  'CONFLICT',
  'UPSTREAM_REJECTED',
  'POLICY_DENIED',
  'APPROVAL_DENIED',
  'APPROVAL_EXPIRED',
  'RESULT_BLOCKED',
];

export type ErrorDetails = Record<string, unknown>;

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details: ErrorDetails };
}

export class SwitchboardError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetails = {},
  ) {
    super(message);
    this.name = new.target.name;
  }

  get status(): number {
    return httpStatusOf[this.code];
  }

  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, details: this.details } };
  }
}

export class InvalidRequestError extends SwitchboardError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('INVALID_REQUEST', message, details);
  }
}
export class UnauthorizedError extends SwitchboardError {
  constructor(message = 'Missing or invalid authentication', details: ErrorDetails = {}) {
    super('UNAUTHORIZED', message, details);
  }
}
export class ForbiddenError extends SwitchboardError {
  constructor(message = 'Not allowed', details: ErrorDetails = {}) {
    super('FORBIDDEN', message, details);
  }
}
export class NotFoundError extends SwitchboardError {
  constructor(message = 'Not found', details: ErrorDetails = {}) {
    super('NOT_FOUND', message, details);
  }
}
export class RateLimitedError extends SwitchboardError {
  constructor(
    readonly retryAfterSeconds: number,
    message = 'Rate limit exceeded. Please try again later.',
  ) {
    super('RATE_LIMITED', message, { retryAfterSeconds });
  }
}
/** The account has more runs waiting to start than the front door queues (BUSY_ACCOUNT_START_QUEUE); nothing was started. */
export class AccountBusyError extends SwitchboardError {
  constructor(
    readonly retryAfterSeconds: number,
    waiting: number,
  ) {
    super('ACCOUNT_BUSY', `This account already has ${waiting} calls waiting to start; try again in ${retryAfterSeconds} s`, { retryAfterSeconds, waiting });
  }
}
export class CredentialNotFoundError extends SwitchboardError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('CREDENTIAL_NOT_FOUND', message, details);
  }
}
export class ConnectorNotFoundError extends SwitchboardError {
  constructor(connectorId: string) {
    super('CONNECTOR_NOT_FOUND', `Connector "${connectorId}" does not exist`, { connectorId });
  }
}
export class ActionNotFoundError extends SwitchboardError {
  constructor(connectorId: string, actionId: string) {
    super('ACTION_NOT_FOUND', `Connector "${connectorId}" has no action "${actionId}"`, { connectorId, actionId });
  }
}
export class ConflictError extends SwitchboardError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('CONFLICT', message, details);
  }
}
export class ServiceUnavailableError extends SwitchboardError {
  constructor(message = 'A dependency is unavailable; try again shortly', details: ErrorDetails = {}) {
    super('SERVICE_UNAVAILABLE', message, details);
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (errorCodes as readonly string[]).includes(value);
}

/** gRPC UNAVAILABLE (14) or DEADLINE_EXCEEDED (4) from Temporal, however deep the client wrapped it. */
export function isTemporalUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (code === 14 || code === 4) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
