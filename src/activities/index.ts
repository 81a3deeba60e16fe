import type { ActivityDependencies } from './dependencies.js';
import { failingWithCodes } from '../workflows/contracts/failures.js';
import { createRetentionActivities } from './retention.js';
import { createExecutionActivities } from './execution.js';
import { createOAuthActivities } from './oauth.js';
import { createCredentialWaiterActivities } from './credentialWaiters.js';
import { createRemoteMcpDiscoveryActivities } from './remoteMcpDiscovery.js';
import { createCapacity, createCapacityActivities } from './capacity.js';
import { createApprovalActivities } from './approvals.js';

export type { ActivityDependencies } from './dependencies.js';

/** Every activity's failure type is an error code (workflows/contracts/failures.ts), whatever it threw. */
export function createActivities(dependencies: ActivityDependencies) {
  const capacity = createCapacity(dependencies);
  return failingWithCodes({
    ...createExecutionActivities(dependencies, capacity),
    ...createCapacityActivities(capacity),
    ...createOAuthActivities(dependencies),
    ...createRemoteMcpDiscoveryActivities(dependencies),
    ...createCredentialWaiterActivities(dependencies),
    ...createRetentionActivities(dependencies),
    ...createApprovalActivities(dependencies),
  });
}

export type Activities = ReturnType<typeof createActivities>;
