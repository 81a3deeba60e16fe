import type { CallContext } from '@extism/extism';
import type { Dispatcher } from 'undici';
import type { Config } from '../../config.js';
import { ForbiddenError, SwitchboardError } from '../../errors.js';
import type { Redactor } from '../../secrets/redaction.js';
import { checkUrl, EgressRefusedError } from '../egress.js';
import { callUpstream, switchboardErrorIn } from '../http.js';

/**
 * Runs one exported function of a WASM plugin with Extism (@extism/extism, in a worker thread of
 * its own), with one host function as its only way out: switchboard_http, which sends a request to
 * a host the manifest allows, through the egress guard, with the connector's credential added, and
 * hands back the answer redacted of that credential. Memory, time, output and request count are
 * bounded (PLUGIN_*).
 */

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']);
const PAGE_BYTES = 64 * 1024;

export interface PluginRun {
  name: string;
  version: number;
  module: Buffer;
  exportName: string;
  input: string;
  allowedHosts: string[];
  /** The credential's headers, added to every request (the plugin's own headers of the same names are dropped). */
  authHeaders: Record<string, string>;
  redactor: Redactor;
  signal?: AbortSignal;
}

interface PluginRequest {
  method?: unknown;
  url?: unknown;
  headers?: unknown;
  body?: unknown;
}

/** A refusal of the host function ends the call with it, whatever the plugin does with the error it was handed. */
class Refusal {
  constructor(readonly error: SwitchboardError) {}
}

function stringRecord(value: unknown): Record<string, string> {
  if (!value || typeof value !== 'object') return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

export async function runPlugin(config: Pick<Config, 'plugins' | 'egress' | 'upstream'>, agent: Dispatcher, run: PluginRun): Promise<string> {
  const limits = config.plugins;
  const what = `Plugin "${run.name}" version ${run.version}`;
  let calls = 0;
  let refusal: Refusal | undefined;
  const authNames = new Set(Object.keys(run.authHeaders).map((name) => name.toLowerCase()));

  async function send(raw: PluginRequest): Promise<Record<string, unknown>> {
    calls += 1;
    if (calls > limits.maxHttpCalls) {
      refusal ??= new Refusal(new SwitchboardError('UPSTREAM_REJECTED', `${what} made more than ${limits.maxHttpCalls} HTTP requests (PLUGIN_MAX_HTTP_CALLS)`, { reason: 'too-many-requests' }));
      return { status: 0, error: 'too many requests' };
    }
    const method = typeof raw.method === 'string' ? raw.method.toUpperCase() : 'GET';
    if (!METHODS.has(method) || typeof raw.url !== 'string' || !URL.canParse(raw.url)) return { status: 0, error: 'the request needs a method and an absolute http(s) URL' };
    const url = new URL(raw.url);
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !run.allowedHosts.includes(url.host.toLowerCase())) {
      refusal ??= new Refusal(
        new ForbiddenError(`${what} tried to reach ${url.host || raw.url.slice(0, 100)}, which its manifest's allowedHosts do not list; the call was stopped`, {
          reason: 'host-not-allowed',
          host: url.host,
        }),
      );
      return { status: 0, error: `${url.host} is not an allowed host` };
    }
    try {
      checkUrl(config.egress, url);
      const headers = Object.fromEntries(Object.entries(stringRecord(raw.headers)).filter(([name]) => !authNames.has(name.toLowerCase())));
      const body = typeof raw.body === 'string' && raw.body.length > 0 ? raw.body : undefined;
      const response = await callUpstream(
        agent,
        { method: method as 'GET', url, headers: { ...headers, ...run.authHeaders }, ...(body !== undefined ? { body } : {}) },
        config.upstream,
        run.signal,
      );
      // The plugin sees the answer with the credential scrubbed, so it cannot hand it on.
      return { status: response.status, headers: run.redactor.value(response.headers), body: run.redactor.text(response.text), ...(response.cut ? { cut: true } : {}) };
    } catch (thrown) {
      const error = switchboardErrorIn(thrown) ?? thrown;
      if (error instanceof EgressRefusedError) {
        refusal ??= new Refusal(new ForbiddenError(`${what}: ${error.message}`, { reason: 'egress-refused', host: url.host }));
        return { status: 0, error: 'refused by the egress policy' };
      }
      return { status: 0, error: run.redactor.text(error instanceof Error ? error.message : String(error)) };
    }
  }

  const plugin = await loadPlugin(limits, run.module, send);
  const stopped = () => void plugin.close().catch(() => undefined);
  run.signal?.addEventListener('abort', stopped, { once: true });
  try {
    let output: string;
    try {
      const result = await plugin.call(run.exportName, run.input);
      output = result?.text() ?? '';
    } catch (error) {
      if (refusal) throw refusal.error;
      // A trap in the worker arrives as a plain object with a message, not an Error.
      const text = typeof (error as { message?: unknown })?.message === 'string' ? (error as { message: string }).message : String(error);
      const message = run.redactor.text(text).slice(0, 2000);
      if (/timeout/i.test(message)) {
        throw new SwitchboardError('UPSTREAM_REJECTED', `${what} did not finish within ${limits.timeoutMs / 1000} s (PLUGIN_TIMEOUT_MS) and was stopped`, { reason: 'timeout' });
      }
      if (/unreachable|memory|RuntimeError/i.test(message)) {
        throw new SwitchboardError(
          'UPSTREAM_REJECTED',
          `${what} crashed (${message}); its memory is capped at ${limits.maxMemoryMb} MiB (PLUGIN_MAX_MEMORY_MB), where a plugin that allocates without end stops`,
          { reason: 'crashed' },
        );
      }
      // What the plugin itself reports (error_set): it ran its course, so it is not run again.
      throw new SwitchboardError('UPSTREAM_REJECTED', `${what} failed: ${message}`, { reason: 'plugin-error' });
    }
    if (refusal) throw refusal.error;
    if (Buffer.byteLength(output) > limits.maxOutputBytes) {
      throw new SwitchboardError('UPSTREAM_REJECTED', `${what} returned ${Buffer.byteLength(output)} bytes, over ${limits.maxOutputBytes} (PLUGIN_MAX_OUTPUT_BYTES)`, { reason: 'too-large' });
    }
    return output;
  } finally {
    run.signal?.removeEventListener('abort', stopped);
    await plugin.close().catch(() => undefined);
  }
}

