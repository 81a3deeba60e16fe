import { createServer as createHttpServer } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { spawnSwitchboard, type SpawnedSwitchboard } from './process.js';

/** A port free right now: bound, then let go. */
async function freePort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** The ports one `npm start` install keeps across restarts (PORT, TEMPORAL_PORT, TEMPORAL_UI_PORT). */
export async function portsForInstall(): Promise<Record<string, string>> {
  const [api, temporal, ui] = [await freePort(), await freePort(), await freePort()];
  return { PORT: String(api), TEMPORAL_PORT: String(temporal), TEMPORAL_UI_PORT: String(ui) };
}

/**
 * `npm start` as a user runs it in a terminal, npm and all, leading its own process group: the
 * app with everything embedded (PGlite and the Temporal dev server under DATA_DIR). Only the
 * ports are set (portsForInstall), so runs beside other tests don't collide.
 */
export async function npmStart(dataDir: string, ports: Record<string, string>, env: Record<string, string> = {}): Promise<SpawnedSwitchboard> {
  return spawnSwitchboard('all', { DATA_DIR: dataDir, LOG_LEVEL: 'info', ...ports, ...env }, { processGroup: true, readyTimeoutMs: 150_000, viaNpm: true });
}

/** What the ready banner told the user, read as they would read it. */
export function printed(output: string) {
  const line = (label: string) => new RegExp(`^\\s*${label}:\\s+(.+)$`, 'm').exec(output)?.[1]?.trim();
  return {
    mcpUrl: line('MCP URL')?.split(/\s+/)[0],
    claudeCode: line('Claude Code'),
    cursor: line('Cursor'),
    inspector: line('MCP Inspector'),
    apiKey: /API key \(shown only this once[^)]*\): (\S+)/.exec(output)?.[1],
  };
}

/**
 * The log lines of a run of the app: everything it wrote but the ready banner, which is printed
 * for people (the block from "Switchboard (…) ready" to the last line of the banner), and npm's
 * own "> switchboard@… start" lines before it.
 */
export function logLines(output: string): string[] {
  const lines = output.split('\n').filter((text) => text.trim() !== '' && !/^> /.test(text));
  const banner = new Set<number>();
  lines.forEach((text, index) => {
    if (/^Switchboard \(\w+\) ready in/.test(text)) {
      for (let i = index; i < lines.length && !lines[i]!.startsWith('{'); i++) banner.add(i);
    }
  });
  return lines.filter((_, index) => !banner.has(index));
}

/** An API that answers GET /widgets/:id after `delayMs`, counting requests. */
export async function startSlowInventory() {
  const state = { delayMs: 0, requests: 0 };
  const server = createHttpServer((_request, response) => {
    state.requests += 1;
    setTimeout(() => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ id: 'w1', name: 'Widget', stock: 3 }));
    }, state.delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    state,
    /** An OpenAPI document for it, to import as a connector (no auth). */
    document: {
      openapi: '3.0.3',
      info: { title: 'Inventory', version: '1' },
      paths: {
        '/widgets/{id}': {
          get: {
            operationId: 'getWidget',
            summary: 'Get a widget',
            parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
            responses: { '200': { description: 'One widget' } },
          },
        },
      },
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
