import { createHash } from 'node:crypto';

/**
 * Tool names of a tools-mode server (docs/tools-mode.md). MCP tool names are 1–128 characters of
 * A–Z, a–z, 0–9, "_", "-" and "."; a name must be the same on every tools/list, so a call made from
 * an earlier list still finds its tool, and must not depend on the order rows come back in.
 */

export const MAX_TOOL_NAME_LENGTH = 128;
const INVALID = /[^A-Za-z0-9_.-]/g;
const SUFFIX_LENGTH = 8;

/** Something a tools-mode server offers as a tool, before it is named. */
export interface NamedCandidate {
  /** Identifies the tool among all of the server's: `connectorId:actionId`. */
  key: string;
  /** The name wanted: `connectorId_actionId` for catalogue and custom actions, the tool's own for a remote server's. */
  preferred: string;
  /** The name wanted when the preferred one is taken: the remote tool prefixed with its server's slug. */
  qualified: string;
}

/** A short, stable digest of a tool's key, to set apart names that would otherwise be equal. */
function suffixOf(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, SUFFIX_LENGTH);
}

/** A valid MCP tool name: invalid characters become "_", and a name too long is cut and given its key's digest. */
export function validToolName(wanted: string, key: string): string {
  const cleaned = wanted.replace(INVALID, '_') || '_';
  if (cleaned.length <= MAX_TOOL_NAME_LENGTH) return cleaned;
  return `${cleaned.slice(0, MAX_TOOL_NAME_LENGTH - SUFFIX_LENGTH - 1)}_${suffixOf(key)}`;
}

/**
 * Names every candidate. A preferred name only one candidate wants is kept; where several want it,
 * each takes its qualified name instead; a qualified name still shared is given the key's digest
 * (`name_1a2b3c4d`). Each step depends only on the set of candidates, never on their order.
 */
export function nameTools<T extends NamedCandidate>(candidates: readonly T[]): Array<T & { name: string }> {
  const countOf = (names: string[]) => names.reduce((counts, name) => counts.set(name, (counts.get(name) ?? 0) + 1), new Map<string, number>());
  const preferred = candidates.map((candidate) => validToolName(candidate.preferred, candidate.key));
  const preferredCounts = countOf(preferred);
  const chosen = candidates.map((candidate, index) =>
    preferredCounts.get(preferred[index]!) === 1 ? preferred[index]! : validToolName(candidate.qualified, candidate.key),
  );
  const chosenCounts = countOf(chosen);
  const named = candidates.map((candidate, index) => {
    const name = chosen[index]!;
    if (chosenCounts.get(name) === 1) return { ...candidate, name };
    const suffix = `_${suffixOf(candidate.key)}`;
    return { ...candidate, name: `${name.slice(0, MAX_TOOL_NAME_LENGTH - suffix.length)}${suffix}` };
  });
  return named.sort((a, b) => a.name.localeCompare(b.name));
}
