import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { Config } from '../../config.js';
import { ForbiddenError, SwitchboardError } from '../../errors.js';
import type { Logger } from '../../observability/logger.js';
import type { HostedCommand } from '../../remoteMcp/stdio.js';
import { Redactor } from '../../secrets/redaction.js';
import { RemoteMcpError } from '../remoteMcp/toolResults.js';
import { sandboxedCommand } from './sandbox.js';

/**
 * The worker's hosted stdio MCP processes: one per (account, connector, definition), started on
 * first use inside the sandbox, shared by concurrent calls, stopped when idle or when the pool is
 * full, and started again by the next call after one dies. A call that outlives its bound kills
 * the process (a server that stopped answering cannot be trusted with the next call either).
 */

const CLIENT_INFO = { name: 'switchboard', version: '0.1.0' };
/** What an error quotes of the process's stderr (its last lines), scrubbed of the connector's secrets. */
const STDERR_TAIL_CHARS = 2000;

type Phase = 'connect' | 'call';

interface HostedProcess {
  key: string;
  mcpConnectorId: string;
  client: Client;
  transport: StdioClientTransport;
  inFlight: number;
  lastUsed: number;
  stderrTail: string;
  exited: boolean;
}

export interface UseOptions {
  timeoutMs: number;
  /** May the call be made again if the process died after it was sent? */
  safeToRepeat: boolean;
  signal?: AbortSignal;
}

function tail(text: string): string {
  return text.length > STDERR_TAIL_CHARS ? text.slice(-STDERR_TAIL_CHARS) : text;
}

