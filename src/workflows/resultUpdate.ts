import { allHandlersFinished, CancellationScope, condition, setHandler, type defineUpdate } from '@temporalio/workflow';

/**
 * Runs a workflow's work and answers `update` with its outcome: the result, or the same failure
 * the run ends with. A caller that starts the run with this update (update-with-start) gets the
 * result in the answer to its start request, without following the run's history to its close.
 * Whoever waits on the run's result instead (a task's client, GET /api/runs) still sees it end.
 */
export async function answeringResult<T>(update: ReturnType<typeof defineUpdate<T>>, work: () => Promise<T>): Promise<T> {
  let outcome: { value: T } | { error: unknown } | undefined;
  setHandler(update, async () => {
    await condition(() => outcome !== undefined);
    if ('error' in outcome!) throw outcome.error;
    return outcome!.value;
  });
  try {
    outcome = { value: await work() };
  } catch (error) {
    outcome = { error };
  }
  // The answer goes out before the run closes (a run that closes first fails the update); a
  // cancelled run still answers.
  await CancellationScope.nonCancellable(() => condition(allHandlersFinished));
  if ('error' in outcome) throw outcome.error;
  return outcome.value;
}
