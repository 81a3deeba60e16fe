import { Writable } from 'node:stream';

export interface CapturedLogs {
  stream: Writable;
  lines: string[];
  text(): string;
}

/** Keeps every log line the app writes, so tests can assert what reached the logs (and what didn't). */
export function captureLogs(): CapturedLogs {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return { stream, lines, text: () => lines.join('\n') };
}
