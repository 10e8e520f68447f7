import type { FastifyBaseLogger } from 'fastify';
import type { Config } from './config.js';
import type { Database, DatabaseKind } from './database/database.js';
import type { FieldCipher } from './crypto.js';

/** What every module needs from the platform; one per running server, decorated on Fastify as `ctx`. */
export interface AppContext {
  config: Config;
  db: Database;
  dbKind: DatabaseKind;
  cipher: FieldCipher;
  log: FastifyBaseLogger;
  /** The current time; tests move it to check expiry. */
  now(): Date;
}

declare module 'fastify' {
  interface FastifyInstance {
    ctx: AppContext;
  }
}
