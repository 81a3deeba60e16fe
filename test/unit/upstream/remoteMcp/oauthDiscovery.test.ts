import { describe, expect, it } from 'vitest';
import { authorizationEndpointProblem } from '../../../../src/upstream/remoteMcp/oauthDiscovery.js';

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
