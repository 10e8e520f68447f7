/**
 * Real-name verification: the registry at national size and the job end to end (docs/benchmarks.md).
 *
 *   npx tsx bench/realname.ts [--rows=1000000] [--people=20000] [--counties=50] [--batch=500] [--concurrency=4]
 *                             [--workers=1,2] [--pg=postgres://postgres@127.0.0.1:5432/postgres] [--keep] [--quiet-wait=60]
 *
 * 1. Generates a registry CSV of --rows synthetic identities (valid resident ID numbers) in a temporary
 *    directory, with a progress display.
 * 2. Loads it in a fresh child process, once with the project's compact index (src/modules/realname/registry.ts)
 *    and once with a plain Map<string, string> for comparison: load time, index size, heap and RSS growth,
 *    peak RSS. Each child then checks every row (90 % same name, 5 % another name, 5 % a number not in the
 *    file): identities/s of the lookup alone and through the provider interface (async).
 * 3. Creates a database zy_bench_<random> on --pg, inserts --people pending volunteers directly (multi-row
 *    INSERTs; service regions spread over --counties counties; 90/5/5 as above; every one with a phone),
 *    and runs the job (runRealnamePass) until the queue is empty, with 1 and more concurrent workers
 *    (--workers, as if several servers ran it): identities/s end to end (claim, check, per-person transaction
 *    with status, volunteer number, outbox SMS and audit), CPU of this process and of PostgreSQL. Checks that
 *    every verified person got a distinct number. The database and the temporary directory are removed.
 * Only 127.0.0.1 is contacted.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import v8 from 'node:v8';
import vm from 'node:vm';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { sql } from 'kysely';
import pino from 'pino';
import type { FastifyBaseLogger } from 'fastify';
import { RealnameRegistry, normaliseName } from '../src/modules/realname/registry.js';
import { createRegistryProvider } from '../src/modules/realname/providers.js';
import { countyCodes, otherName, syntheticIdentities, type SyntheticIdentity } from '../src/modules/realname/synthetic.js';
import { runRealnamePass, type RealnamePass } from '../src/modules/realname/job.js';
import { loadConfig } from '../src/platform/config.js';
import { FieldCipher } from '../src/platform/crypto.js';
import { openPostgres } from '../src/platform/database/database.js';
import { ensureSites } from '../src/modules/places/sites.js';
import { maskIdNumber, maskPhone } from '../src/modules/identity/documents.js';
import { uuidv7 } from '../src/platform/ids.js';
import { cpuByName, cpuDelta, machine, MiB, parseArgs, positiveInt, printTable, round, waitForQuiet } from './lib.js';

const SELF = fileURLToPath(import.meta.url);

// ---------------------------------------------------------------- child: load and look up

interface LoadResult {
  loader: 'compact' | 'map';
  rows: number;
  loadMs: number;
  indexBytes: number | null;
  heapGrowth: number;
  externalGrowth: number;
  rssGrowth: number;
  /** RSS before the load (Node, tsx and the modules) and the process's high-water mark right after it. */
  baselineRss: number;
  peakRss: number;
  lookupPerSecond: number;
  providerPerSecond: number | null;
  verdicts: Record<string, number>;
}

