import { proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { ActionResult, ExecuteActionInput } from './contracts/action.js';
import type { CallResultRules } from './contracts/approval.js';
import { failureOf } from './contracts/failures.js';

const { applyCallResultRules } = proxyLocalActivities<Activities>({ startToCloseTimeout: '30 seconds', retry: { maximumAttempts: 3 } });

/** The result as its caller may see it under the call policies' result rules: redacted, or refused with RESULT_BLOCKED. */
export async function withResultRules(input: ExecuteActionInput, result: ActionResult, rules: CallResultRules): Promise<ActionResult> {
  const applied = await applyCallResultRules({ data: result.data, rules });
  if ('blockedBy' in applied) {
    throw failureOf('RESULT_BLOCKED', `Policy "${applied.blockedBy}" blocked the result of ${input.connectorId} ${input.actionId}; the call was made`, {
      connectorId: input.connectorId,
      actionId: input.actionId,
      policy: applied.blockedBy,
      status: result.status,
    });
  }
  // The unshaped body would show what was redacted.
  const { raw: _raw, ...shown } = result;
  return { ...shown, data: applied.data };
}
