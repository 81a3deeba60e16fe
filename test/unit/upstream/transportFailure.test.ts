import { describe, expect, it } from 'vitest';
import { transportFailure } from '../../../src/upstream/transportFailure.js';

/** undici wraps the socket's error: the code sits on the cause. */
const wrapped = (code: string) => Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(`getaddrinfo ${code}`), { code }) });

describe('transport failures', () => {
  it('a host that does not resolve fails at once, naming the host', () => {
    expect(transportFailure(wrapped('ENOTFOUND'), 'inventory.invalid')).toEqual({
      code: 'ENOTFOUND',
      sent: false,
      maxAttempts: 1,
      message: "inventory.invalid does not resolve (DNS: ENOTFOUND); check the connector's base URL",
    });
  });

  it('a refused connection and a resolver that does not answer are worth one more attempt', () => {
    expect(transportFailure(wrapped('ECONNREFUSED'), '127.0.0.1:9')).toMatchObject({ sent: false, maxAttempts: 2, message: expect.stringContaining('127.0.0.1:9 refused the connection') });
    expect(transportFailure(wrapped('EAI_AGAIN'), 'api.example.com')).toMatchObject({ sent: false, maxAttempts: 2 });
  });

  it("other failures keep the call's budget and say whether the request may have left", () => {
    expect(transportFailure(wrapped('UND_ERR_CONNECT_TIMEOUT'), 'slow.example.com')).toEqual({
      code: 'UND_ERR_CONNECT_TIMEOUT',
      sent: false,
      message: 'Calling slow.example.com failed (UND_ERR_CONNECT_TIMEOUT)',
    });
    expect(transportFailure(wrapped('UND_ERR_SOCKET'), 'api.example.com')).toMatchObject({ sent: true });
    expect(transportFailure(new Error('no code'), 'api.example.com')).toMatchObject({ code: 'UNKNOWN', sent: true });
  });
});
