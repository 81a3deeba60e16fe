import { pino } from 'pino';

/**
 * An error as a log line carries it: pino's serializer (type, message and stack with their causes,
 * own fields), bounded. Libraries hang what they were given on their errors (PGlite the
 * statement's `params`: a row's values, such as a 300 MB tool list), so one failure could write a
 * line of any size; each string keeps its first MAX_CHARS characters, and statement parameters
 * are left out (row values, sealed secrets among them, never belonged in a log).
 */
const MAX_CHARS = 8 * 1024;
const MAX_ITEMS = 50;
const MAX_DEPTH = 6;
const LEFT_OUT = new Set(['params', 'queryOptions']);

function bounded(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return value.length > MAX_CHARS ? `${value.slice(0, MAX_CHARS)}… (${value.length} characters)` : value;
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[too deep]';
  if (Array.isArray(value)) return value.slice(0, MAX_ITEMS).map((item) => bounded(item, depth + 1));
  return Object.fromEntries(
    Object.entries(value)
      .filter(([name]) => !LEFT_OUT.has(name))
      .slice(0, MAX_ITEMS)
      .map(([name, inner]) => [name, bounded(inner, depth + 1)]),
  );
}

export function loggedError(error: unknown): unknown {
  return bounded(pino.stdSerializers.err(error as Error), 0);
}
