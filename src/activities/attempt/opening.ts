import { connectorForActionAuth } from '../../connectors/authVariants.js';
import { applySettings, findAction } from '../../connectors/registry.js';
import type { ActionDefinition } from '../../connectors/schema.js';
import { getCatalogConnector } from '../../connectors/sources/catalog.js';
import { settingsAt } from '../../connectors/knownSettings.js';
import type { Connector } from '../../connectors/types.js';
import type { Db } from '../../db/connect.js';
import { startAttempt } from '../../db/repositories/attemptStart.js';
import type { SendMarkClearer } from '../../db/repositories/upstreamSends.js';
import type { CredentialRow } from '../../db/tables/credentials.js';
import { keyOf, PAUSE_CHECK_LEAD_MS, spacing } from '../../upstream/throttle.js';
import type { AttemptInput, SlotReservation } from '../../workflows/contracts/attempt.js';

/** An attempt opened the short way: what the front door read, confirmed current, with its slot and mark taken. */
export interface OpenedAttempt {
  connector: Connector;
  /** For the first authorization: the credential row just read, or that the call has none. */
  credential: { credentialId?: string; row: CredentialRow | null };
  /** Reserved by the opening statement, not yet waited for. */
  slot?: SlotReservation;
  /** The send was marked in flight by the opening statement. */
  marked: boolean;
  /** The mark was due and already there: an earlier run of this attempt may have sent. */
  sentBefore: boolean;
}

/**
 * An attempt's opening in one statement (src/db/repositories/attemptStart.ts), when the run's
 * input says what its front door read (`prepared`) and this process holds the connector's
 * settings of that version: the statement checks the version, reads the credential, reserves the
 * throttle slot and marks a send that may not be repeated. Undefined, with nothing held, when the
 * attempt must go the long way: a plan step or a retry with a slot, a custom or remote connector,
 * settings this process has not seen at that version, or a version or credential that changed.
 */
export async function openAttempt(
  db: Db,
  input: AttemptInput,
  how: {
    sendKeyOf: (action: ActionDefinition) => string | undefined;
    sendMarks: SendMarkClearer;
    /** Told the action before anything is taken for it (its lane may refuse it by throwing). */
    resolved: (action: ActionDefinition) => void;
  },
): Promise<OpenedAttempt | undefined> {
  const call = input.action;
  if (!call.prepared || input.slot) return undefined;
  const definition = await getCatalogConnector(call.connectorId);
  const settings = definition && settingsAt(db, call.accountId, definition.id, call.prepared.settingsVersion);
  // A disabled connector goes the long way, which refuses it.
  if (!definition || !settings?.enabled) return undefined;
  const connector = applySettings(definition, 'catalog', settings);
  const action = findAction(connector, call.actionId);
  how.resolved(action);
  const authMethods = connectorForActionAuth(connector, action).authMethods;
  // A public action sends no credential (src/credentials/authorize.ts), so its slot is the key's without one.
  const credentialId = authMethods.every((method) => method.type === 'none') ? undefined : (call.credentialId ?? call.prepared.credentialId);
  if (!credentialId && !authMethods.some((method) => method.type === 'none')) return undefined;
  const sendKey = how.sendKeyOf(action);
  const opened = await startAttempt(db, {
    accountId: call.accountId,
    userId: call.userId,
    connectorId: connector.id,
    settingsVersion: call.prepared.settingsVersion,
    ...(credentialId ? { credentialId } : {}),
    ...(connector.rateLimit
      ? { throttle: { key: keyOf({ accountId: call.accountId, connectorId: connector.id, ...(credentialId ? { credentialId } : {}) }), ...spacing(connector.rateLimit) } }
      : {}),
    ...(sendKey ? { send: { key: sendKey, markWithinMs: PAUSE_CHECK_LEAD_MS } } : {}),
    clearMarks: how.sendMarks.take(),
  });
  if (!opened.usable) return undefined;
  return {
    connector,
    credential: credentialId ? { credentialId, row: opened.credential ?? null } : { row: null },
    ...(opened.slot ? { slot: { slotMs: opened.slot.slotMs, generation: opened.slot.generation } } : {}),
    marked: opened.marked,
    sentBefore: opened.sentBefore,
  };
}