function statusBytes(field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

/** The checks of step 2: row i of the file, with another name every 20th row and an absent number every 20th. */
function* probes(rows: number, absent: SyntheticIdentity[]): Generator<SyntheticIdentity> {
  let a = 0;
  let i = 0;
  for (const identity of syntheticIdentities(rows)) {
    if (i % 20 === 1) yield { name: otherName(identity.name), idNumber: identity.idNumber };
    else if (i % 20 === 2) yield absent[a++ % absent.length];
    else yield identity;
    i++;
  }
}

async function childLoad(loader: 'compact' | 'map', file: string, rows: number): Promise<void> {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  // Identities beyond the file's rows are not in it (the generator never repeats a number).
  const absent: SyntheticIdentity[] = [];
  let k = 0;
  for (const identity of syntheticIdentities(rows + 5000)) if (k++ >= rows) absent.push(identity);
  const settle = async () => {
    for (let i = 0; i < 3; i++) {
      gc();
      await new Promise((r) => setImmediate(r));
    }
  };
  await settle();
  const before = process.memoryUsage();
  const baselineRss = statusBytes('VmRSS');
  const t0 = performance.now();
  let check: (name: string, idNumber: string) => string;
  let indexBytes: number | null = null;
  let keep: unknown;
  if (loader === 'compact') {
    const registry = await RealnameRegistry.load(file);
    indexBytes = registry.memoryBytes;
    check = (name, idNumber) => registry.check(name, idNumber);
    keep = registry;
  } else {
    const map = new Map<string, string>();
    const lines = readline.createInterface({ input: fs.createReadStream(file, { highWaterMark: 1 << 20 }), crlfDelay: Infinity });
    for await (const line of lines) {
      if (!line || line.startsWith('#') || line.startsWith('name,')) continue;
      const comma = line.indexOf(',');
      const idNumber = line.slice(comma + 1).trim().toUpperCase();
      if (!map.has(idNumber)) map.set(idNumber, normaliseName(line.slice(0, comma)));
    }
    check = (name, idNumber) => {
      const listed = map.get(idNumber.toUpperCase());
      return listed === undefined ? 'no_result' : listed === normaliseName(name) ? 'verified' : 'failed';
    };
    keep = map;
  }
  const loadMs = performance.now() - t0;
  const peakRss = statusBytes('VmHWM');
  await settle();
  const after = process.memoryUsage();

  const list = [...probes(rows, absent)];
  const verdicts: Record<string, number> = {};
  let t1 = performance.now();
  for (const p of list) {
    const v = check(p.name, p.idNumber);
    verdicts[v] = (verdicts[v] ?? 0) + 1;
  }
  const lookupPerSecond = list.length / ((performance.now() - t1) / 1000);
  let providerPerSecond: number | null = null;
  if (loader === 'compact') {
    const provider = createRegistryProvider(file);
    await provider.prepare();
    t1 = performance.now();
    for (const p of list) await provider.check(p);
    providerPerSecond = list.length / ((performance.now() - t1) / 1000);
  }
  const result: LoadResult = {
    loader, rows, loadMs, indexBytes,
    heapGrowth: after.heapUsed - before.heapUsed,
    // `external` includes ArrayBuffers (the typed arrays and Buffers of the compact index).
    externalGrowth: after.external - before.external,
    rssGrowth: after.rss - before.rss,
    baselineRss, peakRss,
    lookupPerSecond, providerPerSecond, verdicts,
  };
  void keep;
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
}

// ---------------------------------------------------------------- main

async function generate(file: string, rows: number): Promise<{ ms: number; bytes: number }> {
  const t0 = performance.now();
  const out = fs.createWriteStream(file);
  out.write('name,idNumber\n');
  const tty = process.stderr.isTTY;
  let buffer: string[] = [];
  let i = 0;
  let lastShown = 0;
  const show = (final = false) => {
    const text = `generating ${i.toLocaleString('en')} / ${rows.toLocaleString('en')} rows (${Math.floor((i / rows) * 100)} %) ${((performance.now() - t0) / 1000).toFixed(1)} s`;
    if (tty) process.stderr.write(`\r${text}${final ? '\n' : ''}`);
    else if ((final && i !== lastShown) || (!final && i - lastShown >= rows / 10)) process.stderr.write(`${text}\n`);
    lastShown = i;
  };
  for (const { name, idNumber } of syntheticIdentities(rows)) {
    buffer.push(`${name},${idNumber}\n`);
    i++;
    if (buffer.length === 50_000) {
      if (!out.write(buffer.join(''))) await new Promise((r) => out.once('drain', r));
      buffer = [];
      if (tty || i - lastShown >= rows / 10) show();
    }
  }
  out.write(buffer.join(''));
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  show(true);
  return { ms: performance.now() - t0, bytes: fs.statSync(file).size };
}

function runChild(loader: 'compact' | 'map', file: string, rows: number): LoadResult {
  const child = spawnSync(process.execPath, ['--import', 'tsx', SELF, `--phase=load-${loader}`, `--file=${file}`, `--rows=${rows}`], {
    encoding: 'utf8', maxBuffer: 1 << 24, env: { ...process.env },
  });
  const line = child.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`the ${loader} loader failed:\n${child.stdout}\n${child.stderr}`);
  return JSON.parse(line.slice(7)) as LoadResult;
}

