import { describe, expect, it } from 'vitest';
import { createRemoteMcpConnectorInput } from '../../../src/remoteMcp/schemas.js';

describe('createRemoteMcpConnectorInput: a preregistered OAuth client', () => {
  const base = { name: 'Tracker', type: 'oauth', url: 'https://mcp.tracker.example/mcp' };

  it('is taken by an oauth connector with a url, its secret optional for a public client', () => {
    expect(createRemoteMcpConnectorInput.safeParse({ ...base, oauthClient: { clientId: 'switchboard', clientSecret: 's3cret' } }).success).toBe(true);
    expect(createRemoteMcpConnectorInput.safeParse({ ...base, oauthClient: { clientId: 'switchboard' } }).success).toBe(true);
  });

  it('is refused on a simple connector, on a predefined entry, and without the secret its method sends', () => {
    const issues = (input: unknown) => createRemoteMcpConnectorInput.safeParse(input).error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    expect(issues({ ...base, type: 'simple', oauthClient: { clientId: 'x' } })).toEqual(['oauthClient: only for oauth connectors with a url']);
    expect(issues({ name: 'Mail', type: 'oauth', oauthMcp: 'gmail', oauthClient: { clientId: 'x' } })).toEqual(['oauthClient: only for oauth connectors with a url']);
    expect(issues({ ...base, oauthClient: { clientId: 'x', tokenEndpointAuthMethod: 'client_secret_post' } })).toEqual(['oauthClient.clientSecret: required for client_secret_post']);
  });
});
