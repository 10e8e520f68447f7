/**
 * Sign-in and registration throughput on PostgreSQL (docs/benchmarks.md, "Issue 2").
 *
 *   npx tsx bench/signin.ts [--accounts=200] [--concurrency=16] [--duration=20] [--warmup=3]
 *                           [--pg=postgres://postgres@127.0.0.1:5432/postgres] [--cpu-prof] [--quiet-wait=60]
 *                           [--threadpool=N]   (UV_THREADPOOL_SIZE for the server; default: Node's 4)
 *
 * Before the argon2 reference and before the measured sign-ins it waits (at most --quiet-wait seconds)
 * for the machine to be ≥ 85 % idle, and it reports what share of the CPUs the server, PostgreSQL, the
 * load generator and everything else used during the measured window: on a shared box other work
 * changes the figures a lot.
 *
 * 1. argon2id reference: in-process verifications/s with src/platform/passwords.ts at concurrency 1, 2, 4.
 * 2. Creates a fresh database zy_bench_<random>, starts the real server on it as a child process,
 *    registers --accounts volunteers through POST /api/v1/volunteers with --concurrency clients.
 * 3. Password sign-ins (POST /api/v1/auth/login, tokenMode) with --concurrency clients, cycling over the
 *    accounts: --warmup seconds unmeasured, then --duration seconds measured.
 * 4. Stops the server (SIGTERM), then replays a few sign-ins in-process against the same database with a
 *    query log, to count the SQL statements one sign-in issues and where its time goes.
 * 5. Drops the database and the temporary DATA_DIR.
 * Prints tables, then one JSON line. Only 127.0.0.1 is contacted.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { DB } from '../src/platform/database/schema.js';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  ROOT, cpuWindow, freePort, machine, waitForQuiet, type CpuShares, makeAgent, MiB, parseArgs, positiveInt, printTable, request, round, RssSampler,
  runLoad, startServer, stopServer, summarise, type LoadResult, type RunningServer,
} from './lib.js';

const args = parseArgs({
  child: '',
  accounts: '200', concurrency: '16', duration: '20', warmup: '3',
  pg: 'postgres://postgres@127.0.0.1:5432/postgres', 'cpu-prof': 'false', 'quiet-wait': '60', threadpool: '',
});
const QUIET_WAIT_S = Number(args['quiet-wait']);
const ACCOUNTS = positiveInt(args.accounts, 'accounts', 5000);
const CONCURRENCY = positiveInt(args.concurrency, 'concurrency', 256);
const DURATION_S = positiveInt(args.duration, 'duration', 600);
const WARMUP_S = positiveInt(args.warmup, 'warmup', 120);
const PASSWORD = 'Zhiyuan2468';
const adminUrl = new URL(args.pg);
if (!['127.0.0.1', 'localhost', '[::1]'].includes(adminUrl.hostname)) {
  console.error('--pg must point at a local PostgreSQL (127.0.0.1)');
  process.exit(64);
}

// ---------------------------------------------------------------- clean-up, also on Ctrl-C

const cleanups: (() => Promise<void> | void)[] = [];
let cleaned = false;
async function cleanUp() {
  if (cleaned) return;
  cleaned = true;
  for (const fn of cleanups.reverse()) {
    try {
      await fn();
    } catch (error) {
      console.error('clean-up step failed:', error);
    }
  }
}
process.on('SIGINT', () => void cleanUp().finally(() => process.exit(130)));
process.on('SIGTERM', () => void cleanUp().finally(() => process.exit(143)));

// ---------------------------------------------------------------- test data

/** GB 11643 check character (as idCheckChar in test/helper.ts). */
function idCheckChar(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((acc, d, i) => acc + Number(d) * weights[i], 0);
  return '10X98765432'[sum % 11];
}

