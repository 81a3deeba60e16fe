/**
 * Where one execute_action's time goes, from the spans Switchboard exports when tracing is on: a
 * tiny OTLP/HTTP (JSON) receiver collects them, and each call's tree is cut into phases.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

interface Span {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  start: number;
  end: number;
  statement?: string;
}

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  startTimeUnixNano: string | number;
  endTimeUnixNano: string | number;
  attributes?: Array<{ key: string; value: { stringValue?: string } }>;
}

export interface SpanReceiver {
  url: string;
  spans: Span[];
  close(): Promise<void>;
}

export async function startSpanReceiver(): Promise<SpanReceiver> {
  const spans: Span[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        resourceSpans?: Array<{ scopeSpans?: Array<{ spans?: OtlpSpan[] }> }>;
      };
      for (const resource of body.resourceSpans ?? []) {
        for (const scope of resource.scopeSpans ?? []) {
          for (const span of scope.spans ?? []) {
            spans.push({
              traceId: span.traceId,
              spanId: span.spanId,
              ...(span.parentSpanId ? { parentSpanId: span.parentSpanId } : {}),
              name: span.name,
              start: Number(span.startTimeUnixNano) / 1e6,
              end: Number(span.endTimeUnixNano) / 1e6,
              ...statementOf(span),
            });
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function statementOf(span: OtlpSpan): { statement?: string } {
  const value = span.attributes?.find((attribute) => attribute.key === 'db.statement')?.value.stringValue;
  return value ? { statement: value } : {};
}

/** The statements of one complete call, in order, marked by where they ran (API or activity). */
export function statementsOfOneCall(spans: Span[]): string[] {
  const request = spans.find((span) => span.name.startsWith('POST /mcp') && !span.parentSpanId && spans.some((other) => other.traceId === span.traceId && other.name === 'RunActivity:attemptConnectorAction'));
  if (!request) return [];
  const trace = spans.filter((span) => span.traceId === request.traceId);
  const activity = trace.find((span) => span.name === 'RunActivity:attemptConnectorAction');
  return trace
    .filter((span) => span.name.startsWith('db ') && (span.parentSpanId === request.spanId || span.parentSpanId === activity?.spanId))
    .sort((a, b) => a.start - b.start)
    .map((span) => `${span.parentSpanId === request.spanId ? 'API     ' : 'activity'} ${(span.end - span.start).toFixed(2).padStart(6)} ms  ${(span.statement ?? span.name).replace(/\s+/g, ' ').slice(0, 110)}`);
}

/** The median number of database statements per complete call (API and activity together). */
export function statementsPerCall(spans: Span[]): number {
  const counts: number[] = [];
  for (const request of spans.filter((span) => span.name.startsWith('POST /mcp') && !span.parentSpanId)) {
    const trace = spans.filter((span) => span.traceId === request.traceId);
    const activity = trace.find((span) => span.name === 'RunActivity:attemptConnectorAction');
    if (!activity) continue;
    counts.push(trace.filter((span) => span.name.startsWith('db ') && (span.parentSpanId === request.spanId || span.parentSpanId === activity.spanId)).length);
  }
  counts.sort((a, b) => a - b);
  return counts[Math.floor(counts.length / 2)] ?? NaN;
}

export const PHASES = [
  ['front door', 'request in → workflow start sent: auth, session, rate limit, validation (its statements below)'],
  ['  of which database', 'statements the API ran before the start, summed'],
  ['workflow start', 'the StartWorkflow RPC (eager start hands the first task back)'],
  ['to the activity', 'start returned → the local activity begins (workflow task, scheduling)'],
  ['activity before upstream', 'activity begins → upstream request: connector, credential, throttle slot (its statements below)'],
  ['  of which database', 'statements the activity ran before the upstream call, summed'],
  ['upstream', 'the HTTP call to the fake API'],
  ['activity after upstream', 'upstream answered → activity ends: shaping, result'],
  ['result', 'activity ended → response written: workflow completes, the result long-poll returns, MCP answer'],
  ['total', 'request in → response written'],
] as const;

/** Per-phase durations (ms) for every complete execute_action trace, in PHASES order. */
export function phasesOf(spans: Span[]): number[][] {
  const byTrace = new Map<string, Span[]>();
  for (const span of spans) byTrace.set(span.traceId, [...(byTrace.get(span.traceId) ?? []), span]);
  const rows: number[][] = [];
  for (const trace of byTrace.values()) {
    const request = trace.find((span) => span.name.startsWith('POST /mcp') && !span.parentSpanId);
    const start = trace.find((span) => span.name === 'StartWorkflow:executeAction');
    const activity = trace.find((span) => span.name === 'RunActivity:attemptConnectorAction');
    const upstream = activity && trace.find((span) => span.parentSpanId === activity.spanId && span.name === 'POST');
    if (!request || !start || !activity || !upstream) continue;
    const dbUnder = (parent: Span, before: number) =>
      trace
        .filter((span) => span.parentSpanId === parent.spanId && span.name.startsWith('db ') && span.end <= before)
        .reduce((sum, span) => sum + (span.end - span.start), 0);
    rows.push([
      start.start - request.start,
      dbUnder(request, start.start),
      start.end - start.start,
      activity.start - start.end,
      upstream.start - activity.start,
      dbUnder(activity, upstream.start),
      upstream.end - upstream.start,
      activity.end - upstream.end,
      request.end - activity.end,
      request.end - request.start,
    ]);
  }
  return rows;
}
