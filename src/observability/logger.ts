import { pino, type Logger, type LoggerOptions } from 'pino';
import { loggedError } from '../observability/loggedError.js';
import { scrubLogLine } from '../secrets/redaction.js';

export type { Logger };

/**
 * Paths pino censors before a line is written. Redaction is on from day one so that no later
 * feature can leak a secret by logging a request, a credential row or an upstream error.
 */
const redactedPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-user-token"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers["x-user-token"]',
  '*.authorization',
  '*.accessToken',
  '*.refreshToken',
  '*.access_token',
  '*.refresh_token',
  '*.id_token',
  '*.clientSecret',
  '*.client_secret',
  '*.apiKey',
  '*.password',
  '*.secret',
  '*.secrets',
  '*.fields',
  '*.token',
  '*.code_verifier',
  '*.codeVerifier',
  '*.encryptionKey',
  'accessToken',
  'refreshToken',
  'clientSecret',
  'apiKey',
  'password',
  'secret',
  'secrets',
  'fields',
  'token',
];

export function createLogger(level: LoggerOptions['level'], destination?: pino.DestinationStream): Logger {
  const options: LoggerOptions = {
    level,
    base: { service: 'switchboard' },
    redact: { paths: redactedPaths, censor: '[redacted]' },
    // Bounded: a library's error may carry what it was given (a 300 MB statement parameter).
    serializers: { err: loggedError },
    // By value too: a line written during a call loses the secrets that call used, whatever the field.
    hooks: { streamWrite: scrubLogLine },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(options, destination) : pino(options);
}