export class HostedProcessPool {
  private readonly processes = new Map<string, HostedProcess>();
  private readonly starting = new Map<string, Promise<HostedProcess>>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly config: Config['hostedMcp'],
    private readonly logger?: Logger,
  ) {
    this.sweeper = setInterval(() => this.stopIdle(), Math.min(30_000, Math.max(500, config.idleTimeoutMs / 2)));
    this.sweeper.unref();
  }

  /** Processes running now, for tests and metrics. */
  get size(): number {
    return this.processes.size;
  }

  /** Runs `work` with the connector's process (started if need be), within `timeoutMs`. */
  async use<T>(target: HostedCommand, work: (client: Client, options: { signal: AbortSignal; timeout: number }) => Promise<T>, options: UseOptions): Promise<T> {
    const controller = new AbortController();
    options.signal?.addEventListener('abort', () => controller.abort(), { once: true, signal: controller.signal });
    let phase: Phase = 'connect';
    let timedOut = false;
    let running: HostedProcess | undefined;
    const deadline = new Promise<never>((_resolve, reject) => {
      const timer = setTimeout(() => {
        timedOut = true;
        reject(new Error('deadline'));
        controller.abort();
      }, options.timeoutMs);
      controller.signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
    });
    deadline.catch(() => undefined);
    try {
      running = await Promise.race([this.acquire(target, { signal: controller.signal, timeout: options.timeoutMs }), deadline]);
      running.inFlight += 1;
      phase = 'call';
      return await Promise.race([work(running.client, { signal: controller.signal, timeout: options.timeoutMs }), deadline]);
    } catch (error) {
      // A process that did not answer in time is killed: it may be stuck for every other caller too.
      if (timedOut && running) this.kill(running, 'timed out');
      throw this.describe(error, target, running, { phase, timedOut, ...options });
    } finally {
      controller.abort();
      if (running) {
        running.inFlight -= 1;
        running.lastUsed = Date.now();
      }
    }
  }

  /** Stops every process (worker shutdown; tests). */
  async close(): Promise<void> {
    clearInterval(this.sweeper);
    await Promise.all([...this.processes.values()].map((process) => this.stop(process)));
  }

  private async acquire(target: HostedCommand, options: { signal: AbortSignal; timeout: number }): Promise<HostedProcess> {
    const running = this.processes.get(target.poolKey);
    if (running && !running.exited) return running;
    if (target.network && !this.config.allowNetwork) {
      throw new ForbiddenError(`Connector "${target.name}" asks for the network, which this deployment does not give hosted MCP servers (HOSTED_MCP_ALLOW_NETWORK)`, {
        reason: 'network-not-allowed',
      });
    }
    const pending = this.starting.get(target.poolKey);
    if (pending) return pending;
    // A changed definition (or variable) makes a new key: the old one's processes go.
    for (const other of this.processes.values()) if (other.mcpConnectorId === target.mcpConnectorId && other.inFlight === 0) void this.stop(other);
    this.makeRoom(target);
    const started = this.start(target, options).finally(() => this.starting.delete(target.poolKey));
    this.starting.set(target.poolKey, started);
    return started;
  }

  /** At the cap, the least recently used idle process is stopped; with none idle the call waits for a later attempt. */
  private makeRoom(target: HostedCommand): void {
    if (this.processes.size + this.starting.size < this.config.maxProcesses) return;
    const idle = [...this.processes.values()].filter((process) => process.inFlight === 0).sort((a, b) => a.lastUsed - b.lastUsed)[0];
    if (idle) {
      void this.stop(idle);
      return;
    }
    throw new SwitchboardError(
      'SERVICE_UNAVAILABLE',
      `Every hosted MCP process of this worker is busy (HOSTED_MCP_MAX_PROCESSES=${this.config.maxProcesses}); "${target.name}" is tried again shortly`,
      { reason: 'pool-full', maxProcesses: this.config.maxProcesses },
    );
  }

  private async start(target: HostedCommand, options: { signal: AbortSignal; timeout: number }): Promise<HostedProcess> {
    const sandboxed = sandboxedCommand(this.config, target);
    const transport = new StdioClientTransport({ ...sandboxed, stderr: 'pipe' });
    const client = new Client(CLIENT_INFO, { capabilities: {} });
    const process: HostedProcess = { key: target.poolKey, mcpConnectorId: target.mcpConnectorId, client, transport, inFlight: 0, lastUsed: Date.now(), stderrTail: '', exited: false };
    transport.stderr?.on('data', (chunk: Buffer) => {
      process.stderrTail = tail(process.stderrTail + chunk.toString('utf8'));
    });
    client.onclose = () => {
      process.exited = true;
      if (this.processes.get(process.key) === process) this.processes.delete(process.key);
      this.logger?.debug({ mcpConnectorId: process.mcpConnectorId }, 'hosted MCP process ended');
    };
    try {
      await client.connect(transport, options);
    } catch (error) {
      await transport.close().catch(() => undefined);
      (error as { stderrTail?: string }).stderrTail = process.stderrTail;
      throw error;
    }
    this.processes.set(process.key, process);
    this.logger?.debug({ mcpConnectorId: process.mcpConnectorId, pid: transport.pid }, 'hosted MCP process started');
    return process;
  }

  private stopIdle(): void {
    const now = Date.now();
    for (const process of this.processes.values()) {
      if (process.inFlight === 0 && now - process.lastUsed >= this.config.idleTimeoutMs) void this.stop(process);
    }
  }

  private async stop(process: HostedProcess): Promise<void> {
    if (this.processes.get(process.key) === process) this.processes.delete(process.key);
    await process.client.close().catch(() => undefined);
  }

  private kill(process: HostedProcess, why: string): void {
    if (this.processes.get(process.key) === process) this.processes.delete(process.key);
    const pid = process.transport.pid;
    this.logger?.warn({ mcpConnectorId: process.mcpConnectorId, pid }, `hosted MCP process ${why}; killed`);
    if (pid) {
      try {
        globalThis.process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    void process.client.close().catch(() => undefined);
  }

  /** Our coded error for a failure of the process or of MCP on it; texts are scrubbed of the connector's secrets. */
  private describe(
    error: unknown,
    target: HostedCommand,
    process: HostedProcess | undefined,
    context: { phase: Phase; timedOut: boolean; timeoutMs: number; safeToRepeat: boolean },
  ): SwitchboardError {
    if (error instanceof SwitchboardError) return error;
    const redactor = new Redactor(target.secrets);
    const stderr = redactor.text(process?.stderrTail ?? (error as { stderrTail?: string }).stderrTail ?? '').trim();
    const said = stderr ? `; its last output: ${stderr}` : '';
    const retryable = context.phase === 'connect' || context.safeToRepeat;
    const details = (reason: string, extra: Record<string, unknown> = {}) => ({ connector: target.name, reason, phase: context.phase, ...extra });
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && context.phase === 'connect') {
      return new SwitchboardError('SERVICE_UNAVAILABLE', 'The sandbox for hosted MCP servers is missing on this worker: install bubblewrap and prlimit (apt-get install bubblewrap util-linux)', {
        reason: 'sandbox-missing',
      });
    }
    if (context.timedOut || (error instanceof McpError && error.code === Number(ErrorCode.RequestTimeout))) {
      return new RemoteMcpError(`Hosted MCP server "${target.name}" did not answer within ${context.timeoutMs / 1000} s and was stopped`, retryable, details('timeout'));
    }
    if (error instanceof McpError && error.code === Number(ErrorCode.ConnectionClosed)) {
      return new RemoteMcpError(`Hosted MCP server "${target.name}" exited${context.phase === 'connect' ? ' before it answered' : ' during the call'}${said}`, retryable, details('exited'));
    }
    if (error instanceof McpError) {
      return new RemoteMcpError(`Hosted MCP server "${target.name}" returned MCP error ${error.code}: ${redactor.text(error.message)}`, false, details('rpc', { mcpCode: error.code }));
    }
    const message = error instanceof Error ? error.message : String(error);
    return new RemoteMcpError(`Talking to hosted MCP server "${target.name}" failed: ${redactor.text(message)}${said}`, retryable, details('failed'));
  }
}

/** One pool per worker process and configuration. */
const pools = new WeakMap<object, HostedProcessPool>();
export function hostedProcessPool(config: Config['hostedMcp'], logger?: Logger): HostedProcessPool {
  let pool = pools.get(config);
  if (!pool) {
    pool = new HostedProcessPool(config, logger);
    pools.set(config, pool);
  }
  return pool;
}
