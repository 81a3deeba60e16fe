import { createHash, randomBytes } from 'node:crypto';

/** Opaque high-entropy credentials we hand out (API keys, MCP access tokens). */
export function newSecretToken(prefix: 'sk' | 'mcp'): string {
  return `${prefix}_${randomBytes(24).toString('base64url')}`;
}

/** A fast hash suffices: the inputs are 192-bit random tokens, not guessable passwords. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function hintOf(token: string): string {
  return token.slice(-6);
}

export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('base64url').replace(/[-_]/g, '').slice(0, 16)}`;
}
