import { Writable } from 'node:stream';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { Kysely, PGliteDialect } from 'kysely';
import { PGlite } from '@electric-sql/pglite';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { buildApp, PROJECT_ROOT } from '../src/app.js';
import { loadConfig, type Config } from '../src/platform/config.js';
import { FieldCipher } from '../src/platform/crypto.js';
import { openPglite, openPostgres, type OpenDatabase } from '../src/platform/database/database.js';
import { ensureSites } from '../src/modules/places/sites.js';
import { ensureDefaultPolicies } from '../src/modules/password-policy/service.js';
import { bootstrapAdministrator } from '../src/modules/accounts/bootstrap.js';
import { deliverDue, type DeliveryPass } from '../src/platform/outbox/worker.js';
import { runRealnamePass, type RealnamePass, type RealnamePassOptions } from '../src/modules/realname/job.js';
import { createTransports, type Transports } from '../src/platform/outbox/transports.js';
import { migrateToLatest } from '../src/platform/database/migrate.js';

/**
 * A dump of a freshly migrated PGlite database. Creating and migrating one costs ~2.9 s of CPU, loading a dump ~0.8 s,
 * and every test file starts from at least one: the first test process writes the dump (named by a hash of the
 * migrations and of package-lock.json, so a changed migration or PGlite makes a new one), the others load it.
 * openPglite still runs the migrator, which finds nothing to do.
 */
let migratedDump: Promise<Blob> | undefined;
function migratedPgliteDump(): Promise<Blob> {
  migratedDump ??= (async () => {
    const migrationsDir = path.join(PROJECT_ROOT, 'src/platform/database/migrations');
    const hash = createHash('sha256').update(readFileSync(path.join(PROJECT_ROOT, 'package-lock.json')));
    hash.update(readFileSync(path.join(PROJECT_ROOT, 'src/platform/database/migrate.ts')));
    for (const file of readdirSync(migrationsDir).sort()) hash.update(file).update(readFileSync(path.join(migrationsDir, file)));
    const cacheDir = path.join(PROJECT_ROOT, 'node_modules/.cache/zhiyuan-test');
    const file = path.join(cacheDir, `pglite-migrated-${hash.digest('hex').slice(0, 16)}.tar`);
    try {
      return new Blob([readFileSync(file)]);
    } catch {
      const pglite = new PGlite();
      const db = new Kysely<any>({ dialect: new PGliteDialect({ pglite }) });
      await migrateToLatest(db);
      const dump = await pglite.dumpDataDir('none');
      await db.destroy();
      mkdirSync(cacheDir, { recursive: true });
      // Written aside and renamed: a parallel test process reads either no file or a whole one.
      const partial = `${file}.${process.pid}`;
      writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
      renameSync(partial, file);
      return dump;
    }
  })();
  return migratedDump;
}

/**
 * A fresh database for one test file: in-memory PGlite, or, when DATABASE_URL is set, a new database on
 * that PostgreSQL server, dropped again by close().
 */
