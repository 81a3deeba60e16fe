import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM with the key id stored beside every ciphertext, so a key can be rotated without a
 * flag day: rows name the key that sealed them, and the ring keeps old keys readable until the
 * rotate command has re-sealed every row under the current one.
 * Format: `v1.<keyId>.<iv>.<ciphertext+tag>` (base64url parts).
 */
export class SecretBox {
  private readonly keys = new Map<string, Buffer>();
  readonly currentKeyId: string;

  constructor(currentKeyBase64: string, previousKeysBase64: readonly string[] = []) {
    this.currentKeyId = this.addKey(currentKeyBase64);
    for (const key of previousKeysBase64) this.addKey(key);
  }

  private addKey(base64: string): string {
    const key = Buffer.from(base64, 'base64');
    if (key.length !== 32) throw new Error('encryption keys must be 32 bytes');
    const id = keyIdOf(key);
    this.keys.set(id, key);
    return id;
  }

  seal(plaintext: string, associatedData = ''): string {
    const key = this.keys.get(this.currentKeyId)!;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(associatedData));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return ['v1', this.currentKeyId, iv.toString('base64url'), body.toString('base64url')].join('.');
  }

  /** associatedData binds a ciphertext to its row, so a sealed value copied to another row won't open. */
  open(sealed: string, associatedData = ''): string {
    const [version, keyId, ivPart, bodyPart] = sealed.split('.');
    if (version !== 'v1' || !keyId || !ivPart || !bodyPart) throw new Error('not a sealed secret');
    const key = this.keys.get(keyId);
    if (!key) throw new Error(`sealed with key ${keyId}, which is not configured`);
    const body = Buffer.from(bodyPart, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(ivPart, 'base64url'));
    decipher.setAAD(Buffer.from(associatedData));
    decipher.setAuthTag(body.subarray(body.length - 16));
    return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]).toString('utf8');
  }

  keyIdOf(sealed: string): string | undefined {
    return sealed.split('.')[1];
  }
}

function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 12);
}

export function generateKeyBase64(): string {
  return randomBytes(32).toString('base64');
}