/**
 * The module in Extism with a call's limits and its one host function. Loaded at a plugin's first
 * use, not at start: loading it loads node:wasi, which prints an ExperimentalWarning that a process
 * never running a plugin has no reason to show.
 */
async function loadPlugin(limits: Config['plugins'], module: Buffer, send: (request: PluginRequest) => Promise<Record<string, unknown>>) {
  const { default: createPlugin } = await import('@extism/extism');
  return createPlugin(
    { wasm: [{ data: module }] },
    {
      useWasi: true,
      runInWorker: true,
      timeoutMs: limits.timeoutMs,
      memory: { maxPages: Math.max(1, Math.floor((limits.maxMemoryMb * 1024 * 1024) / PAGE_BYTES)), maxVarBytes: 0, maxHttpResponseBytes: 0 },
      allowedHosts: [],
      allowedPaths: {},
      enableWasiOutput: false,
      functions: {
        'extism:host/user': {
          async switchboard_http(context: CallContext, offset: bigint) {
            let request: PluginRequest = {};
            try {
              request = (context.read(offset)?.json() ?? {}) as PluginRequest;
            } catch {
              // answered as a bad request
            }
            return context.store(JSON.stringify(await send(request)));
          },
        },
      },
    },
  );
}

/**
 * A plugin test: the module loads in Extism with a call's limits and host function (in a worker
 * thread, as a call would), and which of `exportNames` it exports. Nothing is called, so nothing
 * is sent anywhere; a call is a run (execute_action).
 */
export async function exportsOfLoadedPlugin(limits: Config['plugins'], module: Buffer, exportNames: string[]): Promise<string[]> {
  const plugin = await loadPlugin(limits, module, async () => ({ status: 0, error: 'a test sends no requests' }));
  try {
    const found = await Promise.all(exportNames.map(async (name) => ((await plugin.functionExists(name)) ? [name] : [])));
    return found.flat();
  } finally {
    await plugin.close().catch(() => undefined);
  }
}
