import type { Context, Middleware } from 'koa';
import { maskForAudit } from '../audit/redact.js';
import { insertAuditEntry, type AuditEntryInput } from '../db/repositories/audit.js';
import { findNewestActiveCredential } from '../db/repositories/credentials.js';
import type { ApiDependencies } from './context.js';
import type { AuthContext } from '../policy/caller.js';
import { toSwitchboardError } from './errorHandler.js';

export interface AuditEvent {
  action: string;
  target: Record<string, unknown>;
  /** Raw values: masked here, so no caller can forget to. */
  before?: unknown;
  after?: unknown;
  status: number;
}

declare module 'koa' {
  interface DefaultState {
    /** Writes one audit entry as the authenticated caller; set on /api requests. */
    recordAudit?: (event: AuditEvent) => Promise<void>;
  }
}

/**
 * Writes one entry. A failed write is logged, not thrown: the change it describes has already
 * happened, and failing the response would only make the caller retry it.
 */
export async function recordAudit(deps: Pick<ApiDependencies, 'db' | 'logger'>, auth: AuthContext, event: AuditEvent): Promise<void> {
  try {
    // Masking walks caller-supplied bodies: inside the try, so nothing it throws fails the request.
    await insertAuditEntry(deps.db, auditEntryOf(auth, event));
  } catch (error) {
    deps.logger.error({ err: error, action: event.action, accountId: auth.accountId }, 'audit entry not written');
  }
}

/** The entry an event of this caller becomes, its values masked. */
function auditEntryOf(auth: AuthContext, event: AuditEvent): AuditEntryInput {
  return {
    accountId: auth.accountId,
    actor: { userId: auth.userId, role: auth.role, via: auth.via, ...(auth.apiKeyId ? { keyId: auth.apiKeyId } : {}) },
    action: event.action,
    target: maskForAudit(event.target) as Record<string, unknown>,
    ...(event.before === undefined ? {} : { before: maskForAudit(event.before) }),
    ...(event.after === undefined ? {} : { after: maskForAudit(event.after) }),
    ...(auth.clientAddress ? { clientAddress: auth.clientAddress } : {}),
    status: event.status,
  };
}

/** Mounted after apiAuth: lets every management route record as the caller. */
export function auditTrail(deps: Pick<ApiDependencies, 'db' | 'logger'>): Middleware {
  return async (ctx, next) => {
    const auth = ctx.state.auth;
    if (auth) ctx.state.recordAudit = (event) => recordAudit(deps, auth, event);
    await next();
  };
}

export interface AuditDraft {
  before?: unknown;
  after?: unknown;
  /** Filled from the result: the id a creation made, so the entry names its target. */
  result?: unknown;
}

/**
 * Runs a management change and records it, whatever its outcome: refusals (403), bad input (400)
 * and failures are part of the trail too.
 */
export async function audited(ctx: Context, action: string, target: Record<string, string>, work: (draft: AuditDraft) => Promise<void>): Promise<void> {
  const draft: AuditDraft = {};
  let status = 500;
  try {
    await work(draft);
    status = ctx.status;
  } catch (error) {
    status = toSwitchboardError(error).status;
    throw error;
  } finally {
    await ctx.state.recordAudit?.({
      action,
      target: { ...target, ...createdIdOf(draft.result) },
      ...(draft.before === undefined ? {} : { before: draft.before }),
      ...(draft.after === undefined ? {} : { after: draft.after }),
      status,
    });
  }
}

function createdIdOf(result: unknown): Record<string, string> {
  if (result === null || typeof result !== 'object') return {};
  const found = Object.entries(result).filter(
    ([name, value]) => (name === 'id' || name === 'credentialId' || name === 'runId' || name === 'serverId') && typeof value === 'string',
  );
  return Object.fromEntries(found) as Record<string, string>;
}

/**
 * Records a change made outside the management routes (an MCP tool), with its outcome, in the
 * same shape: the entry names the created id when the work returns one (or puts it in the
 * draft's result), and takes `before` and the validated `after` from the draft when the work
 * fills them in.
 */
export async function auditedCall<Result>(
  deps: Pick<ApiDependencies, 'db' | 'logger'>,
  auth: AuthContext,
  event: { action: string; target: Record<string, unknown>; after?: unknown; status: number },
  work: (draft: AuditDraft) => Promise<Result>,
): Promise<Result> {
  const draft: AuditDraft = {};
  let status = 500;
  let result: Result | undefined;
  try {
    result = await work(draft);
    status = event.status;
    return result;
  } catch (error) {
    status = toSwitchboardError(error).status;
    throw error;
  } finally {
    const after = draft.after ?? event.after;
    await recordAudit(deps, auth, {
      action: event.action,
      target: { ...event.target, ...createdIdOf(draft.result ?? result) },
      ...(draft.before === undefined ? {} : { before: draft.before }),
      ...(after === undefined ? {} : { after }),
      status,
    });
  }
}

/**
 * A run is about to use the caller's credential for a connector: one entry per run (the
 * workflow's retries are not new uses), written where the run starts, naming the credential:
 * the one the call pins, or the newest the caller has for the connector. A call with none (a
 * connector that needs no credential, or a caller who has not connected one) uses none: no entry.
 */
export async function recordCredentialUse(
  deps: Pick<ApiDependencies, 'db' | 'logger'>,
  auth: AuthContext,
  use: CredentialUse,
): Promise<void> {
  let credentialId: string | undefined;
  try {
    credentialId = use.credentialId ?? (await findNewestActiveCredential(deps.db, { accountId: auth.accountId, userId: auth.userId, connectorId: use.connectorId }))?.id;
  } catch (error) {
    // As with a failed write (recordAudit): the run is already being started.
    deps.logger.error({ err: error, action: 'credential.use', accountId: auth.accountId }, 'audit entry not written');
    return;
  }
  if (!credentialId) return;
  await recordAudit(deps, auth, credentialUseEvent(auth, { ...use, credentialId }));
}

interface CredentialUse {
  connectorId: string;
  actionIds: string[];
  credentialId?: string;
  runId?: string;
}

/**
 * recordCredentialUse's entry, for a statement that writes it with other work when it finds the
 * credential to name (src/db/repositories/callContext.ts adds the credentialId).
 */
export function credentialUseEntry(auth: AuthContext, use: CredentialUse): AuditEntryInput {
  return auditEntryOf(auth, credentialUseEvent(auth, use));
}

function credentialUseEvent(auth: AuthContext, use: CredentialUse): AuditEvent {
  return {
    action: 'credential.use',
    target: {
      connectorId: use.connectorId,
      ...(use.credentialId ? { credentialId: use.credentialId } : {}),
      ...(auth.serverId ? { serverId: auth.serverId } : {}),
      ...(use.runId ? { runId: use.runId } : {}),
    },
    after: { actionIds: use.actionIds },
    status: 202,
  };
}
