import type { ActivityDependencies } from './dependencies.js';
import { createRetentionActivities } from './retention.js';
import { createExecutionActivities } from './execution.js';
import { createOAuthActivities } from './oauth.js';
import { createCredentialWaiterActivities } from './credentialWaiters.js';

export type { ActivityDependencies } from './dependencies.js';

export function createActivities(dependencies: ActivityDependencies) {
  return {
    ...createExecutionActivities(dependencies),
    ...createOAuthActivities(dependencies),
    ...createCredentialWaiterActivities(dependencies),
    ...createRetentionActivities(dependencies),
  };
}

export type Activities = ReturnType<typeof createActivities>;
