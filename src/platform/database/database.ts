import { Kysely, PGliteDialect, PostgresDialect, type DatabaseConnection } from 'kysely';
import { PGlite } from '@electric-sql/pglite';
import { PreparingClient } from './prepared.js';
import pg from 'pg';
import path from 'node:path';
import type { DB } from './schema.js';
import { lockDataDir } from './lock.js';
import { migrateToLatest } from './migrate.js';

export type Database = Kysely<DB>;
export type DatabaseKind = 'pglite' | 'postgresql';

export interface OpenDatabase {
  db: Database;
  kind: DatabaseKind;
  close(): Promise<void>;
}

// Dates come back as ISO strings with offset; BIGINT counts as numbers; DATE stays 'YYYY-MM-DD'.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

/**
 * Kysely's PGlite driver hands the same connection to every caller, so a query issued while another
 * request holds a transaction would run inside that transaction. A mutex around acquire/release makes
 * the embedded database behave like a pool of one connection.
 */
class SerialPGliteDialect extends PGliteDialect {
  override createDriver() {
    const driver = super.createDriver();
    let tail: Promise<void> = Promise.resolve();
    const releases = new WeakMap<DatabaseConnection, () => void>();
    const acquire = driver.acquireConnection.bind(driver);
    driver.acquireConnection = async () => {
      let release!: () => void;
      const previous = tail;
      tail = new Promise<void>((resolve) => (release = resolve));
      await previous;
      const connection = await acquire();
      releases.set(connection, release);
      return connection;
    };
    driver.releaseConnection = async (connection) => {
      const release = releases.get(connection);
      releases.delete(connection);
      release?.();
    };
    return driver;
  }
}

/** `loadDataDir`: an in-memory database starts as a copy of this dump (PGlite's dumpDataDir), e.g. one already migrated. */
export async function openPglite(dataDir: string | null, options: { loadDataDir?: Blob } = {}): Promise<OpenDatabase> {
  const unlock = dataDir ? lockDataDir(dataDir) : () => {};
  try {
    // Same value shapes as the pg driver below: DATE as 'YYYY-MM-DD', BIGINT and NUMERIC as numbers.
    const parsers = { 1082: (v: string) => v, 20: (v: string) => Number(v), 1700: (v: string) => Number(v) };
    const pglite = dataDir ? new PGlite(path.join(dataDir, 'pglite'), { parsers }) : new PGlite({ parsers, loadDataDir: options.loadDataDir });
    await pglite.waitReady;
    const db = new Kysely<DB>({ dialect: new SerialPGliteDialect({ pglite }) });
    await migrateToLatest(db);
    return {
      db,
      kind: 'pglite',
      async close() {
        await db.destroy();
        unlock();
      },
    };
  } catch (error) {
    unlock();
    throw error;
  }
}

export async function openPostgres(url: string, poolSize = 20): Promise<OpenDatabase> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, Client: PreparingClient });
  // An idle client whose server connection drops (restart, failover) must not crash the process.
  pool.on('error', (error) => console.error(`PostgreSQL pool: ${error.message}`));
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  await migrateToLatest(db);
  return { db, kind: 'postgresql', close: () => db.destroy() };
}

export function openDatabase(options: { databaseUrl: string | null; dataDir: string }): Promise<OpenDatabase> {
  return options.databaseUrl ? openPostgres(options.databaseUrl) : openPglite(options.dataDir);
}