/** A distinct valid resident ID for each i: Chaoyang district, born 1980-01-01 + i days, serial by i. */
function idNumber(i: number): string {
  const birth = new Date(Date.UTC(1980, 0, 1) + i * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
  const first17 = `110105${birth}${String(100 + (i % 900)).padStart(3, '0')}`;
  return first17 + idCheckChar(first17);
}

function volunteer(i: number) {
  return {
    siteCode: '11',
    username: `bench_${i}`,
    password: PASSWORD,
    name: '张三',
    idType: 'resident_id',
    idNumber: idNumber(i),
    phone: `139${String(i).padStart(8, '0')}`,
    email: `bench${i}@example.com`,
    serviceRegionCode: '110105',
    serviceCategories: ['community'],
  };
}

// ---------------------------------------------------------------- 1. argon2 reference

/**
 * Verifications/s at concurrency 1, 2 and 4: three rounds of 2 s each (after 0.5 s warm-up), and the
 * best round is reported, since on a shared machine other work can only make a round slower.
 */
async function argon2Reference() {
  const { hashPassword, verifyPassword, ARGON2_OPTIONS } = await import('../src/platform/passwords.js');
  const stored = await hashPassword(PASSWORD);
  const run = async (concurrency: number, ms: number, max: number) => {
    const latencies: number[] = [];
    let n = 0;
    const t0 = performance.now();
    const until = t0 + ms;
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (performance.now() < until && n < max) {
        n++;
        const s = performance.now();
        if (!(await verifyPassword(stored, PASSWORD))) throw new Error('argon2 verification failed');
        latencies.push(performance.now() - s);
      }
    }));
    return { perSecond: (latencies.length / (performance.now() - t0)) * 1000, latency: summarise(latencies) };
  };
  const rows: { concurrency: number; perSecond: number; rounds: number[]; latency: ReturnType<typeof summarise> }[] = [];
  for (const concurrency of [1, 2, 4]) {
    await run(concurrency, 500, 200);
    const rounds = [];
    for (let r = 0; r < 3; r++) rounds.push(await run(concurrency, 2000, 2000));
    const best = rounds.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
    rows.push({ concurrency, perSecond: best.perSecond, rounds: rounds.map((x) => round(x.perSecond, 1)!), latency: best.latency });
  }
  return { params: { ...ARGON2_OPTIONS }, threadpool: Number(process.env.UV_THREADPOOL_SIZE || 4), rows };
}

// ---------------------------------------------------------------- 4. queries per sign-in (in-process)

