import { describe, expect, it } from 'vitest';
import { authorizationEndpointProblem, bearerChallenge } from '../../../../src/upstream/remoteMcp/oauthDiscovery.js';

describe('authorizationEndpointProblem', () => {
  it('takes https, and plain http on this machine only from an authorization server that is there too', () => {
    expect(authorizationEndpointProblem('https://auth.example.com/authorize', 'https://auth.example.com')).toBeUndefined();
    expect(authorizationEndpointProblem('http://127.0.0.1:4000/authorize', 'http://127.0.0.1:4000')).toBeUndefined();
    expect(authorizationEndpointProblem('http://localhost:4000/authorize', 'http://[::1]:4000')).toBeUndefined();
    expect(authorizationEndpointProblem('http://127.0.0.1:4000/authorize', 'https://auth.example.com')).toBe('must be an https: URL, not http:');
    expect(authorizationEndpointProblem('http://auth.example.com/authorize', 'http://auth.example.com')).toBe('must be an https: URL, not http:');
  });

  it('refuses script-bearing schemes and what is not a URL', () => {
    expect(authorizationEndpointProblem('javascript:alert(1)', 'https://auth.example.com')).toBe('must be an https: URL, not javascript:');
    expect(authorizationEndpointProblem('data:text/html,<script>1</script>', 'https://auth.example.com')).toBe('must be an https: URL, not data:');
    expect(authorizationEndpointProblem('JAVASCRIPT:alert(1)', 'http://127.0.0.1:4000')).toBe('must be an https: URL, not javascript:');
    expect(authorizationEndpointProblem('/authorize', 'https://auth.example.com')).toBe('is not a URL');
    expect(authorizationEndpointProblem(42, 'https://auth.example.com')).toBe('is not a URL');
  });
});

describe('bearerChallenge', () => {
  it('reads resource_metadata, scope and error, quoted or not, and no parameter from inside another', () => {
    expect(bearerChallenge('Bearer error="insufficient_scope", scope="mcp:write", resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource/mcp", error_description="Token has insufficient scope"')).toEqual({
      error: 'insufficient_scope',
      scope: 'mcp:write',
      resourceMetadata: 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp',
    });
    expect(bearerChallenge('bearer scope=mcp:basic,error=invalid_token')).toEqual({ scope: 'mcp:basic', error: 'invalid_token' });
    expect(bearerChallenge('Bearer realm="x"')).toEqual({});
  });

  it('is undefined for another scheme or no header', () => {
    expect(bearerChallenge('Basic realm="x"')).toBeUndefined();
    expect(bearerChallenge(null)).toBeUndefined();
  });
});
