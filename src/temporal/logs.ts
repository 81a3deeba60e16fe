import type { LogLevel, LogMetadata } from '@temporalio/worker';

type PinoLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

export interface ForwardedLine {
  level: PinoLevel;
  message: string;
  fields: Record<string, unknown>;
}

/** An error as a log field: what it says and its code, never `{}` (what JSON makes of an Error). */
export interface LoggedError {
  name?: string;
  message: string;
  code?: string;
  cause?: string;
}

/**
 * What a thrown value is in a log line. Temporal failures carry their code as `type`
 * (ApplicationFailure, our codes from src/errors.ts); Node's errors as `code`. Details are left
 * out: a failure's details can hold an upstream's answer.
 */
export function loggedError(error: unknown): LoggedError {
  if (typeof error !== 'object' || error === null) return { message: String(error) };
  const { name, message, type, code, cause } = error as { name?: unknown; message?: unknown; type?: unknown; code?: unknown; cause?: unknown };
  const codeOf = typeof type === 'string' ? type : typeof code === 'string' ? code : undefined;
  const causeMessage = typeof cause === 'object' && cause !== null ? (cause as { message?: unknown }).message : undefined;
  return {
    ...(typeof name === 'string' && name !== 'Error' ? { name } : {}),
    message: typeof message === 'string' ? message : JSON.stringify(error),
    ...(codeOf ? { code: codeOf } : {}),
    ...(typeof causeMessage === 'string' && causeMessage !== message ? { cause: causeMessage } : {}),
  };
}

/**
 * Lines that are expected and say nothing an operator must act on, at the level they deserve.
 * Each is matched narrowly, so the same words in another situation still warn.
 */
const expected: Array<{ test: (line: ForwardedLine) => boolean; level: PinoLevel }> = [
  {
    // A connector attempt is a local activity: a slow upstream keeps the workflow task open
    // (src/workflows/connectorCall.ts), and core says so once the task passes 5 s.
    test: (line) => line.fields.sdkComponent === 'core' && line.message.includes('[TMPRL1104]'),
    level: 'debug',
  },
  {
    // Every stop: the worker's last poll is cancelled while core tells the server it is leaving.
    test: (line) => line.fields.sdkComponent === 'core' && /shutdown_worker rpc errored/.test(line.message) && /Cancelled/i.test(line.message),
    level: 'debug',
  },
  {
    // A worker made for activities only (a lane of its own) registers no workflows by design.
    test: (line) => line.fields.sdkComponent === 'worker' && line.message === 'No workflows registered, not polling for workflow tasks',
    level: 'debug',
  },
  {
    // Said again, with the failure's code, by src/workflows/interceptors.ts (sdkComponent workflow).
    test: (line) => line.message === 'Workflow failed' && line.fields.sdkComponent === 'worker',
    level: 'debug',
  },
  {
    // Webpack's multi-line bundle report.
    test: (line) => line.level === 'info' && line.message.includes('\n'),
    level: 'debug',
  },
];

/**
 * One line from the Temporal SDK (its worker, workflow and activity loggers) or from its core
 * (forwarded by the Runtime), for pino: the level mapped, errors turned into `{message, code}`,
 * core's span contexts dropped (internal bookkeeping), expected lines downgraded.
 */
export function forwardedLine(level: LogLevel, message: string, meta: LogMetadata = {}): ForwardedLine {
  const { spanContexts: _spanContexts, error, err, ...rest } = meta as Record<string, unknown>;
  const fields: Record<string, unknown> = { ...rest };
  const thrown = error ?? err;
  if (thrown !== undefined) fields.error = loggedError(thrown);
  const line: ForwardedLine = { level: level === 'TRACE' ? 'trace' : (level.toLowerCase() as PinoLevel), message, fields };
  const quieter = expected.find((rule) => rule.test(line));
  return quieter ? { ...line, level: quieter.level } : line;
}
