import { validateActionParameters, validateCallParameters } from '../connectors/parameters.js';
import { assertConnectorEnabled, catalogConnector, findAction, resolveConnector, settingsVersionOf } from '../connectors/registry.js';
import { getCatalogConnector } from '../connectors/sources/catalog.js';
import type { AuditEntryInput } from '../db/repositories/audit.js';
import { readCallContext } from '../db/repositories/callContext.js';
import type { Connector } from '../connectors/types.js';
import type { Db } from '../db/connect.js';
import { MAX_RUN_INPUT_BYTES } from '../workflows/contracts/runs.js';
import type { ExecuteActionInput } from '../workflows/contracts/action.js';
import type { ExecutePlanWorkflowInput } from '../workflows/contracts/plan.js';
import { InvalidRequestError } from '../errors.js';
import { isAsk, isReference } from '../workflows/contracts/planReferences.js';
import type { ExecutePlanInput, PlanStep } from '../plans/schemas.js';
import { authorizeUse, type ServerGrant } from '../policy/use.js';
import { decideCall, decideCallWith, refuseUnplannable } from '../policy/callDecision.js';
import type { Role } from '../policy/roles.js';

/**
 * Who uses a connector, and through what: the same for every front door (the MCP tools, POST
 * /api/runs). `grant` is the server's (src/policy/use.ts); a REST run without a server has none.
 */
export interface UseScope {
  accountId: string;
  userId: string;
  /** Labels the run: the server's id, or "api" for a REST run without one. */
  serverId: string;
  /** The caller's role, for the call policies' conditions (src/policy/callDecision.ts). */
  role?: Role;
  grant?: ServerGrant;
  /** How this door finds a connector (the MCP door lists a never-listed remote server's tools); else resolveConnector. */
  resolve?: (connectorId: string) => Promise<Connector>;
}

/**
 * The connector a use names, once: authorized first (so nothing is looked up, and no remote server
 * dialled, for a caller the server refuses), then resolved, then the account's enabled switch.
 */
export async function connectorForUse(db: Db, scope: UseScope, connectorId: string, actionIds: readonly string[] = []): Promise<Connector> {
  if (scope.grant) authorizeUse(scope, scope.grant, connectorId, actionIds);
  return enabledConnector(db, scope, connectorId);
}

async function enabledConnector(db: Db, scope: UseScope, connectorId: string): Promise<Connector> {
  const connector = scope.resolve ? await scope.resolve(connectorId) : await resolveConnector(db, scope.accountId, connectorId);
  assertConnectorEnabled(connector);
  return connector;
}

/**
 * A run's input travels through Temporal as one payload (and its parameters again in the memo):
 * refuse what would not fit before anything starts, naming the limit, instead of failing later.
 */
function checkRunInputSize<T>(input: T): T {
  const bytes = Buffer.byteLength(JSON.stringify(input));
  if (bytes > MAX_RUN_INPUT_BYTES) {
    const kb = (n: number) => `${Math.ceil(n / 1024)} KB`;
    throw new InvalidRequestError(
      `The input is too large to run: ${kb(bytes)} as JSON, over the limit of ${kb(MAX_RUN_INPUT_BYTES)} for parameters and inputs (a run's input is one Temporal payload)`,
      { sizeBytes: bytes, limitBytes: MAX_RUN_INPUT_BYTES },
    );
  }
  return input;
}

export interface ActionRequest {
  connectorId: string;
  actionId: string;
  parameters: Record<string, unknown>;
  credentialId?: string;
}

export interface PreparedActionRun {
  connector: Connector;
  input: ExecuteActionInput;
  /** The user's newest usable credential for the connector, when preparing read it (catalogue connectors); null: none. */
  newestCredentialId?: string | null;
  /** The credential-use entry asked for (options.recordUse) was written. */
  recorded: boolean;
}

/**
 * "Prepare an action run", for execute_action and POST /api/runs alike: authorize, resolve the
 * connector, find the action and validate the parameters, each once, before anything starts, so
 * a bad call costs no workflow and the caller hears every problem at once.
 *
 * A catalogue connector's definition is in memory, so its parameters are checked first and one
 * statement then reads the account's settings and the user's newest credential (and writes the
 * credential-use entry, with options.recordUse: see readCallContext). Their versions and ids go
 * into the run's input (`prepared`), so its first attempt re-reads only what may have changed.
 */
export async function prepareActionRun(
  db: Db,
  scope: UseScope,
  request: ActionRequest,
  options: { recordUse?: AuditEntryInput } = {},
): Promise<PreparedActionRun> {
  if (scope.grant) authorizeUse(scope, scope.grant, request.connectorId, [request.actionId]);
  const catalog = await getCatalogConnector(request.connectorId);
  if (!catalog) {
    const connector = await enabledConnector(db, scope, request.connectorId);
    const action = findAction(connector, request.actionId);
    const input = runInput(scope, request, connector.id, action.id, validateCallParameters(connector, action, request.parameters));
    // The call policies last: a deny throws here, before anything starts.
    return { connector, input: { ...input, ...(await decideCall(db, scope, connector.id, action, input.parameters)) }, recorded: false };
  }
  const action = findAction(catalog, request.actionId);
  const input = runInput(scope, request, catalog.id, action.id, validateActionParameters(catalog.id, action, request.parameters));
  const context = await readCallContext(db, {
    accountId: scope.accountId,
    userId: scope.userId,
    connectorId: catalog.id,
    ...(request.credentialId ? { pinnedCredentialId: request.credentialId } : {}),
    ...(options.recordUse ? { recordUse: options.recordUse } : {}),
  });
  const connector = catalogConnector(db, catalog, scope.accountId, context.settings);
  assertConnectorEnabled(connector);
  const credentialId = request.credentialId ? undefined : context.newestCredentialId;
  // The call policies (read by the same statement) last: a deny throws here, before anything starts.
  const decided = decideCallWith(context.callPolicies, scope, catalog.id, action, input.parameters);
  return {
    connector,
    input: { ...input, ...decided, prepared: { settingsVersion: settingsVersionOf(context.settings), ...(credentialId ? { credentialId } : {}) } },
    newestCredentialId: context.newestCredentialId ?? null,
    recorded: context.recorded,
  };
}

