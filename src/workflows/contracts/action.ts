import { defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ApprovalRequirement, CallResultRules } from './approval.js';

/**
 * A connector call's run (the executeAction workflow): its input, what it answers, and how a
 * caller hears of its result and tells it that the credential it waits for is settled.
 */

/** Input of the executeAction workflow: ids and parameters only, never a secret. */
export interface ExecuteActionInput {
  accountId: string;
  userId: string;
  serverId: string;
  connectorId: string;
  actionId: string;
  parameters: Record<string, unknown>;
  credentialId?: string;
  /** Also return the unshaped body (arrays capped, size-bounded): plan steps resolve references from it. */
  includeRaw?: boolean;
  /** Wait (durably, up to timeoutSeconds) for the user to authorize credentialId before the call. */
  awaitCredential?: { credentialId: string; attemptId: string; timeoutSeconds: number };
  /** A call policy requires a person's approval of these exact arguments before the call (docs/approvals.md). */
  approval?: ApprovalRequirement;
  /** Call policies' rules for the result: redacted paths, and matches that block it. */
  resultRules?: CallResultRules;
  /** What the front door read for this call, so the first attempt re-reads only what may have changed. */
  prepared?: PreparedCall;
  /**
   * What the caller declared it answers, of what a remote MCP server may ask during the call
   * (sampling, elicitation, roots): the attempt declares these, and only these, to the server and
   * relays its requests through the run's requests (docs/tools-mode.md).
   */
  callerCapabilities?: CallerCapabilities;
  /** Answers the caller's first call carried (2026-07-28 inputResponses): given to a 2026-07-28 server's first round. */
  callerInputResponses?: Record<string, unknown>;
  /**
   * The MCP revision the caller of a remote MCP tool speaks: a remote server that speaks 2026-07-28
   * is reached on it only for a 2026-07-28 caller, so a 2025-era caller sees the server behave as it
   * would for that caller directly (in-stream requests, logging).
   */
  callerRevision?: string;
}

export interface CallerCapabilities {
  sampling?: Record<string, never>;
  elicitation?: { form?: Record<string, never>; url?: Record<string, never> };
  roots?: Record<string, never>;
}

/** Versions and ids the front door saw (never a secret); the attempt checks them in its opening statement. */
interface PreparedCall {
  /** The version of the account's settings row for the connector (0: no row, the defaults). */
  settingsVersion: number;
  /** The user's newest usable credential, when the call pinned none: used while it stays usable. */
  credentialId?: string;
}

export interface ActionResult {
  /** The upstream's HTTP status. */
  status: number;
  credentialId?: string;
  /** The shaped response body (see shaping.ts). */
  data: unknown;
  /** Present when the result was shaped or cut, saying how. */
  notes?: string[];
  /** With includeRaw: the parsed body before shaping. */
  raw?: unknown;
  /**
   * A remote MCP tool's whole CallToolResult (every content item, structuredContent, _meta),
   * scrubbed of secrets, when it fits MAX_TOOL_RESULT_BYTES: what a tools-mode server relays.
   */
  toolResult?: Record<string, unknown>;
  /** A WASM plugin's call: the version (and module hash) that ran. */
  plugin?: { version: number; sha256: string };
}

/** A remote MCP tool's whole result kept in its run's result (ActionResult.toolResult) at most. */
export const MAX_TOOL_RESULT_BYTES = 512 * 1024;

/**
 * Answered with the run's result once it is ready (or failed as the run fails): a caller that
 * starts the run with it (update-with-start) has start and result in one request.
 */
export const actionResultUpdate = defineUpdate<ActionResult>('actionResult');

export type CredentialWait = NonNullable<ExecuteActionInput['awaitCredential']>;

/** Sent when the authorization a run waits for ends: the credential is active, or the user did not authorize. */
export interface CredentialSettled {
  status: 'active' | 'failed';
  reason?: string;
}

export const credentialSettledSignal = defineSignal<[CredentialSettled]>('credentialSettled');
