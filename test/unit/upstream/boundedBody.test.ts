import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { fetch as undiciFetch } from 'undici';
import { describe, expect, it } from 'vitest';
import { capResponse, cappedFetch, readUpTo, ResponseTooLargeError, sizeOf } from '../../../src/upstream/boundedBody.js';

const LIMIT = { bytes: 1024, setting: 'TEST_MAX_BYTES' };

/** A body of `chunks` chunks of `size` bytes, recording how many chunks were pulled and whether it was cancelled. */
function countingBody(chunks: number, size: number) {
  const state = { pulled: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (state.pulled === chunks) return controller.close();
      state.pulled++;
      controller.enqueue(new Uint8Array(size).fill(120));
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return { stream, state };
}

describe('capResponse', () => {
  it('passes an answer within the limit through, status, headers and URL kept', async () => {
    const original = new Response('{"ok":true}', { status: 201, headers: { 'content-type': 'application/json', 'x-a': 'b' } });
    Object.defineProperty(original, 'url', { value: 'https://peer.example/x' });
    const capped = capResponse(original, LIMIT, 'peer.example');
    expect(capped.status).toBe(201);
    expect(capped.headers.get('x-a')).toBe('b');
    expect(capped.url).toBe('https://peer.example/x');
    expect(await capped.json()).toEqual({ ok: true });
  });

  it('errors the body as soon as the limit is passed and cancels the source: nothing more is pulled', async () => {
    const { stream, state } = countingBody(1000, 256);
    const overflows: ResponseTooLargeError[] = [];
    const capped = capResponse(new Response(stream), LIMIT, 'peer.example', (error) => overflows.push(error));
    const failure = await capped.text().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ResponseTooLargeError);
    expect(failure).toMatchObject({
      code: 'UPSTREAM_REJECTED',
      message: 'peer.example answered more than 1 KiB (TEST_MAX_BYTES); reading stopped there',
      details: { host: 'peer.example', reason: 'too-large', limitBytes: 1024, setting: 'TEST_MAX_BYTES' },
    });
    expect(overflows).toHaveLength(1);
    expect(state.cancelled).toBe(true);
    // Five chunks pass the limit; the pipe may have pulled a couple ahead, never the thousand.
    expect(state.pulled).toBeLessThan(10);
  });

  it('refuses a declared Content-Length over the limit before reading anything', () => {
    const { stream, state } = countingBody(10, 1024);
    const response = new Response(stream, { headers: { 'content-length': String(10 * 1024) } });
    expect(() => capResponse(response, LIMIT, 'peer.example')).toThrow(ResponseTooLargeError);
    expect(state.pulled).toBeLessThanOrEqual(1);
  });

  it('leaves a body-less answer as it is', () => {
    const response = new Response(null, { status: 204 });
    expect(capResponse(response, LIMIT, 'peer.example')).toBe(response);
  });
});

describe('cappedFetch', () => {
  it('counts decoded bytes: a 10 KB gzip bomb fetched with undici is cut like a 10 MB body', async () => {
    const bomb = gzipSync(Buffer.alloc(10 * 1024 * 1024, 120));
    const server = createServer((_req, res) => res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'application/json' }).end(bomb));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const limit = { bytes: 64 * 1024, setting: 'TEST_MAX_BYTES' };
      expect(bomb.length).toBeLessThan(limit.bytes);
      const capped = cappedFetch((url, init: RequestInit) => undiciFetch(url, init as object) as unknown as Promise<Response>, limit);
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/bomb`;
      const failure = await (await capped(url, {})).arrayBuffer().catch((error: unknown) => error);
      expect(failure).toMatchObject({ code: 'UPSTREAM_REJECTED', details: { host: new URL(url).host, limitBytes: limit.bytes } });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('readUpTo', () => {
  it('keeps the first bytes and says the body was cut, reading no further', async () => {
    let produced = 0;
    const body = Readable.from(
      (function* () {
        for (let i = 0; i < 1000; i++) {
          produced++;
          yield Buffer.alloc(300, 97);
        }
      })(),
    );
    const { bytes, cut } = await readUpTo(body, 1000);
    expect(cut).toBe(true);
    expect(bytes.length).toBe(1000);
    expect(produced).toBeLessThan(10);
    expect(body.destroyed).toBe(true);
  });

  it('reads a body within the limit whole', async () => {
    expect(await readUpTo(Readable.from([Buffer.from('ab'), Buffer.from('cd')]), 4)).toEqual({ bytes: Buffer.from('abcd'), cut: false });
  });
});

describe('sizeOf', () => {
  it('names sizes as the messages do', () => {
    expect([sizeOf(5 * 1024 * 1024), sizeOf(64 * 1024), sizeOf(1536 * 1024), sizeOf(100)]).toEqual(['5 MiB', '64 KiB', '1.5 MiB', '100 bytes']);
  });
});
