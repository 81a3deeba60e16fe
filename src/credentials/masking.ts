/**
 * A hint that lets people tell credentials apart without revealing them: the last 6 characters,
 * and nothing at all for short values, where 6 characters would be most of the secret.
 */
export function maskSecret(value: string): string {
  return value.length >= 16 ? `…${value.slice(-6)}` : '…';
}
