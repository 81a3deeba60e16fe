import type { Configuration } from 'oidc-provider';

/**
 * What every test authorization server asks of its clients and tokens, stricter than
 * oidc-provider's defaults so that our client is held to what real providers do.
 */
export const strictProviderConfiguration = {
  // v9 only mandates PKCE for public clients; confidential ones must still use it.
  pkce: { required: () => true },
  // Default is "only with offline_access (and consent)"; providers like Slack/Google
  // issue one for any code grant, which is what our connectors expect.
  issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
  rotateRefreshToken: true,
  // Tokens must outlive the throwaway browser session that authorize() creates.
  expiresWithSession: () => false,
  // Default 15s tolerance would keep "expired" tokens valid in short-TTL tests.
  clockTolerance: 0,
  findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
} satisfies Partial<Configuration>;