/** The run's input, refused before anything is read or written when it is too large to start. */
function runInput(scope: UseScope, request: ActionRequest, connectorId: string, actionId: string, parameters: Record<string, unknown>): ExecuteActionInput {
  return checkRunInputSize({
    accountId: scope.accountId,
    userId: scope.userId,
    serverId: scope.serverId,
    connectorId,
    actionId,
    parameters,
    ...(request.credentialId ? { credentialId: request.credentialId } : {}),
  });
}

type PlanIssue = { input: string; message: string } | { step: number; actionId: string; compensation?: true; parameter: string; message: string };

/**
 * A step's (or compensation's) parameters as far as they are known before the run: literals as
 * they are, $ask answered from the inputs; $ref values (an earlier step's output) and unanswered
 * $asks are deferred, their names checked now and their values when the step runs.
 */
function stepIssues(
  connector: Connector,
  call: Pick<PlanStep, 'actionId' | 'parameters'>,
  step: number,
  inputs: Record<string, unknown> | undefined,
  compensation: boolean,
): PlanIssue[] {
  const action = findAction(connector, call.actionId);
  const known: Record<string, unknown> = {};
  const deferred = new Set<string>();
  const issues: PlanIssue[] = [];
  for (const [name, value] of Object.entries(call.parameters)) {
    const key = `${step}.${name}`;
    if (isAsk(value) && inputs && key in inputs) {
      known[name] = inputs[key];
      continue;
    }
    if (isAsk(value) && inputs) issues.push({ input: key, message: `missing: ${value.$ask.ask}` });
    if (isAsk(value) || isReference(value)) deferred.add(name);
    known[name] = value;
  }
  try {
    validateCallParameters(connector, action, known, deferred);
  } catch (error) {
    if (!(error instanceof InvalidRequestError)) throw error;
    const found = (error.details.issues ?? [{ parameter: '(parameters)', message: error.message }]) as Array<{ parameter: string; message: string }>;
    issues.push(...found.map(({ parameter, message }) => ({ step, actionId: action.id, ...(compensation ? { compensation: true as const } : {}), parameter, message })));
  }
  return issues;
}

function describeIssue(issue: PlanIssue): string {
  if ('input' in issue) return `input ${issue.input} (${issue.message})`;
  return `step ${issue.step}${issue.compensation ? ' compensation' : ''} (${issue.actionId}): ${issue.parameter} (${issue.message})`;
}

/**
 * Every step's and compensation's action exists, every $ask has its input, and every parameter
 * known before the run fits its action: all problems in one INVALID_REQUEST naming the steps. The
 * front doors call it before starting; the attempt checks each step's resolved values again.
 */
export function validatePlan(connector: Connector, input: Pick<ExecutePlanInput, 'plan' | 'inputs'>): void {
  const issues = input.plan.steps.flatMap((step, index) => [
    ...stepIssues(connector, step, index + 1, input.inputs, false),
    // Compensations run with no inputs: their values are their literals and references.
    ...(step.compensation ? stepIssues(connector, step.compensation, index + 1, undefined, true) : []),
  ]);
  if (issues.length === 0) return;
  const onlyInputs = issues.every((issue) => 'input' in issue);
  throw new InvalidRequestError(
    onlyInputs ? 'The plan needs inputs that were not given' : `The plan cannot run: ${issues.map(describeIssue).join('; ')}`,
    { issues },
  );
}

/** "Prepare a plan run", for execute_plan and POST /api/runs alike: authorize every action, resolve once, validate every step. */
export async function preparePlanRun(db: Db, scope: UseScope, request: ExecutePlanInput): Promise<{ connector: Connector; input: ExecutePlanWorkflowInput }> {
  const actionIds = request.plan.steps.flatMap((step) => [step.actionId, ...(step.compensation ? [step.compensation.actionId] : [])]);
  const connector = await connectorForUse(db, scope, request.plan.connectorId, actionIds);
  validatePlan(connector, request);
  await refuseUnplannable(db, scope, connector.id, request.plan.steps.flatMap((step) => [step, ...(step.compensation ? [step.compensation] : [])]).map((call) => ({ action: findAction(connector, call.actionId), parameters: call.parameters })));
  const input = checkRunInputSize({
    accountId: scope.accountId,
    userId: scope.userId,
    serverId: scope.serverId,
    plan: { ...request.plan, connectorId: connector.id },
    inputs: request.inputs,
    ...(request.credentialId ? { credentialId: request.credentialId } : {}),
  });
  return { connector, input };
}
