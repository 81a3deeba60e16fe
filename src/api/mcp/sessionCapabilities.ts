import type { ClientCapabilities } from '@modelcontextprotocol/sdk/types.js';

/** Longest protocol version string kept; real ones are dates ("2025-11-25"). */
const MAX_PROTOCOL_VERSION_CHARS = 32;

/**
 * What a session row keeps of initialize: the capability flags the server acts on, each as a bare
 * presence flag, never the client's payload itself (which may be megabytes of anything).
 */
export function capabilitiesToStore(declared: ClientCapabilities): ClientCapabilities {
  const kept: ClientCapabilities = {};
  if (declared.elicitation) {
    kept.elicitation = {
      ...(declared.elicitation.form ? { form: {} } : {}),
      ...(declared.elicitation.url ? { url: {} } : {}),
    };
  }
  if (declared.sampling) kept.sampling = {};
  if (declared.roots) kept.roots = declared.roots.listChanged === true ? { listChanged: true } : {};
  return kept;
}

export function protocolVersionToStore(version: string): string {
  return version.slice(0, MAX_PROTOCOL_VERSION_CHARS);
}
