import { randomUUID } from 'node:crypto';
import { ElicitResultSchema } from '@modelcontextprotocol/sdk/types.js';
import type { ExecuteActionInput } from '../../starters/executeAction.js';
import type { Connector } from '../../connectors/types.js';
import { authorizeMissingCredential } from '../../credentials/authorizationLinks.js';
import { findNewestActiveCredential } from '../../db/repositories/credentials.js';
import { CredentialNotFoundError } from '../../errors.js';
import { UrlInputRequired, type AuthorizationLink, type ToolContext } from './tool.js';

/** A run that will wait for the user to authorize, and the elicitation that sent them the link. */
export interface CredentialElicitation {
  awaitCredential: NonNullable<ExecuteActionInput['awaitCredential']>;
  elicitationId: string;
  /** Set when the link goes to the client as a task's input request rather than now. */
  taskInput?: AuthorizationLink;
}

/**
 * The credential an action will use, as the front door finds it (for the credential.use audit
 * entry), and how the user is asked to authorize one when there is none.
 */
export interface CallCredential {
  /** The one the caller pinned, the user's newest active one, or the one the run will wait for. */
  credentialId?: string;
  elicitation?: CredentialElicitation;
}

/**
 * Before an action starts without a pinned credential: when the user has none usable for an OAuth
 * connector whose app is configured, a client that declared URL-mode elicitation is sent the
 * authorization link: on 2025-11-25 by elicitation/create while the run waits for it, on
 * 2026-07-28 as an input_required result (mode "url", never -32042) it retries after, or, for a
 * client that declared the Tasks extension, as its task's input request. Any other client gets CREDENTIAL_NOT_FOUND
 * carrying the link. No elicitation when there is nothing to authorize (or nothing we could do).
 */
export async function credentialForCall(
  context: ToolContext,
  connector: Pick<Connector, 'id' | 'name' | 'authMethods'>,
  pinned: string | undefined,
  /** The user's newest usable credential, when the caller already read it (null: none). */
  newestCredentialId?: string | null,
): Promise<CallCredential> {
  if (pinned) return { credentialId: pinned };
  if (connector.authMethods.some((method) => method.type === 'none')) return {};
  const owner = { accountId: context.auth.accountId, userId: context.auth.userId };
  const active =
    newestCredentialId !== undefined ? newestCredentialId : (await findNewestActiveCredential(context.deps.db, { ...owner, connectorId: connector.id }))?.id;
  if (active) return { credentialId: active };
  const link = await authorizeMissingCredential(context.deps, owner, connector);
  if (!link) return {};
  const { credentialId, authorizationUrl, expiresAt, attemptId, validForSeconds } = link;
  const message = `Connect your ${connector.name} account so this action can run as you. The link is valid for ${Math.round(validForSeconds / 60)} minutes.`;
  const awaitCredential = { credentialId, attemptId, timeoutSeconds: validForSeconds };
  const revision2026 = context.client?.capabilities.elicitation?.url ? context.urlElicitation : undefined;
  if (revision2026?.asTaskInput && !revision2026.answer) {
    return { credentialId, elicitation: { awaitCredential, elicitationId: `${credentialId}:${attemptId}`, taskInput: { credentialId, url: authorizationUrl, message } } };
  }
  // 2026-07-28: no run starts until the client's retry says the user went to the link; the same
  // open attempt (and so the same link) comes back on every round.
  if (revision2026 && !revision2026.answer) throw new UrlInputRequired({ url: authorizationUrl, message });
  if (revision2026?.answer === 'accept') return { credentialId, elicitation: { awaitCredential, elicitationId: `${credentialId}:${attemptId}` } };
  if (!context.client?.capabilities.elicitation?.url || !context.peer || revision2026) {
    throw new CredentialNotFoundError(
      `No credential for connector "${connector.id}"; ask the user to open authorizationUrl to connect it, then call again`,
      { connectorId: connector.id, authTypes: connector.authMethods.map((method) => method.type), credentialId, authorizationUrl, expiresAt },
    );
  }
  const elicitationId = randomUUID();
  // Not awaited: in stateless mode the client's answer arrives on another HTTP request, so this
  // one only ever times out or closes with the call. The run waits for the OAuth callback instead.
  context.peer
    .sendRequest(
      {
        method: 'elicitation/create',
        params: {
          mode: 'url',
          elicitationId,
          url: authorizationUrl,
          message,
        },
      },
      ElicitResultSchema,
      { timeout: validForSeconds * 1000 },
    )
    .catch(() => undefined);
  return { credentialId, elicitation: { awaitCredential, elicitationId } };
}

/** Tells the client the out-of-band step finished (notifications/elicitation/complete); best effort. */
export async function completeElicitation(context: ToolContext, elicitation: CredentialElicitation | undefined): Promise<void> {
  if (!elicitation || !context.peer) return;
  await context.peer
    .sendNotification({ method: 'notifications/elicitation/complete', params: { elicitationId: elicitation.elicitationId } })
    .catch(() => undefined);
}
