import type { TemporalHandle } from '../starters/temporal.js';
import type { Config } from '../config.js';
import type { OAuthFlows } from '../credentials/ports.js';
import type { Db } from '../db/connect.js';
import type { Logger } from '../observability/logger.js';
import type { SecretBox } from '../secrets/secretBox.js';

/** What activities may touch. Workflows never see these: they only know activity names and types. */
export interface ActivityDependencies {
  config: Config;
  db: Db;
  secretBox: SecretBox;
  logger: Logger;
  /** For activities that must talk to another workflow (e.g. a credential's refresher). */
  temporal: TemporalHandle;
  oauthFlows: OAuthFlows;
  /**
   * Aborted when the worker's shutdown grace period is over: calls still in flight are given up
   * so the worker can finish draining (core does not cancel local activities on shutdown).
   */
  workerStopping?: AbortSignal;
  /** The task queue only this worker polls, where handed-off connector attempts are collected (activities/lanes.ts). */
  handoffTaskQueue?: string;
}
