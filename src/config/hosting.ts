import { z } from 'zod';
import { booleanFromEnv } from './values.js';

/**
 * The settings of code Switchboard runs or lists on its users' behalf: hosted stdio MCP servers,
 * WASM plugins and a tools-mode server's listing. A section of src/config.ts: its variables join
 * the one environment schema there, which loadConfig validates once with everything else.
 */
export const hostingEnv = {
  TOOLS_MODE_MAX_TOOLS: z.coerce.number().int().min(2).max(10_000).default(128),
  HOSTED_MCP_MAX_PROCESSES: z.coerce.number().int().min(1).max(1000).default(16),
  HOSTED_MCP_IDLE_TIMEOUT_MS: z.coerce.number().int().min(1000).max(86_400_000).default(300_000),
  HOSTED_MCP_MEMORY_MB: z.coerce.number().int().min(64).max(65_536).default(512),
  HOSTED_MCP_CPU_SECONDS: z.coerce.number().int().min(1).max(86_400).default(600),
  HOSTED_MCP_ALLOW_NETWORK: booleanFromEnv.default(false),
  HOSTED_MCP_BWRAP: z.string().min(1).default('bwrap'),
  HOSTED_MCP_SLIRP4NETNS: z.string().min(1).default('slirp4netns'),
  HOSTED_MCP_MAX_TASKS: z.coerce.number().int().min(16).max(100_000).default(256),
  PLUGIN_MAX_MEMORY_MB: z.coerce.number().int().min(1).max(4096).default(64),
  PLUGIN_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  PLUGIN_MAX_OUTPUT_BYTES: z.coerce.number().int().min(1024).max(100 * 1024 * 1024).default(1024 * 1024),
  PLUGIN_MAX_MODULE_BYTES: z.coerce.number().int().min(1024).max(64 * 1024 * 1024).default(8 * 1024 * 1024),
  PLUGIN_MAX_HTTP_CALLS: z.coerce.number().int().min(0).max(1000).default(20),
};

type HostingEnv = z.infer<z.ZodObject<typeof hostingEnv>>;

export interface HostingConfig {
  toolsMode: {
    /** A tools-mode server lists at most this many tools, search_tools among them, when it offers more (docs/tools-mode.md). */
    maxTools: number;
  };
  /** Hosted stdio MCP servers: run by the worker inside bubblewrap (docs/hosted.md). */
  hostedMcp: {
    /** Processes one worker keeps at most; an idle one is stopped to make room, else the call is retried later. */
    maxProcesses: number;
    /** A process no call has used for this long is stopped. */
    idleTimeoutMs: number;
    /** RLIMIT_DATA of the process (its heap and anonymous memory). */
    memoryMb: number;
    /** RLIMIT_CPU: CPU seconds one process may use in its life; past it the kernel kills it and the next call starts another. */
    cpuSeconds: number;
    /** Whether a connector may ask for the network (a namespace of its own behind user-mode NAT, without the host's loopback). */
    allowNetwork: boolean;
    /** The bubblewrap binary. */
    bwrap: string;
    /** The slirp4netns binary: a connector with the network gets a NAT of its own through it. */
    slirp4netns: string;
    /** RLIMIT_NPROC inside the sandbox: processes and threads one hosted server may have at once. */
    maxTasks: number;
  };
  /** WASM plugins (docs/hosted.md#wasm-plugins): limits of one call. */
  plugins: {
    /** The module's memory cap (WebAssembly pages of 64 KiB, rounded down). */
    maxMemoryMb: number;
    /** A call still running after this is stopped (its worker thread terminated). */
    timeoutMs: number;
    /** A larger output fails the call. */
    maxOutputBytes: number;
    /** A larger module is refused on upload. */
    maxModuleBytes: number;
    /** HTTP requests one call may make through switchboard_http. */
    maxHttpCalls: number;
  };
}

/** This section of the Config, from the validated environment. */
export function hostingConfigOf(e: HostingEnv): HostingConfig {
  return {
    toolsMode: { maxTools: e.TOOLS_MODE_MAX_TOOLS },
    hostedMcp: {
      maxProcesses: e.HOSTED_MCP_MAX_PROCESSES,
      idleTimeoutMs: e.HOSTED_MCP_IDLE_TIMEOUT_MS,
      memoryMb: e.HOSTED_MCP_MEMORY_MB,
      cpuSeconds: e.HOSTED_MCP_CPU_SECONDS,
      allowNetwork: e.HOSTED_MCP_ALLOW_NETWORK,
      bwrap: e.HOSTED_MCP_BWRAP,
      slirp4netns: e.HOSTED_MCP_SLIRP4NETNS,
      maxTasks: e.HOSTED_MCP_MAX_TASKS,
    },
    plugins: {
      maxMemoryMb: e.PLUGIN_MAX_MEMORY_MB,
      timeoutMs: e.PLUGIN_TIMEOUT_MS,
      maxOutputBytes: e.PLUGIN_MAX_OUTPUT_BYTES,
      maxModuleBytes: e.PLUGIN_MAX_MODULE_BYTES,
      maxHttpCalls: e.PLUGIN_MAX_HTTP_CALLS,
    },
  };
}
