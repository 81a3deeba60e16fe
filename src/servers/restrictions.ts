import type { RestrictionList, Restrictions } from './schemas.js';

function permits(list: RestrictionList | undefined, ...candidates: string[]): boolean {
  if (!list) return true;
  const listed = candidates.some((candidate) => list.ids.includes(candidate));
  return list.mode === 'allowlist' ? listed : !listed;
}

export function hasRestrictions(restrictions: Restrictions): boolean {
  return Boolean(restrictions.connectors || restrictions.actions || restrictions.users);
}

export function connectorAllowed(restrictions: Restrictions, connectorId: string): boolean {
  return permits(restrictions.connectors, connectorId);
}

/**
 * An action entry is `connectorId:actionId` or a bare actionId. An allowlist of actions only
 * constrains connectors it names, so allowing `slack:chat_postMessage` does not hide GitHub.
 */
export function actionAllowed(restrictions: Restrictions, connectorId: string, actionId: string): boolean {
  if (!connectorAllowed(restrictions, connectorId)) return false;
  const list = restrictions.actions;
  if (!list) return true;
  const qualified = `${connectorId}:${actionId}`;
  if (list.mode === 'blocklist') return !list.ids.includes(qualified) && !list.ids.includes(actionId);
  const constrainsConnector = list.ids.some((id) => id.startsWith(`${connectorId}:`) || !id.includes(':'));
  return !constrainsConnector || list.ids.includes(qualified) || list.ids.includes(actionId);
}

export function userAllowed(restrictions: Restrictions, userId: string): boolean {
  return permits(restrictions.users, userId);
}
