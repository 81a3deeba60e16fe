import type { StepReference } from '../../plans/schemas.js';

/**
 * Resolving a plan's references is pure and deterministic, so the executePlan workflow runs it
 * itself; this file imports no zod and no I/O to keep the workflow bundle lean.
 */
export function isReference(value: unknown): value is { $ref: StepReference } {
  return typeof value === 'object' && value !== null && '$ref' in value;
}

export function isAsk(value: unknown): value is { $ask: { ask: string } } {
  return typeof value === 'object' && value !== null && '$ask' in value;
}

function valueAtPath(root: unknown, path: string | undefined): unknown {
  if (!path) return root;
  let current = root;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function matches(item: unknown, where: Record<string, string | number | boolean>): boolean {
  return Object.entries(where).every(([path, expected]) => {
    const actual = valueAtPath(item, path);
    if (typeof expected === 'string' && typeof actual === 'string') {
      return actual.toLowerCase() === expected.toLowerCase().replace(/^#/, '');
    }
    return actual === expected;
  });
}

class UnresolvedReferenceError extends Error {}

/** The value a reference points at in earlier steps' results (index 0 is step 1). */
export function resolveReference(results: readonly unknown[], ref: StepReference): unknown {
  const source = results[ref.fromStep - 1];
  if (source === undefined) throw new UnresolvedReferenceError(`step ${ref.fromStep} has no result`);
  let target = valueAtPath(source, ref.itemsPath);
  if (Array.isArray(target)) {
    const item = ref.where ? target.find((candidate) => matches(candidate, ref.where!)) : target[0];
    if (item === undefined) {
      throw new UnresolvedReferenceError(
        `no item in step ${ref.fromStep}'s ${ref.itemsPath || 'result'} matches ${JSON.stringify(ref.where ?? {})}`,
      );
    }
    target = item;
  }
  const value = valueAtPath(target, ref.select);
  if (value === undefined) throw new UnresolvedReferenceError(`step ${ref.fromStep}'s result has no "${ref.select}"`);
  return value;
}
