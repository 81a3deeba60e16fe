import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Config } from '../config.js';
import { generateKeyBase64, SecretBox } from './secretBox.js';

const KEY_FILE = 'encryption.key';

/**
 * The embedded mode keeps a generated key under DATA_DIR so `npm start` needs no setup;
 * production requires ENCRYPTION_KEY (config enforces that when DATABASE_URL is set).
 */
export async function loadSecretBox(config: Config): Promise<SecretBox> {
  if (config.encryptionKey) return new SecretBox(config.encryptionKey, config.previousEncryptionKeys);
  const dir = resolve(config.dataDir);
  const path = join(dir, KEY_FILE);
  let key: string;
  try {
    key = (await readFile(path, 'utf8')).trim();
  } catch {
    await mkdir(dir, { recursive: true });
    key = generateKeyBase64();
    await writeFile(path, `${key}\n`, { mode: 0o600, flag: 'wx' }).catch(async () => {
      // Another process created it first; use theirs.
      key = (await readFile(path, 'utf8')).trim();
    });
    await chmod(path, 0o600);
  }
  return new SecretBox(key, config.previousEncryptionKeys);
}
