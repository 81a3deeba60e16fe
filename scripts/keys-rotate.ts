/**
 * npm run keys:rotate — re-seals every stored secret under ENCRYPTION_KEY. Keep the old key in
 * ENCRYPTION_KEYS_PREVIOUS until this has finished (running API and worker processes need it
 * too), then drop it.
 */
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/connect.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { loadSecretBox } from '../src/secrets/keyring.js';
import { rotateEncryptionKeys } from '../src/secrets/rotation.js';

const config = loadConfig();
const database = await openDatabase(config.database);
try {
  await migrateToLatest(database);
  const secretBox = await loadSecretBox(config);
  const counts = await rotateEncryptionKeys(database.db, secretBox);
  console.log(JSON.stringify({ currentKeyId: secretBox.currentKeyId, resealed: counts }));
} finally {
  await database.close();
}
