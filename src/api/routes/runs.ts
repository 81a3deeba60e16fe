import { z } from 'zod';
import { cancelRun, getRun, listRuns, startRun } from '../../starters/runs.js';
import { InvalidRequestError } from '../../errors.js';
import { listRunsQuery, runDetails, runStatuses, runSummary, startRunInput } from '../../runs/schemas.js';
import { auditEntryExists } from '../../db/repositories/audit.js';
import { reachesRemoteMcp } from '../../remoteMcp/reachability.js';
import { recordCredentialUse } from '../audit.js';
import type { ApiDependencies } from '../context.js';
import { ApiRouter } from '../routing.js';

const tag = 'Runs';
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** /api/runs: backends start actions and plans without waiting, then read, list and cancel them. */
export function runRoutes(deps: Pick<ApiDependencies, 'config' | 'db' | 'temporal' | 'logger' | 'remoteMcp'>): ApiRouter {
  const reachesRemote = reachesRemoteMcp(deps);
  return new ApiRouter()
    .add(
      {
        method: 'post',
        path: '/api/runs', access: 'user',
        summary: 'Start an action or a plan; returns at once. An Idempotency-Key header makes retries return the same run.',
        tag,
        body: startRunInput,
        response: z.object({ runId: z.string(), workflowId: z.string(), status: z.enum(runStatuses) }),
        status: 202,
      },
      async ({ ctx, auth, body }) => {
        const key = ctx.get('idempotency-key') || undefined;
        if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
          throw new InvalidRequestError('Idempotency-Key must be 1–255 visible ASCII characters', { header: 'Idempotency-Key' });
        }
        const run = await startRun({ ...deps, reachesRemote }, auth, body, key);
        // A retry with the same Idempotency-Key finds the same run: still one use.
        if (key === undefined || !(await auditEntryExists(deps.db, auth.accountId, 'credential.use', 'runId', run.runId))) await recordCredentialUse(deps, auth, {
          connectorId: body.kind === 'action' ? body.connectorId : body.plan.connectorId,
          actionIds: body.kind === 'action' ? [body.actionId] : body.plan.steps.map((step) => step.actionId),
          runId: run.runId,
          ...(body.kind === 'action' && body.credentialId ? { credentialId: body.credentialId } : {}),
        });
        return run;
      },
    )
    .add(
      { method: 'get', path: '/api/runs', access: 'user', summary: 'List runs (newest first), filtered by connector, action, server, user, kind, status and start time', tag, query: listRunsQuery, response: z.object({ runs: z.array(runSummary), nextPageToken: z.string().optional() }) },
      async ({ auth, query }) => listRuns(deps, auth, query),
    )
    .add({ method: 'get', path: '/api/runs/:id', access: 'user', summary: "A run's status, input, steps and result or error", tag, response: runDetails }, async ({ auth, params }) =>
      getRun(deps, auth, params.id!),
    )
    .add({ method: 'post', path: '/api/runs/:id/cancel', access: 'user', summary: 'Cancel a running run', tag, status: 202 }, async ({ auth, params }) =>
      cancelRun(deps, auth, params.id!),
    );
}
