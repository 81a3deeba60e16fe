import { Context } from '@temporalio/activity';
import { validateCallParameters } from '../../connectors/parameters.js';
import { findAction, resolveEnabledConnector } from '../../connectors/registry.js';
import type { Connector } from '../../connectors/types.js';
import type { Db } from '../../db/connect.js';
import { appendRunNote } from '../../db/repositories/runNotes.js';
import type { RunNote } from '../../db/tables/runNotes.js';
import type { CallerRequestRelay } from '../../upstream/remoteMcp/callerRequests.js';
import { SwitchboardError } from '../../errors.js';
import { isPluginConnectorId } from '../../plugins/connector.js';
import { isRemoteMcpConnectorId } from '../../remoteMcp/connector.js';
import { withRedaction } from '../../secrets/redaction.js';
import { attemptPluginAction } from '../../upstream/plugins/attempt.js';
import { createThrottleClient } from '../../upstream/throttle.js';
import type { AttemptInput, AttemptOutcome } from '../../workflows/contracts/attempt.js';
import type { ActivityDependencies } from '../dependencies.js';
import type { AttemptControl } from '../lanes.js';
import { outcomeOfError, throttled } from './classify.js';
import { createRestTransport } from './rest.js';
import { attemptRemoteMcpTool } from './remoteMcp.js';

/**
 * How a remote MCP server asks the run's caller (sampling, elicitation, roots): through the run's
 * requests, when the caller declared any (upstream/remoteMcp/callerRequests.ts). None outside a workflow's activity.
 */
function callerRelay(input: AttemptInput): CallerRequestRelay | undefined {
  const workflowId = Context.current().info.workflowExecution?.workflowId;
  const { callerCapabilities, callerInputResponses, accountId, userId } = input.action;
  if (!workflowId || !callerCapabilities) return undefined;
  return { capabilities: callerCapabilities, workflowId, owner: { accountId, userId }, ...(callerInputResponses ? { initialResponses: callerInputResponses } : {}) };
}

/**
 * Where a remote MCP server's progress and log notifications go: the run's notes, which the API
 * process answering the call reads (src/api/mcp/tasks.ts). None outside a workflow's activity.
 */
function runNoteRelay(db: Db): ((note: RunNote) => Promise<void>) | undefined {
  const workflowId = Context.current().info.workflowExecution?.workflowId;
  return workflowId ? (note) => appendRunNote(db, workflowId, note) : undefined;
}

/**
 * The one attempt pipeline: resolve → authorize → permit → send on the connector's transport
 * (REST, rest.ts; remote MCP or hosted stdio, remoteMcp.ts; a WASM plugin,
 * src/upstream/plugins/attempt.ts) → classify (classify.ts). Remote MCP tools and plugins share
 * the REST call's workflow and activity, and so its retries and throttling.
 */
export function createAttemptPipeline(deps: ActivityDependencies) {
  const attemptRest = createRestTransport(deps);
  const throttle = createThrottleClient(deps.db);

  /** Resolve, for a tool or plugin action: the connector and action the run names, with its parameters checked where they are sent. */
  async function resolveTool(input: AttemptInput) {
    const call = input.action;
    const connector = await resolveEnabledConnector(deps.db, call.accountId, call.connectorId);
    const action = findAction(connector, call.actionId);
    return { connector, action, toolArguments: validateCallParameters(connector, action, call.parameters) };
  }

  /** Permit, for a remote MCP tool or a plugin: its throttle slot per (account, connector), or an outcome when it is not due yet. */
  const toolPermit = (input: AttemptInput, control: AttemptControl) => async (connector: Connector) => {
    control.prepared();
    if (!connector.rateLimit) return undefined;
    const permit = await throttle.permit({ accountId: input.action.accountId, connectorId: connector.id }, connector.rateLimit, input.slot);
    return permit.go ? undefined : throttled(connector, permit);
  };

  /**
   * One attempt of a connector call, with no retries of its own: it reserves a throttle slot and,
   * when the slot is due (within the final approach), sends once and classifies the answer. It
   * never waits longer: later slots, backoff and Retry-After are the workflow's durable timers.
   * The credential is opened here and never leaves, so no secret reaches history: every secret it
   * uses is scrubbed from its outcome, its error and its log lines (secrets/redaction.ts), also
   * when the outcome is collected after a hand-off.
   */
  return (input: AttemptInput, control: AttemptControl): Promise<AttemptOutcome> =>
    withRedaction(async () => {
      const remoteMcp = isRemoteMcpConnectorId(input.action.connectorId);
      try {
        if (remoteMcp) {
          const relay = runNoteRelay(deps.db);
          return await attemptRemoteMcpTool(deps, input, await resolveTool(input), toolPermit(input, control), control.signal, relay, callerRelay(input));
        }
        if (isPluginConnectorId(input.action.connectorId)) {
          return await attemptPluginAction(deps, input, await resolveTool(input), toolPermit(input, control), control.signal);
        }
        return await attemptRest(input, control);
      } catch (error) {
        // Every transport's coded error is classified here, once; an MCP one names its connector.
        if (error instanceof SwitchboardError) return outcomeOfError(error, remoteMcp ? { from: input.action.connectorId } : {});
        throw error;
      }
    });
}