interface JobResult {
  workers: number;
  idleBefore: number | null;
  people: number;
  ms: number;
  perSecond: number;
  passes: number;
  totals: RealnamePass;
  benchCpu: number;
  postgresCpu: number;
  distinctNumbers: number;
  outbox: number;
}

async function main() {
  const args = parseArgs({
    rows: '1000000', people: '20000', counties: '50', batch: '500', concurrency: '4', workers: '1,2',
    pg: 'postgres://postgres@127.0.0.1:5432/postgres', keep: 'false', 'quiet-wait': '60', phase: '', file: '',
  });
  const rows = positiveInt(args.rows, 'rows', 20_000_000);
  if (args.phase === 'load-compact' || args.phase === 'load-map') {
    await childLoad(args.phase === 'load-compact' ? 'compact' : 'map', args.file, rows);
    return;
  }
  const people = positiveInt(args.people, 'people', Math.min(rows, 1_000_000));
  const countyCount = positiveInt(args.counties, 'counties', 2800);
  const batchSize = positiveInt(args.batch, 'batch', 10_000);
  const concurrency = positiveInt(args.concurrency, 'concurrency', 64);
  const workerCounts = args.workers.split(',').map((w) => positiveInt(w, 'workers', 16));
  const quietWaitMs = Number(args['quiet-wait']) * 1000;
  /** On a shared machine other work changes the figures a lot: wait (bounded) for ≥ 85 % idle, report what was seen. */
  const quiet = async (phase: string) => {
    if (!(quietWaitMs > 0)) return null;
    const q = await waitForQuiet(quietWaitMs);
    console.log(`[${phase}] machine idle ${Math.round(q.idle * 100)} % after waiting ${round(q.waitedMs / 1000, 1)} s`);
    return q.idle;
  };
  const adminUrl = new URL(args.pg);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(adminUrl.hostname)) {
    console.error('--pg must point at a local PostgreSQL (127.0.0.1)');
    process.exit(64);
  }

  console.log(JSON.stringify({ machine: machine() }));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zy-bench-realname-'));
  const file = path.join(dir, 'registry.csv');
  const dbName = `zy_bench_${randomBytes(5).toString('hex')}`;
  let dbCreated = false;
  const cleanUp = async () => {
    if (dbCreated) {
      const admin = new pg.Client({ connectionString: args.pg });
      await admin.connect();
      await admin.query(`drop database if exists ${dbName} with (force)`);
      await admin.end();
      dbCreated = false;
    }
    if (args.keep !== 'true') fs.rmSync(dir, { recursive: true, force: true });
  };
  process.on('SIGINT', () => void cleanUp().finally(() => process.exit(130)));

  try {
    // 1. Generate
    const gen = await generate(file, rows);
    printTable('Registry file', ['rows', 'size MiB', 'generated in s'], [[rows.toLocaleString('en'), MiB(gen.bytes), round(gen.ms / 1000, 1)]]);

    // 2. Load and look up, each loader in a fresh process
    const loads: LoadResult[] = [];
    for (const loader of ['compact', 'map'] as const) {
      await quiet(`load ${loader}`);
      loads.push(runChild(loader, file, rows));
    }
    printTable('Loading and checking (fresh process each; checks: 90 % match, 5 % other name, 5 % absent)',
      ['index', 'load s', 'rows/s', 'index MiB', 'heap+buffers MiB', 'RSS growth MiB', 'RSS before MiB', 'peak RSS MiB', 'checks/s', 'via provider/s'],
      loads.map((l) => [
        l.loader === 'compact' ? 'compact (project)' : 'Map<string,string>', round(l.loadMs / 1000, 2), Math.round(l.rows / (l.loadMs / 1000)).toLocaleString('en'),
        l.indexBytes === null ? null : MiB(l.indexBytes), MiB(l.heapGrowth + l.externalGrowth), MiB(l.rssGrowth), MiB(l.baselineRss), MiB(l.peakRss),
        Math.round(l.lookupPerSecond).toLocaleString('en'), l.providerPerSecond === null ? null : Math.round(l.providerPerSecond).toLocaleString('en'),
      ]));
    console.log(`verdicts (compact): ${JSON.stringify(loads[0].verdicts)}; (map): ${JSON.stringify(loads[1].verdicts)}`);

    // 3. The job end to end on PostgreSQL
    const admin = new pg.Client({ connectionString: args.pg });
    await admin.connect();
    await admin.query(`create database ${dbName}`);
    await admin.end();
    dbCreated = true;
    const target = new URL(args.pg);
    target.pathname = `/${dbName}`;
    const database = await openPostgres(target.toString(), 20);
    const cipher = new FieldCipher(randomBytes(32));
    const ctx = {
      config: loadConfig({ NODE_ENV: 'test', REALNAME_REGISTRY: file }),
      db: database.db, dbKind: database.kind, cipher, now: () => new Date(),
      log: pino({ level: 'silent' }) as unknown as FastifyBaseLogger,
    };
    await ensureSites(database.db);
    const counties = countyCodes().filter((_, i) => i % Math.max(1, Math.floor(2800 / countyCount)) === 0).slice(0, countyCount);

    // People: i % 20 === 1 another name (failed), === 2 a number not in the file (no_result), else the file's row.
    const inFile = [...syntheticIdentities(people)];
    const absent = [...syntheticIdentities(rows + people)].slice(rows);
    const t0 = performance.now();
    const now = new Date();
    for (let start = 0; start < people; start += 1000) {
      const accounts = [];
      const persons = [];
      const profiles = [];
      for (let j = start; j < Math.min(people, start + 1000); j++) {
        const identity = j % 20 === 1 ? { ...inFile[j], name: otherName(inFile[j].name) } : j % 20 === 2 ? absent[j] : inFile[j];
        const region = counties[j % counties.length];
        const id = uuidv7(now.getTime() + j);
        const phone = `139${String(j).padStart(8, '0')}`;
        accounts.push({ id, type: 'volunteer' as const, site_code: region.slice(0, 2), username: `bench_${j}`, display_name: identity.name, password_hash: 'x', password_changed_at: now, created_at: now, updated_at: now });
        persons.push({
          account_id: id, name: identity.name, id_type: 'resident_id' as const, id_number_enc: cipher.encrypt(identity.idNumber), id_number_masked: maskIdNumber(identity.idNumber),
          birth_date: null, gender: null, phone_enc: cipher.encrypt(phone), phone_masked: maskPhone(phone), email: null,
        });
        profiles.push({ account_id: id, volunteer_number: null, service_region_code: region, skills: '{}', other: '{}', event: '{}' });
      }
      await database.db.insertInto('accounts').values(accounts).execute();
      await database.db.insertInto('people').values(persons).execute();
      await database.db.insertInto('volunteer_profiles').values(profiles).execute();
    }
    const insertMs = performance.now() - t0;
    await sql`analyze`.execute(database.db);
    console.log(`\ninserted ${people.toLocaleString('en')} pending volunteers in ${round(insertMs / 1000, 1)} s; service regions over ${counties.length} counties`);

    const provider = createRegistryProvider(file);
    const tLoad = performance.now();
    await provider.prepare();
    console.log(`registry loaded for the job in ${round((performance.now() - tLoad) / 1000, 2)} s`);

    const results: JobResult[] = [];
    for (const workers of workerCounts) {
      // Back to the start: everyone pending, no numbers, no messages.
      await database.db.updateTable('people').set({ realname_status: 'pending', realname_checked_at: null, realname_note: null }).execute();
      await database.db.updateTable('volunteer_profiles').set({ volunteer_number: null }).execute();
      await database.db.deleteFrom('volunteer_number_counters').execute();
      await database.db.deleteFrom('account_lookups').where('kind', '=', 'volunteer_number').execute();
      await database.db.deleteFrom('outbox_messages').execute();
      await database.db.deleteFrom('audit_log').execute();

      const idle = await quiet(`job, ${workers} worker(s)`);
      const totals: RealnamePass = { claimed: 0, verified: 0, failed: 0, noResult: 0, manualReview: 0, unavailable: 0, superseded: 0, numbered: 0 };
      let passes = 0;
      const pg0 = cpuByName('postgres');
      const cpu0 = process.cpuUsage();
      const started = performance.now();
      let lastShown = 0;
      const worker = async () => {
        for (;;) {
          const pass = await runRealnamePass(ctx, { provider, batchSize, concurrency });
          passes++;
          for (const key of Object.keys(totals) as (keyof RealnamePass)[]) totals[key] += pass[key];
          if (process.stderr.isTTY && performance.now() - lastShown > 250) {
            lastShown = performance.now();
            process.stderr.write(`\r${workers} worker(s): ${totals.claimed.toLocaleString('en')} / ${people.toLocaleString('en')} checked`);
          }
          if (pass.claimed === 0) return;
        }
      };
      await Promise.all(Array.from({ length: workers }, worker));
      const ms = performance.now() - started;
      if (process.stderr.isTTY) process.stderr.write('\n');
      const cpu = process.cpuUsage(cpu0);
      const distinct = await database.db.selectFrom('volunteer_profiles').select((eb) => eb.fn.count<number>('volunteer_number').distinct().as('n')).executeTakeFirstOrThrow();
      const outbox = await database.db.selectFrom('outbox_messages').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      results.push({
        workers, people, idleBefore: idle, ms, perSecond: people / (ms / 1000), passes, totals,
        benchCpu: (cpu.user + cpu.system) / 1e6, postgresCpu: cpuDelta(pg0, cpuByName('postgres')),
        distinctNumbers: Number(distinct.n), outbox: Number(outbox.n),
      });
      if (Number(distinct.n) !== totals.verified) throw new Error(`numbers not distinct: ${distinct.n} for ${totals.verified} verified`);
    }
    await database.close();

    printTable(`The job end to end on PostgreSQL (${people.toLocaleString('en')} pending; batch ${batchSize}, ${concurrency} per worker; status + number + SMS + audit per person)`,
      ['workers', 'seconds', 'identities/s', 'verified', 'failed', 'no result', 'passes', 'distinct numbers', 'SMS', 'bench CPU s', 'PostgreSQL CPU s'],
      results.map((r) => [r.workers, round(r.ms / 1000, 1), Math.round(r.perSecond).toLocaleString('en'), r.totals.verified, r.totals.failed, r.totals.noResult,
        r.passes, r.distinctNumbers, r.outbox, round(r.benchCpu, 1), round(r.postgresCpu, 1)]));
    console.log(JSON.stringify({ rows, file: { bytes: gen.bytes, generateMs: Math.round(gen.ms) }, loads, job: results.map(({ totals, ...r }) => ({ ...r, ...totals })) }));
  } finally {
    await cleanUp();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
