import type { TemporalHandle } from '../client/temporal.js';
import type { Config } from '../config/index.js';
import type { Db } from '../db/connect.js';
import type { Logger } from '../log/logger.js';
import type { SecretBox } from '../secrets/secretBox.js';
import { createRetentionActivities } from './retention/index.js';
import { createExecutionActivities } from './execution/index.js';
import { createOAuthActivities } from './oauth/index.js';
import { createCredentialWaiterActivities } from './oauth/waiters.js';
import { createRemoteDiscoveryActivities } from './oauth/remoteDiscovery.js';

export type { ActionResult, ExecuteActionInput } from '../workflows/contracts.js';

/** What activities may touch. Workflows never see these: they only know activity names and types. */
export interface ActivityDependencies {
  config: Config;
  db: Db;
  secretBox: SecretBox;
  logger: Logger;
  /** For activities that must talk to another workflow (e.g. a credential's refresher). */
  temporal: TemporalHandle;
}

export function createActivities(dependencies: ActivityDependencies) {
  return {
    ...createExecutionActivities(dependencies),
    ...createOAuthActivities(dependencies),
    ...createRemoteDiscoveryActivities(dependencies),
    ...createCredentialWaiterActivities(dependencies),
    ...createRetentionActivities(dependencies),
  };
}

export type Activities = ReturnType<typeof createActivities>;