async function queryProbe(databaseUrl: string, dataDir: string, usernames: string[]) {
  await import('../src/platform/database/database.js'); // installs the same pg type parsers as the server
  const { Kysely, PostgresDialect } = await import('kysely');
  const { buildApp } = await import('../src/app.js');
  const { loadConfig } = await import('../src/platform/config.js');
  const { FieldCipher, resolveMasterKey } = await import('../src/platform/crypto.js');
  const { verifyPassword, hashPassword } = await import('../src/platform/passwords.js');

  const log: { sql: string; ms: number }[] = [];
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  const db = new Kysely<DB>({
    dialect: new PostgresDialect({ pool }),
    log: (event) => {
      log.push({ sql: event.query.sql, ms: event.queryDurationMillis });
    },
  });
  const config = loadConfig({ CAPTCHA: 'off', LOG_LEVEL: 'warn', DATA_DIR: dataDir, LOGIN_ADDRESS_FAILURE_LIMIT: '1000000' });
  const cipher = new FieldCipher(resolveMasterKey(null, dataDir, () => {}));
  const app = await buildApp({ ctx: { config, db, dbKind: 'postgresql', cipher, now: () => new Date() }, webRoot: null });
  await app.ready();
  try {
    const rounds = Math.min(40, usernames.length);
    const perLogin: { queries: number; sqlMs: number; totalMs: number }[] = [];
    const shapes = new Map<string, { count: number; ms: number }>();
    let cpuStart = process.cpuUsage();
    for (let i = 0; i < rounds + 3; i++) {
      if (i === 3) cpuStart = process.cpuUsage();
      log.length = 0;
      const t0 = performance.now();
      const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { identifier: usernames[i % usernames.length], password: PASSWORD, tokenMode: true } });
      const totalMs = performance.now() - t0;
      if (res.statusCode !== 200) throw new Error(`probe sign-in failed: ${res.statusCode} ${res.body}`);
      if (i < 3) continue; // warm-up: connections, policy cache, JIT
      perLogin.push({ queries: log.length, sqlMs: log.reduce((a, q) => a + q.ms, 0), totalMs });
      for (const q of log) {
        const shape = q.sql.replace(/\s+/g, ' ').replace(/^(select|insert into|update|delete from) ("[a-z_]+"|.{0,40}?from "[a-z_]+").*/i, '$1 $2').slice(0, 70);
        const entry = shapes.get(shape) ?? { count: 0, ms: 0 };
        entry.count++;
        entry.ms += q.ms;
        shapes.set(shape, entry);
      }
    }
    const loginCpu = process.cpuUsage(cpuStart);
    // The argon2 share of one sign-in, measured alone on this otherwise idle process.
    const stored = await hashPassword(PASSWORD);
    const argonMs: number[] = [];
    const argonCpuStart = process.cpuUsage();
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      await verifyPassword(stored, PASSWORD);
      argonMs.push(performance.now() - t0);
    }
    const argonCpu = process.cpuUsage(argonCpuStart);
    const n = perLogin.length;
    return {
      logins: n,
      queriesPerLogin: perLogin.reduce((a, p) => a + p.queries, 0) / n,
      sqlMsPerLogin: perLogin.reduce((a, p) => a + p.sqlMs, 0) / n,
      totalMsPerLogin: perLogin.reduce((a, p) => a + p.totalMs, 0) / n,
      argon2Ms: summarise(argonMs).p50,
      cpuMsPerLogin: (loginCpu.user + loginCpu.system) / 1000 / n,
      argon2CpuMs: (argonCpu.user + argonCpu.system) / 1000 / argonMs.length,
      statements: [...shapes.entries()].map(([sql, s]) => ({ sql, perLogin: s.count / n, meanMs: s.ms / s.count })),
    };
  } finally {
    await app.close();
    await db.destroy();
  }
}

// ---------------------------------------------------------------- child processes

/**
 * The argon2 reference and the SQL probe load the application's modules, so they run in child processes
 * (this same file with --child=…): the load generator itself stays a plain HTTP client whose memory is
 * its own, and a module that another developer is editing right now cannot take the whole run down.
 */
async function inChild<T>(mode: string, input: unknown, timeoutMs: number): Promise<T> {
  const payload = Buffer.from(JSON.stringify(input)).toString('base64url');
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), `--child=${mode}:${payload}`], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c));
  child.stderr.on('data', (c: Buffer) => (err = (err + c).slice(-4000)));
  const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  clearTimeout(timer);
  const last = out.trim().split('\n').at(-1) ?? '';
  if (code !== 0 || !last.startsWith('{')) throw new Error(`child ${mode} failed (exit ${code}): ${err.trim().split('\n').slice(0, 3).join(' | ')}`);
  return JSON.parse(last) as T;
}

async function childMain(spec: string) {
  const [mode, payload] = spec.split(':');
  const input = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString() || 'null');
  if (mode === 'argon2') console.log(JSON.stringify(await argon2Reference()));
  else if (mode === 'probe') console.log(JSON.stringify(await queryProbe(input.databaseUrl, input.dataDir, input.usernames)));
  else throw new Error(`unknown child mode ${mode}`);
}

// ---------------------------------------------------------------- main

