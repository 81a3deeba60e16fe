import { errorCodeOf, wasNotSent } from './http.js';

/** A send that failed below HTTP, as the attempt's outcome needs it. */
export interface TransportFailure {
  /** Node's or undici's code (ENOTFOUND, ECONNREFUSED, UND_ERR_SOCKET…). */
  code: string;
  /** One sentence that names the host. */
  message: string;
  /** Whether the request may have reached the upstream. */
  sent: boolean;
  /**
   * Attempts in all this failure is worth, when fewer than a call's: a name that does not
   * resolve will not start resolving within a run's backoff (1), and a refused connection is
   * worth one more try in case the upstream was restarting (2). Unset: the call's own budget.
   */
  maxAttempts?: number;
}

/**
 * Classifies a failed exchange with `host`. DNS failures and refused connections fail fast with a
 * message saying what is wrong with the host, instead of six attempts and half a minute of backoff.
 */
export function transportFailure(error: unknown, host: string): TransportFailure {
  const code = errorCodeOf(error) ?? 'UNKNOWN';
  switch (code) {
    case 'ENOTFOUND':
      return { code, sent: false, maxAttempts: 1, message: `${host} does not resolve (DNS: ENOTFOUND); check the connector's base URL` };
    case 'EAI_AGAIN':
      return { code, sent: false, maxAttempts: 2, message: `${host} could not be resolved (DNS: EAI_AGAIN, no answer from the resolver)` };
    case 'ECONNREFUSED':
      return { code, sent: false, maxAttempts: 2, message: `${host} refused the connection (ECONNREFUSED): nothing is listening there` };
    default:
      return { code, sent: !wasNotSent(error), message: `Calling ${host} failed (${code})` };
  }
}
