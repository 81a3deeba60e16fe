import { randomUUID } from 'node:crypto';
import { ElicitResultSchema } from '@modelcontextprotocol/sdk/types.js';
import type { ExecuteActionInput } from '../../starters/executeAction.js';
import type { Connector } from '../../connectors/types.js';
import { authorizeMissingCredential } from '../../credentials/missing.js';
import { findNewestActiveCredential } from '../../db/repositories/credentials.js';
import { CredentialNotFoundError } from '../../errors.js';
import { UrlInputRequired, type ToolContext } from './tool.js';

/** A run that will wait for the user to authorize, and the elicitation that sent them the link. */
export interface CredentialElicitation {
  awaitCredential: NonNullable<ExecuteActionInput['awaitCredential']>;
  elicitationId: string;
}

/**
 * Before an action starts without a pinned credential: when the user has none usable for an OAuth
 * connector whose app is configured, a client that declared URL-mode elicitation is sent the
 * authorization link: on 2025-11-25 by elicitation/create while the run waits for it, on
 * 2026-07-28 as a -32042 answer it retries after. Any other client gets CREDENTIAL_NOT_FOUND
 * carrying the link. Undefined when there is nothing to authorize (or nothing we could do).
 */
export async function credentialElicitation(
  context: ToolContext,
  connector: Pick<Connector, 'id' | 'name' | 'authMethods'>,
  /** The user's newest usable credential, when the caller already read it (null: none). */
  newestCredentialId?: string | null,
): Promise<CredentialElicitation | undefined> {
  if (connector.authMethods.some((method) => method.type === 'none')) return undefined;
  const owner = { accountId: context.auth.accountId, userId: context.auth.userId };
  const newest = newestCredentialId !== undefined ? newestCredentialId : (await findNewestActiveCredential(context.deps.db, { ...owner, connectorId: connector.id }))?.id;
  if (newest) return undefined;
  const link = await authorizeMissingCredential(context.deps, owner, connector);
  if (!link) return undefined;
  const { credentialId, authorizationUrl, expiresAt, attemptId, validForSeconds } = link;
  const message = `Connect your ${connector.name} account so this action can run as you. The link is valid for ${Math.round(validForSeconds / 60)} minutes.`;
  const awaitCredential = { credentialId, attemptId, timeoutSeconds: validForSeconds };
  const modern = context.client?.capabilities.elicitation?.url ? context.urlElicitation : undefined;
  // 2026-07-28: no run starts until the client's retry says the user went to the link; the same
  // open attempt (and so the same link) comes back on every round.
  if (modern && !modern.answer) throw new UrlInputRequired({ url: authorizationUrl, message });
  if (modern?.answer === 'accept') return { awaitCredential, elicitationId: `${credentialId}:${attemptId}` };
  if (!context.client?.capabilities.elicitation?.url || !context.peer || modern) {
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
  return { awaitCredential, elicitationId };
}

/** Tells the client the out-of-band step finished (notifications/elicitation/complete); best effort. */
export async function completeElicitation(context: ToolContext, elicitation: CredentialElicitation | undefined): Promise<void> {
  if (!elicitation || !context.peer) return;
  await context.peer
    .sendNotification({ method: 'notifications/elicitation/complete', params: { elicitationId: elicitation.elicitationId } })
    .catch(() => undefined);
}