async function main() {
  const started = new Date();
  const host = machine();
  const pgVersion = await (async () => {
    const client = new pg.Client({ connectionString: args.pg });
    await client.connect();
    try {
      return (await client.query('show server_version')).rows[0].server_version as string;
    } finally {
      await client.end();
    }
  })();
  console.log(`Zhiyuan sign-in benchmark — ${started.toISOString()}`);
  console.log(`machine: ${host.nproc} CPUs (${host.cpu}), ${host.memTotalGiB} GiB, Node ${host.node}, PostgreSQL ${pgVersion}, load average ${host.loadavg1m}`);

  // 1. argon2 reference, before anything else runs.
  const quietArgon = await waitForQuiet(QUIET_WAIT_S * 1000);
  console.log(`\n[1/5] argon2id reference (in-process, @node-rs/argon2), machine ${Math.round(quietArgon.idle * 100)} % idle …`);
  const argon = await inChild<Awaited<ReturnType<typeof argon2Reference>>>('argon2', null, 120_000);

  // 2. fresh database, server.
  const dbName = `zy_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: args.pg });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  await admin.end();
  cleanups.push(async () => {
    const dropper = new pg.Client({ connectionString: args.pg });
    await dropper.connect();
    await dropper.query(`drop database if exists ${dbName} with (force)`);
    await dropper.end();
    console.log(`dropped database ${dbName}`);
  });
  const dbUrl = new URL(args.pg);
  dbUrl.pathname = `/${dbName}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zy-bench-signin-'));
  cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const profDir = path.join(os.tmpdir(), `zy-bench-cpuprof-${process.pid}`);
  const cpuProf = args['cpu-prof'] === 'true';

  const port = await freePort();
  console.log(`[2/5] starting the server on ${dbName}, port ${port} …`);
  let server: RunningServer | null = await startServer({
    DATABASE_URL: dbUrl.toString(), CAPTCHA: 'off', PORT: String(port), LOG_LEVEL: 'warn', DATA_DIR: dataDir,
    LOGIN_ADDRESS_FAILURE_LIMIT: '1000000',
    ...(args.threadpool ? { UV_THREADPOOL_SIZE: String(positiveInt(args.threadpool, 'threadpool', 64)) } : {}),
  }, { nodeArgs: cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [] });
  cleanups.push(async () => {
    if (server) await stopServer(server);
  });
  const serverLabel = server.label;
  const serverReadyMs = server.readyMs;
  console.log(`      ${server.label}, pid ${server.pid}, ready in ${Math.round(server.readyMs)} ms`);
  const monitor = new pg.Client({ connectionString: args.pg });
  await monitor.connect();
  cleanups.push(() => monitor.end());
  const ourPostgresPids = async () => new Set<number>((await monitor.query(
    "select pid from pg_stat_activity where datname = $1 or backend_type <> 'client backend'", [dbName],
  )).rows.map((r) => Number(r.pid)));
  const serverRss = new RssSampler(server.pid);
  const selfRss = new RssSampler('self');
  const agent = makeAgent(CONCURRENCY);
  selfRss.takePhasePeak(); // from here on: the load generator's own peak while it drives HTTP load

  // 3a. registrations.
  const quietRegister = await waitForQuiet(QUIET_WAIT_S * 1000);
  console.log(`[3/5] registering ${ACCOUNTS} volunteers with ${CONCURRENCY} clients (machine ${Math.round(quietRegister.idle * 100)} % idle) …`);
  const usernames: string[] = [];
  const registerCpuEnd = cpuWindow(server.pid, ourPostgresPids);
  const register = await runLoad({
    port, agent, concurrency: CONCURRENCY, durationMs: 300_000, maxRequests: ACCOUNTS, expectStatus: 201,
    next: (i) => (i < ACCOUNTS ? { method: 'POST', path: '/api/v1/volunteers', body: volunteer(i) } : null),
    onOk: (i) => usernames.push(volunteer(i).username),
  });
  const registerCpu = await registerCpuEnd(register.elapsedMs);
  const registerServerPeak = serverRss.takePhasePeak();
  if (usernames.length === 0) throw new Error(`no registration succeeded: ${register.firstError}`);

  // 3b. sign-ins.
  let cursor = 0;
  const loginSpec = () => ({
    method: 'POST', path: '/api/v1/auth/login',
    body: { identifier: usernames[cursor++ % usernames.length], password: PASSWORD, tokenMode: true },
  });
  console.log(`[4/5] sign-ins: ${WARMUP_S} s warm-up, then ${DURATION_S} s measured, ${CONCURRENCY} clients over ${usernames.length} accounts …`);
  await runLoad({ port, agent, concurrency: CONCURRENCY, durationMs: WARMUP_S * 1000, maxRequests: 1_000_000, expectStatus: 200, next: loginSpec });
  serverRss.takePhasePeak();
  const quiet = await waitForQuiet(QUIET_WAIT_S * 1000);
  console.log(`      machine ${Math.round(quiet.idle * 100)} % idle before the measured window (waited ${Math.round(quiet.waitedMs / 1000)} s)`);
  const signinCpuEnd = cpuWindow(server.pid, ourPostgresPids);
  const windowStartedAt = performance.now();
  const loadBefore = os.loadavg()[0];
  const login: LoadResult = await runLoad({
    port, agent, concurrency: CONCURRENCY, durationMs: DURATION_S * 1000, maxRequests: 1_000_000, expectStatus: 200, next: loginSpec,
  });
  const signinCpu = await signinCpuEnd(login.elapsedMs);
  const serverCpu = signinCpu.server;
  const otherCpu = Math.max(signinCpu.other, registerCpu.other);
  const loginServerPeak = serverRss.takePhasePeak();
  const selfLoadPeak = selfRss.takePhasePeak();
  const health = await request(port, 'GET', '/api/v1/health', undefined, { agent });
  agent.destroy();

  const windowEndedAt = performance.now();
  const stopped = await stopServer(server);
  const exitedAt = performance.now();
  server = null;
  const serverPeak = serverRss.stop();
  const selfPeak = selfRss.stop();

  // 4. queries per sign-in, against the same database, with the server stopped.
  console.log('[5/5] counting SQL statements per sign-in (in-process replay, server stopped) …');
  const probe = await inChild<Awaited<ReturnType<typeof queryProbe>>>('probe', { databaseUrl: dbUrl.toString(), dataDir, usernames }, 120_000)
    .catch((error) => {
      console.log(`      probe skipped: ${String(error).split('\n')[0]}`);
      return null;
    });
  let profile: ReturnType<typeof summariseCpuProfile> = null;
  // The profile's clock is not ours, but it ends when the server exits: place the window by its distance from the exit.
  if (cpuProf) profile = summariseCpuProfile(profDir, exitedAt - windowStartedAt, exitedAt - windowEndedAt);

  await cleanUp();

  // ---------------------------------------------------------------- report
  const ms = (n: number) => round(n, 1);
  printTable(`argon2id m=19 MiB t=2 p=1, in-process verifications (reference; best of 3 × 2 s; libuv pool ${argon.threadpool})`,
    ['concurrency', 'verifications/s', 'all rounds', 'p50 ms', 'p95 ms', 'p99 ms'],
    argon.rows.map((r) => [r.concurrency, round(r.perSecond, 1), r.rounds.join(' / '), ms(r.latency.p50), ms(r.latency.p95), ms(r.latency.p99)]));
  printTable(`HTTP against the server (${CONCURRENCY} clients)`, ['operation', 'ok', 'errors', 'per second', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'], [
    [`register (${ACCOUNTS})`, register.ok, register.errors, round(register.perSecond, 1), ms(register.latency.p50), ms(register.latency.p95), ms(register.latency.p99), ms(register.latency.max)],
    [`sign-in (${DURATION_S} s)`, login.ok, login.errors, round(login.perSecond, 1), ms(login.latency.p50), ms(login.latency.p95), ms(login.latency.p99), ms(login.latency.max)],
  ]);
  printTable('Resources', ['what', 'value'], [
    ['server peak RSS (whole run, VmHWM)', `${MiB(serverPeak)} MiB`],
    ['server peak RSS during registration', `${MiB(registerServerPeak)} MiB`],
    ['server peak RSS during sign-ins', `${MiB(loginServerPeak)} MiB`],
    ...cpuRows('registration', registerCpu),
    ...cpuRows('sign-in window', signinCpu),
    ['sign-ins per server CPU-second', round(login.perSecond / serverCpu, 1)],
    ['server CPU per sign-in', `${round((serverCpu * 1000) / login.perSecond, 1)} ms`],
    ['server CPU per registration', `${round((registerCpu.server * 1000) / register.perSecond, 1)} ms`],
    ['load generator peak RSS while driving HTTP load', `${MiB(selfLoadPeak)} MiB`],
    ['load generator peak RSS (VmHWM, whole run)', `${MiB(selfPeak)} MiB`],
    ['machine idle just before the window', `${Math.round(quiet.idle * 100)} %`],
    ['load average (1 min) at sign-in start', round(loadBefore, 2)],
    ['server stop on SIGTERM', `${stopped.clean ? 'exit 0' : `code ${stopped.code} signal ${stopped.signal}`} in ${Math.round(stopped.stopMs)} ms`],
  ]);
  if (probe) {
    printTable(`One sign-in, replayed in-process (${probe.logins} sequential): ${round(probe.queriesPerLogin, 1)} SQL statements`,
      ['statement', 'per sign-in', 'mean ms'], probe.statements.map((s) => [s.sql, round(s.perLogin, 2), round(s.meanMs, 2)]));
    console.log(`sequential sign-in: ${ms(probe.totalMsPerLogin)} ms in all, of which SQL ${ms(probe.sqlMsPerLogin)} ms and one argon2 verification ≈ ${ms(probe.argon2Ms)} ms;`);
    console.log(`  Node CPU per sign-in ${ms(probe.cpuMsPerLogin)} ms, of which argon2 ≈ ${ms(probe.argon2CpuMs)} ms (HTTP parsing not included: inject)`);
  }
  if (profile) {
    printTable(`Server main thread (${profile.file}): busy ${profile.busyPct} % of the sign-in window; top self time, % of busy samples`,
      ['function', 'self %'], profile.top.map((t) => [t.fn, t.selfPct]));
  }
  if (login.errors || register.errors) {
    console.log(`\nerrors: register ${JSON.stringify(register.errorKinds)}, sign-in ${JSON.stringify(login.errorKinds)}; first: ${login.firstError ?? register.firstError}`);
  }
  const disturbed = otherCpu > 0.25;
  if (disturbed) {
    console.log(`\nWARNING: other processes used up to ${round(otherCpu, 2)} cores during a measured window; the rates are`);
    console.log('understated. "sign-ins per server CPU-second" is the figure that carries over; run again on a quiet machine.');
  }
  const goal = login.perSecond >= 100;
  console.log(`\ngoal ≥ 100 sign-ins/s: ${goal ? 'MET' : 'NOT MET'} (${round(login.perSecond, 1)}/s)`);

  const lat = (s: ReturnType<typeof summarise>) => ({ p50: ms(s.p50), p95: ms(s.p95), p99: ms(s.p99), max: ms(s.max) });
  console.log(JSON.stringify({
    bench: 'signin', date: started.toISOString(), machine: { ...host, postgres: pgVersion }, server: { command: serverLabel, readyMs: Math.round(serverReadyMs), uvThreadpool: Number(args.threadpool || 4) },
    concurrency: CONCURRENCY,
    argon2: { params: argon.params, rows: argon.rows.map((r) => ({ concurrency: r.concurrency, perSecond: round(r.perSecond, 1), rounds: r.rounds, ...lat(r.latency) })) },
    register: { requested: ACCOUNTS, ok: register.ok, errors: register.errors, perSecond: round(register.perSecond, 1), latencyMs: lat(register.latency) },
    signin: {
      durationS: DURATION_S, warmupS: WARMUP_S, ok: login.ok, errors: login.errors, errorKinds: login.errorKinds, perSecond: round(login.perSecond, 1),
      latencyMs: lat(login.latency), goalMet: goal, disturbed,
      perServerCpuSecond: round(login.perSecond / serverCpu, 1),
    },
    memory: { serverPeakRssMiB: MiB(serverPeak), serverRegisterPeakMiB: MiB(registerServerPeak), serverSigninPeakMiB: MiB(loginServerPeak), loadGeneratorHttpPeakRssMiB: MiB(selfLoadPeak), loadGeneratorPeakRssMiB: MiB(selfPeak) },
    cpuCores: { register: roundShares(registerCpu), signin: roundShares(signinCpu) },
    idleBefore: { argon2: round(quietArgon.idle, 2), register: round(quietRegister.idle, 2), signin: round(quiet.idle, 2) },
    perSignin: {
      serverCpuMsUnderLoad: ms((serverCpu * 1000) / login.perSecond),
      ...(probe && {
        sqlStatements: round(probe.queriesPerLogin, 1), sqlMs: ms(probe.sqlMsPerLogin), totalMs: ms(probe.totalMsPerLogin), argon2Ms: ms(probe.argon2Ms),
        cpuMs: ms(probe.cpuMsPerLogin), argon2CpuMs: ms(probe.argon2CpuMs),
      }),
    },
    healthAfter: health.status, serverStop: { clean: stopped.clean, ms: Math.round(stopped.stopMs) },
  }));
}

