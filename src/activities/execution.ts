import type { Capacity } from './capacity.js';
import type { ActivityDependencies } from './dependencies.js';
import { createAttemptLanes } from './lanes.js';
import { createAttemptPipeline } from './attempt/pipeline.js';

/** The attemptConnectorAction activity: the attempt pipeline (attempt/pipeline.ts) run in its lanes (lanes.ts). */
export function createExecutionActivities(deps: ActivityDependencies, capacity: Capacity) {
  return createAttemptLanes(deps, capacity, createAttemptPipeline(deps));
}
