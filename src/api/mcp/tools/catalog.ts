import { z } from 'zod';
import { findAction } from '../../../connectors/registry.js';
import type { Connector } from '../../../connectors/types.js';
import type { ActionParameter } from '../../../connectors/schema.js';
import { pageOf, searchConnectors } from '../../../connectors/search.js';
import { mayUse } from '../../../policy/use.js';
import { connectorForUse, type UseScope } from '../../../runs/prepare.js';
import { serverListings, serverUseScope } from '../../../servers/scope.js';
import { getActionDetailsInput, getConnectorResourcesInput, listConnectorsInput } from '../toolInputs.js';
import { defineTool, type ToolContext } from '../tool.js';

const readOnly = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };

/** A connector (and actions) this server lets the caller use, resolved once (src/runs/prepare.ts); with the scope, to filter actions by. */
export async function usableConnector(context: ToolContext, connectorId: string, actionIds: readonly string[] = []): Promise<{ connector: Connector; scope: UseScope }> {
  const scope = await serverUseScope(context.deps, context.auth, context.server, context.assignments, context.connectorsVersion);
  return { connector: await connectorForUse(context.deps.db, scope, connectorId, actionIds), scope };
}

/** The connector's actions the server lets the caller use (every one on a REST scope, which has no grant). */
export function usableActions(scope: UseScope, connector: Connector): Connector['actions'] {
  const { grant } = scope;
  return grant ? connector.actions.filter((action) => mayUse(scope, grant, connector.id, [action.id])) : connector.actions;
}

const connectorListing = z.object({
  id: z.string(),
  name: z.string(),
  category: z.string(),
  description: z.string(),
  authTypes: z.array(z.string()),
  actionCount: z.number(),
  origin: z.enum(['catalog', 'custom', 'remote-mcp', 'plugin']).optional(),
  needsConnection: z.boolean().optional().describe('The user must connect this platform first (see hint)'),
  hint: z.string().optional(),
  note: z.string().optional(),
});

/** An unfiltered list longer than this comes back as a summary per category instead. */
const SUMMARY_ABOVE = 50;
const DEFAULT_PAGE = 50;

export const listConnectorsTool = defineTool({
  name: 'list_connectors',
  title: 'List connectors',
  description:
    'Lists the SaaS platforms you can act on (Slack, GitHub, HubSpot, …) with their ids, categories and auth types. ' +
    'Find one with query (words from its name or description, e.g. "send message", "invoice") and/or category ' +
    '(communication, crm, marketing, storage, productivity, development, finance, support, …); long results are paged ' +
    '(offset, limit, nextOffset). Without either, a large catalogue answers with a count per category to narrow down. ' +
    'Use an id from here with get_connector_resources.',
  input: listConnectorsInput,
  output: z.object({
    connectors: z.array(connectorListing),
    count: z.number().describe('How many connectors match, over all pages'),
    nextOffset: z.number().optional().describe('Pass as offset for the next page'),
    categories: z.array(z.object({ category: z.string(), count: z.number() })).optional(),
    hint: z.string().optional(),
  }),
  annotations: readOnly,
  async run(input, context) {
    const { listings, grant } = await serverListings(
      context.deps,
      context.auth,
      context.server,
      input.category === undefined ? {} : { category: input.category },
      context.assignments,
      context.connectorsVersion,
    );
    const usable = listings.filter((connector) => connector.enabled && mayUse(context.auth, grant, connector.id));
    const matches = input.query === undefined ? usable : searchConnectors(usable, input.query);
    const filtered = input.query !== undefined || input.category !== undefined;
    if (!filtered && input.offset === undefined && input.limit === undefined && matches.length > SUMMARY_ABOVE) {
      const counts = new Map<string, number>();
      for (const connector of matches) counts.set(connector.category, (counts.get(connector.category) ?? 0) + 1);
      const categories = [...counts].map(([category, count]) => ({ category, count })).sort((a, b) => b.count - a.count || a.category.localeCompare(b.category));
      return {
        connectors: [],
        count: matches.length,
        categories,
        hint:
          `${matches.length} connectors: call list_connectors again with query (e.g. {"query": "send message"}), ` +
          `with category (e.g. {"category": "${categories[0]?.category ?? 'crm'}"}), or page through all with offset and limit.`,
      };
    }
    const { items, nextOffset } = pageOf(matches, input.offset ?? 0, input.limit ?? DEFAULT_PAGE);
    const connectors = items.map(({ id, name, category, description, authTypes, actionCount, origin, needsConnection, hint, note }) => ({
      id,
      name,
      category,
      description,
      authTypes,
      actionCount,
      origin,
      ...(needsConnection ? { needsConnection, hint } : {}),
      ...(note ? { note } : {}),
    }));
    return {
      connectors,
      count: matches.length,
      ...(nextOffset !== undefined ? { nextOffset, hint: `Showing ${connectors.length} of ${matches.length}; pass offset ${nextOffset} for more, or narrow with query.` } : {}),
    };
  },
});

