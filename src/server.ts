import { buildApp } from './app.js';
import { ConfigError, loadConfig, type Config } from './platform/config.js';
import { FieldCipher, resolveMasterKey } from './platform/crypto.js';
import { openDatabase } from './platform/database/database.js';
import { DataDirLockedError } from './platform/database/lock.js';
import { ensureSites } from './modules/places/sites.js';
import { ensureDefaultPolicies } from './modules/password-policy/service.js';
import { bootstrapAdministrator } from './modules/accounts/bootstrap.js';
import { startHousekeeping } from './platform/housekeeping.js';
import { purgeReviewedPhotos } from './modules/self-service/face.js';
import { startOutboxWorker } from './platform/outbox/worker.js';
import { startRealnameWorker } from './modules/realname/job.js';
import { autoCheckOut } from './modules/schedules/attendance.js';
import { refreshPublicity } from './modules/service-records/effectiveness.js';
import { loadSigningIdentity } from './modules/certificates/signing.js';

async function main() {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`Configuration error: ${error.message}`);
      process.exit(78);
    }
    throw error;
  }

  const started = Date.now();
  let database;
  try {
    database = await openDatabase(config);
  } catch (error) {
    if (error instanceof DataDirLockedError) {
      console.error(error.message);
      process.exit(75);
    }
    throw error;
  }
  const warnings: string[] = [];
  const cipher = new FieldCipher(resolveMasterKey(config.dataKey, config.dataDir, (m) => warnings.push(m)));
  try {
    loadSigningIdentity(config, (m) => warnings.push(m));
  } catch (error) {
    console.error(`Configuration error: the certificate signing identity cannot be loaded: ${(error as Error).message}`);
    process.exit(78);
  }
  const app = await buildApp({ ctx: { config, db: database.db, dbKind: database.kind, cipher, now: () => new Date() } });
  for (const warning of warnings) app.log.warn(warning);
  await ensureSites(database.db);
  await ensureDefaultPolicies(database.db);
  await bootstrapAdministrator(app.ctx);
  const stopHousekeeping = startHousekeeping(app.ctx, [purgeReviewedPhotos, async (db, now) => { await autoCheckOut(db, now); },
    async (db, now) => { await refreshPublicity(db, now); }]);
  const stopOutbox = startOutboxWorker(app.ctx);
  const stopRealname = startRealnameWorker(app.ctx);

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    stopHousekeeping();
    await stopRealname();
    await stopOutbox();
    await app.close();
    await database.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  await app.listen({ port: config.port, host: config.host });
  app.log.info({ database: database.kind, startupMs: Date.now() - started }, 'Zhiyuan is ready');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
