/**
 * `pnpm --filter @smsape/api reencrypt`: re-encrypts every encrypted column
 * under the active key (ENCRYPTION_ACTIVE_KEY, or the last key of
 * ENCRYPTION_KEYS). Rotation: add the new key to ENCRYPTION_KEYS and make it
 * active, restart the service, run this, then remove the old key.
 *
 * On the embedded database, stop the service first: its data folder is opened
 * by one process at a time.
 */
import { openDatabase } from "@smsape/db";
import { ConfigError, loadConfig } from "../config.ts";
import { countNotUnderActiveKey, reencryptAll } from "../domain/crypto/reencrypt.ts";

async function main(): Promise<number> {
  const config = loadConfig();
  if (config.encryption.developmentKeys) {
    process.stdout.write("note: development encryption keys in use (ENCRYPTION_KEYS is unset)\n");
  }
  const database = await openDatabase(config.database);
  try {
    const ring = { keys: config.encryption.keys, activeKeyId: config.encryption.activeKeyId };
    const report = await reencryptAll(database.prisma, ring, {
      onBatch: (column, done) => process.stdout.write(`  ${column}: ${done} re-encrypted so far\n`),
    });
    const remaining = await countNotUnderActiveKey(database.prisma, ring);
    process.stdout.write(`Re-encrypted under key "${ring.activeKeyId}": ${JSON.stringify(report)}\n`);
    const left = Object.values(remaining).reduce((sum, count) => sum + count, 0);
    if (left > 0) {
      process.stderr.write(`Values still under other keys (written meanwhile?): ${JSON.stringify(remaining)}. Run again.\n`);
      return 1;
    }
    process.stdout.write("Every encrypted value is under the active key; older keys can be removed from ENCRYPTION_KEYS.\n");
    return 0;
  } finally {
    await database.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = error instanceof ConfigError ? error.message : error instanceof Error ? error.message : String(error);
    process.stderr.write(`Re-encryption failed: ${message}\n`);
    process.exit(1);
  },
);