export const getConnectorResourcesTool = defineTool({
  name: 'get_connector_resources',
  title: 'Get connector resources and actions',
  description:
    "Lists a connector's resources (channels, users, contacts, …) and the actions on each, with a one-line description. " +
    'Use an action id from here with get_action_details before calling execute_action.',
  input: getConnectorResourcesInput,
  output: z.object({
    connectorId: z.string(),
    name: z.string(),
    resources: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        actions: z.array(z.object({ id: z.string(), title: z.string(), description: z.string(), method: z.string() })),
      }),
    ),
  }),
  annotations: readOnly,
  async run({ connectorId }, context) {
    const { connector, scope } = await usableConnector(context, connectorId);
    const actions = usableActions(scope, connector);
    const resources = connector.resources
      .map((resource) => ({
        id: resource.id,
        name: resource.name,
        actions: actions
          .filter((action) => action.resource === resource.id)
          .map((action) => ({ id: action.id, title: action.title, description: action.description, method: action.method })),
      }))
      .filter((resource) => resource.actions.length > 0);
    return { connectorId: connector.id, name: connector.name, resources };
  },
});

const parameterDetails = z.object({
  name: z.string(),
  location: z.enum(['path', 'query', 'header', 'body']),
  type: z.string(),
  description: z.string().optional(),
  sample: z.unknown().optional(),
  enum: z.array(z.unknown()).optional(),
  default: z.unknown().optional().describe('Sent when you give no value'),
});

function describeParameter(parameter: ActionParameter) {
  return {
    name: parameter.name,
    location: parameter.in,
    type: parameter.type,
    ...(parameter.description ? { description: parameter.description } : {}),
    ...(parameter.sample !== undefined ? { sample: parameter.sample } : {}),
    ...(parameter.enum ? { enum: parameter.enum } : {}),
    ...(parameter.default !== undefined ? { default: parameter.default } : {}),
  };
}

export const getActionDetailsTool = defineTool({
  name: 'get_action_details',
  title: 'Get action details',
  description:
    "Returns an action's required and optional parameters with types, descriptions and sample values, and how it pages. " +
    'Pass those parameters to execute_action.',
  input: getActionDetailsInput,
  output: z.object({
    connectorId: z.string(),
    actionId: z.string(),
    title: z.string(),
    description: z.string(),
    method: z.string(),
    path: z.string(),
    resource: z.string(),
    requiredParameters: z.array(parameterDetails),
    optionalParameters: z.array(parameterDetails),
    idempotent: z.boolean(),
    pagination: z.unknown().optional(),
  }),
  annotations: readOnly,
  async run({ connectorId, actionId }, context) {
    const { connector } = await usableConnector(context, connectorId, [actionId]);
    const action = findAction(connector, actionId);
    return {
      connectorId: connector.id,
      actionId: action.id,
      title: action.title,
      description: action.description,
      method: action.method,
      path: action.path,
      resource: action.resource,
      requiredParameters: action.parameters.filter((p) => p.required).map(describeParameter),
      optionalParameters: action.parameters.filter((p) => !p.required).map(describeParameter),
      idempotent: action.idempotent ?? false,
      ...(action.pagination ? { pagination: action.pagination } : {}),
    };
  },
});