function cpuRows(phase: string, c: CpuShares): [string, string][] {
  return [
    [`CPU during ${phase}: server`, `${round(c.server, 2)} cores`],
    [`CPU during ${phase}: PostgreSQL`, `${round(c.postgres, 2)} cores`],
    [`CPU during ${phase}: load generator`, `${round(c.loadGenerator, 2)} cores`],
    [`CPU during ${phase}: everything else`, `${round(c.other, 2)} cores`],
    [`CPU during ${phase}: machine busy`, `${round(c.machineBusy, 2)} of ${os.availableParallelism()} cores`],
  ];
}

function roundShares(c: CpuShares) {
  return Object.fromEntries(Object.entries(c).map(([k, v]) => [k, round(v, 2)]));
}

/** Top self-time functions of the newest .cpuprofile that `node --cpu-prof` wrote at exit. */
function summariseCpuProfile(dir: string, windowStartBeforeExitMs: number, windowEndBeforeExitMs: number) {
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')) : [];
  if (files.length === 0) return null;
  // CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile: thread 0 is the main thread (tsx adds a loader thread).
  const main = files.filter((f) => f.split('.')[4] === '0');
  const file = path.join(dir, (main.length ? main : files).sort().at(-1)!);
  const prof = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
    samples: number[];
    timeDeltas: number[];
    startTime: number;
    endTime: number;
  };
  const from = prof.endTime - windowStartBeforeExitMs * 1000;
  const to = prof.endTime - windowEndBeforeExitMs * 1000;
  let t = prof.startTime;
  const inWindow = prof.samples.filter((_, i) => {
    t += prof.timeDeltas[i];
    return t >= from && t <= to;
  });
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const counts = new Map<string, number>();
  for (const id of inWindow) {
    const frame = byId.get(id)!.callFrame;
    const where = frame.url ? `${frame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/src\//, 'src/')}:${frame.lineNumber + 1}` : '';
    const key = `${frame.functionName || '(anonymous)'} ${where}`.trim();
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const idle = counts.get('(idle)') ?? 0;
  counts.delete('(idle)');
  const busy = inWindow.length - idle;
  const top = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([fn, n]) => ({ fn: fn.slice(0, 90), selfPct: round((n / busy) * 100, 1)! }));
  const busyPct = round((busy / inWindow.length) * 100, 1)!;
  return { file, busyPct, top };
}

if (args.child) {
  childMain(args.child).catch((error) => {
    console.error(error);
    process.exit(1);
  });
} else {
  main().catch(async (error) => {
    console.error(error);
    await cleanUp();
    process.exit(1);
  });
}