export async function createTestDatabase(): Promise<OpenDatabase> {
  const url = process.env.DATABASE_URL;
  if (!url) return openPglite(null, { loadDataDir: await migratedPgliteDump() });
  const name = `zy_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const target = new URL(url);
  target.pathname = `/${name}`;
  const opened = await openPostgres(target.toString(), 10);
  return {
    ...opened,
    async close() {
      await opened.close();
      const dropper = new pg.Client({ connectionString: url });
      await dropper.connect();
      await dropper.query(`drop database if exists ${name} with (force)`);
      await dropper.end();
    },
  };
}

export interface TestApp {
  app: FastifyInstance;
  config: Config;
  /** Every log line the app wrote. */
  logs: string[];
  clock: { now: Date; advance(ms: number): void };
  /**
   * One outbox delivery pass, now (no worker runs in tests): every due message goes to `transports`, by default
   * those the config asks for (outbox-only unless smtpUrl / smsGatewayUrl are overridden).
   */
  deliverOutbox(transports?: Transports): Promise<DeliveryPass>;
  /** One pass of the real-name verification job, now (no worker runs in tests); the provider of the config unless given. */
  runRealname(options?: RealnamePassOptions): Promise<RealnamePass>;
  close(): Promise<void>;
}

export const TEST_ADMIN = { username: 'sysadmin', password: 'Adm1n#Zhiyuan' };

export async function createTestApp(overrides: Partial<Config> = {}, options: { webRoot?: string } = {}): Promise<TestApp> {
  const config: Config = {
    ...loadConfig({ NODE_ENV: 'test', CAPTCHA: 'off', LOG_LEVEL: 'info' }),
    bootstrapAdmin: TEST_ADMIN,
    ...overrides,
  };
  const database = await createTestDatabase();
  const logs: string[] = [];
  const logStream = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk));
      done();
    },
  });
  let offset = 0;
  const clock = {
    get now() {
      return new Date(Date.now() + offset);
    },
    advance(ms: number) {
      offset += ms;
    },
  };
  const app = await buildApp({
    ctx: {
      config, db: database.db, dbKind: database.kind, cipher: new FieldCipher(randomBytes(32)),
      now: () => clock.now,
    },
    logStream,
    webRoot: options.webRoot,
  });
  await ensureSites(database.db);
  await ensureDefaultPolicies(database.db);
  await bootstrapAdministrator(app.ctx);
  await app.ready();
  return {
    app, config, logs,
    clock,
    deliverOutbox: (transports) => deliverDue(app.ctx, transports ?? createTransports(config), { batchSize: 100 }),
    runRealname: (options) => runRealnamePass(app.ctx, { batchSize: 100, ...options }),
    async close() {
      await app.close();
      await database.close();
    },
  };
}

/** GB 11643 check character for the first 17 digits. */
export function idCheckChar(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((acc, d, i) => acc + Number(d) * weights[i], 0);
  return '10X98765432'[sum % 11];
}

let serial = 0;
/** A valid resident ID number, different on every call (Beijing Chaoyang, born 1990-03-07 plus a day offset). */
export function makeIdNumber(): string {
  serial += 1;
  const day = String((serial % 28) + 1).padStart(2, '0');
  const seq = String(100 + (Math.floor(serial / 28) % 900) + (process.pid % 7)).padStart(3, '0');
  const first17 = `1101051990${String(1 + (Math.floor(serial / 900) % 12)).padStart(2, '0')}${day}${seq}`;
  return first17 + idCheckChar(first17);
}

let phoneSerial = 0;
export function makePhone(): string {
  phoneSerial += 1;
  return `138${String(process.pid % 10000).padStart(4, '0')}${String(phoneSerial).padStart(4, '0')}`;
}

export function volunteerBody(overrides: Record<string, unknown> = {}) {
  serial += 1;
  return {
    siteCode: '11',
    username: `vol_${process.pid}_${serial}`,
    password: 'Zhiyuan2468',
    name: '张三',
    idType: 'resident_id',
    idNumber: makeIdNumber(),
    phone: makePhone(),
    email: `v${serial}@example.com`,
    serviceRegionCode: '110105',
    serviceCategories: ['community'],
    ...overrides,
  };
}

export const BROWSER = { 'x-requested-with': 'zhiyuan-web' };

/**
 * A volunteer registered through the API and signed in, real-name verified directly unless `verified` is false
 * (the demo registry does not know test people). `overrides` change the registration body.
 */
export async function seedVolunteer(app: FastifyInstance, options: { verified?: boolean; overrides?: Record<string, unknown> } = {}) {
  const body = volunteerBody(options.overrides);
  const res = await app.inject({ method: 'POST', url: '/api/v1/volunteers', payload: body });
  assert.equal(res.statusCode, 201, res.body);
  const account = await app.ctx.db.selectFrom('accounts').select('id').where('username', '=', body.username).executeTakeFirstOrThrow();
  if (options.verified ?? true) await app.ctx.db.updateTable('people').set({ realname_status: 'verified' }).where('account_id', '=', account.id).execute();
  const { cookie } = await signIn(app, body.username, body.password);
  return { ...body, id: account.id, cookie };
}

/** Signs in through the API and returns the cookie header for later requests. */
export async function signIn(app: FastifyInstance, identifier: string, password: string): Promise<{ cookie: string; body: any }> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { identifier, password } });
  if (res.statusCode !== 200) throw new Error(`sign-in failed: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === 'zy_session');
  return { cookie: `zy_session=${cookie!.value}`, body: res.json() };
}

export async function asUser(app: FastifyInstance, cookie: string, options: InjectOptions) {
  return app.inject({ ...options, headers: { ...BROWSER, ...(options.headers ?? {}), cookie } });
}

/** The development outbox for an e-mail address or phone, newest first. */
export async function outboxFor(app: FastifyInstance, to: string): Promise<any[]> {
  return (await app.inject({ method: 'GET', url: `/api/v1/dev/outbox?to=${encodeURIComponent(to)}` })).json().items;
}

/** Polls GET /imports/{id} until the job is done, rejected or failed; returns the final view and every view seen. */
export async function waitForImport(app: FastifyInstance, cookie: string, id: string, timeoutMs = 120_000): Promise<{ final: any; seen: any[] }> {
  const seen: any[] = [];
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await asUser(app, cookie, { method: 'GET', url: `/api/v1/imports/${id}` });
    if (res.statusCode !== 200) throw new Error(`import ${id}: ${res.statusCode} ${res.body}`);
    const view = res.json();
    seen.push(view);
    if (['done', 'rejected', 'failed'].includes(view.status)) return { final: view, seen };
    if (Date.now() > until) throw new Error(`import ${id} did not finish: ${res.body}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
