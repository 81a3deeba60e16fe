import { authVariantIds, type ActionDefinition, type AuthMethod } from './schema.js';
import type { Connector } from './types.js';

/**
 * The connector as one action sees it for auth: its methods narrowed to the variants the action's
 * own security requirement names, or no credential at all when the operation is public (`auth: []`).
 */
export function connectorForActionAuth<C extends Pick<Connector, 'id' | 'authMethods'>>(
  connector: C,
  action: Pick<ActionDefinition, 'auth'>,
): C {
  if (!action.auth) return connector;
  if (action.auth.length === 0) return { ...connector, authMethods: [{ type: 'none' }] satisfies AuthMethod[] };
  const ids = authVariantIds(connector.authMethods);
  const accepted = connector.authMethods.filter((_method, i) => action.auth!.includes(ids[i]!));
  return accepted.length > 0 ? { ...connector, authMethods: accepted } : connector;
}
