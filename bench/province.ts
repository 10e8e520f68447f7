/**
 * Issue 5 figures on a generated province (bench/province-generate.ts makes the database, once; this script only
 * reads it and adds what each phase needs: sessions, enrolments for the batch, shifts for check-in).
 *
 *   npx tsx bench/province.ts [--db=zy_bench_province] [--phases=search,batch,home,scan] [--duration=20] [--warmup=5]
 *     [--search-clients=32] [--home-clients=32] [--scan-clients=100] [--light-clients=2 (home and scan again with this many)]
 *     [--search-rates=250,500 (open-loop search rates, at most --search-clients in flight; empty for none)] [--scan-rates=250,500 (open-loop check-in rates, at most --scan-clients in flight; empty for none)]
 *     [--batch-runs=3] [--batch-size=10000] [--quiet-wait=30 (seconds to wait for an idle machine)]
 *     [--pg=postgres://postgres@localhost:5432/postgres?host=/var/run/postgresql (the Unix socket if present, else 127.0.0.1:5432)] [--prewarm=true (pg_prewarm the tables the requests read)]
 *     [--cpu-prof=DIR (the server writes a V8 CPU profile there when it stops)]
 *
 * Starts the real server (bench/lib.ts startServer) on that database with the generator's DATA_KEY, and measures:
 * project search (GET /api/v1/projects over a mix of filters), the batch of service records (POST /projects/{id}/hours,
 * whole request including the commit), the volunteer home page (GET /me and /me/home in parallel, as the web app
 * opens it) and QR check-in (POST /attendance/scan). Sessions are inserted
 * directly (token hash as src/platform/sessions.ts makes it): sign-in itself is bench/signin.ts's subject.
 * Every phase leaves its rows behind (records, enrolments, shifts, attendance, sessions), so a reused database
 * slowly grows; each phase picks fresh volunteers, projects and shifts so that repeated runs stay valid.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import {
  cpuWindow, freePort, machine, makeAgent, MiB, parseArgs, positiveInt, printTable, request, round, RssSampler, runLoad, startServer, stopServer,
  runOpenLoop, summarise, waitForQuiet, type RunningServer,
} from './lib.js';
import { BOX, countiesOf, DATA_KEY, DAY_MS, PROJECT_WORDS, projectKind, TAG, uuid } from './province-generate.js';
import { FieldCipher, sha256 } from '../src/platform/crypto.js';
import { uuidv7 } from '../src/platform/ids.js';
import { signQr } from '../src/modules/schedules/qr.js';
import { SERVICE_CATEGORY_CODES } from '../src/modules/meta/catalog.js';

const args = parseArgs({
  db: 'zy_bench_province', phases: 'search,batch,home,scan', duration: '20', warmup: '5', 'search-clients': '32', 'search-rates': '250,500', 'home-clients': '32',
  'scan-clients': '100', 'scan-rates': '250,500', 'light-clients': '2', 'batch-runs': '3', 'batch-size': '10000', 'quiet-wait': '30', prewarm: 'true', 'cpu-prof': '',
  // The server and PostgreSQL share the machine: its Unix socket when there is one (see docs/benchmarks.md), else TCP.
  pg: fs.existsSync('/var/run/postgresql/.s.PGSQL.5432') ? 'postgres://postgres@localhost:5432/postgres?host=/var/run/postgresql' : 'postgres://postgres@127.0.0.1:5432/postgres',
});
const DURATION_S = positiveInt(args.duration, 'duration', 600);
const WARMUP_S = positiveInt(args.warmup, 'warmup', 120);
const BATCH = positiveInt(args['batch-size'], 'batch-size', 10_000);
const BATCH_RUNS = positiveInt(args['batch-runs'], 'batch-runs', 10);
const phases = new Set(args.phases.split(','));
if (!/^zy_bench_province[a-z0-9_]*$/.test(args.db)) throw new Error('--db must be a zy_bench_province… database');

const rnd = (n: number) => Math.floor(Math.random() * n);
const pick = <T>(list: readonly T[]): T => list[rnd(list.length)]!;
const ms = (n: number) => round(n, 1);
const summaryRows: (string | number | null)[][] = [];

async function main() {
  const host = machine();
  const dbUrl = new URL(args.pg);
  dbUrl.pathname = `/${args.db}`;
  const db = new pg.Client({ connectionString: dbUrl.toString() });
  await db.connect();
  const pgVersion = (await db.query('show server_version')).rows[0].server_version as string;
  const site = (await db.query(`select site_code from projects limit 1`)).rows[0]?.site_code as string;
  if (!site) throw new Error(`${args.db} holds no projects: run bench/province-generate.ts first`);
  const counts = (await db.query(`select
      (select count(*) from accounts where type = 'volunteer') as volunteers, (select count(*) from groups) as groups,
      (select count(*) from projects) as projects, (select reltuples::bigint from pg_class where relname = 'service_records') as records,
      pg_size_pretty(pg_database_size(current_database())) as size`)).rows[0];
  const V = Number(counts.volunteers);
  const G = Number(counts.groups);
  const P = Number(counts.projects);
  console.log(`Zhiyuan province benchmark (issue 5) — ${new Date().toISOString()}`);
  console.log(`machine: ${host.nproc} CPUs (${host.cpu}), ${host.memTotalGiB} GiB, Node ${host.node}, PostgreSQL ${pgVersion}, load average ${host.loadavg1m}`);
  console.log(`database ${args.db} (${counts.size}): site ${site}, ${V.toLocaleString('en')} volunteers, ${G.toLocaleString('en')} groups, ${P.toLocaleString('en')} projects, ~${Number(counts.records).toLocaleString('en')} service records`);
  const cipher = new FieldCipher(Buffer.from(DATA_KEY, 'base64'));
  const settings = (await db.query(`select string_agg(name || '=' || current_setting(name), ', ' order by name) as s from pg_settings
    where name in ('shared_buffers', 'effective_cache_size', 'jit', 'random_page_cost', 'work_mem', 'shared_preload_libraries')`)).rows[0].s;
  console.log(`PostgreSQL settings: ${settings}; server connects by ${dbUrl.searchParams.get('host')?.startsWith('/') ? 'Unix socket' : 'TCP'}`);
  if (args.prewarm === 'true') {
    // A server that has been running holds its hot tables and indexes in shared buffers; one just restarted (or a
    // database just generated) reads them from disk. Load every table and index but the ledger's 3.7 GB heap (new
    // records go to its end) and what no measured request reads (sign-in look-ups, the audit log).
    const t0 = performance.now();
    await db.query('create extension if not exists pg_prewarm');
    const { rows: [warm] } = await db.query(`select coalesce(sum(pg_prewarm(c.oid)), 0) * 8 / 1024 as mb from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'i')
        and c.relname not in ('service_records', 'account_lookups', 'account_lookups_pkey', 'account_lookups_account', 'audit_log')`);
    console.log(`pg_prewarm: ${Math.round(Number(warm.mb))} MB of tables and indexes loaded in ${round((performance.now() - t0) / 1000, 1)} s`);
  }

  /** Sessions for accounts, inserted directly; returns the bearer tokens in the same order. */
  async function sessions(accountIds: string[]): Promise<string[]> {
    const tokens = accountIds.map(() => randomBytes(32).toString('base64url'));
    const now = Date.now();
    for (let i = 0; i < accountIds.length; i += 5000) {
      const ids = accountIds.slice(i, i + 5000);
      await db.query(`insert into sessions (id, token_hash, account_id, kind, created_at, last_seen_at, idle_expires_at, absolute_expires_at)
        select * , 'token', now(), now(), now() + interval '1 day', now() + interval '1 day' from unnest($1::uuid[], $2::text[], $3::uuid[])`,
      [ids.map(() => uuidv7(now)), tokens.slice(i, i + 5000).map(sha256), ids]);
    }
    return tokens;
  }
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zy-bench-province-'));
  const port = await freePort();
  const quiet = await waitForQuiet(positiveInt(args['quiet-wait'], 'quiet-wait', 600) * 1000, 0.85);
  console.log(`machine idle share before start: ${round(quiet.idle * 100, 0)} % (waited ${round(quiet.waitedMs / 1000, 0)} s); load average ${round(os.loadavg()[0], 2)}`);
  let server: RunningServer | null = await startServer({
    DATABASE_URL: dbUrl.toString(), CAPTCHA: 'off', PORT: String(port), LOG_LEVEL: 'warn', DATA_DIR: dataDir, DATA_KEY: DATA_KEY,
  }, { nodeArgs: args['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', args['cpu-prof']] : [] });
  console.log(`server: ${server.label}, pid ${server.pid}, ready in ${Math.round(server.readyMs)} ms`);
  const rss = new RssSampler(server.pid);
  const monitor = new pg.Client({ connectionString: args.pg });
  await monitor.connect();
  const ourPostgresPids = async () => new Set<number>((await monitor.query(
    "select pid from pg_stat_activity where datname = $1 or backend_type <> 'client backend'", [args.db],
  )).rows.map((r) => Number(r.pid)));
  const cpuLine = (cpu: Awaited<ReturnType<ReturnType<typeof cpuWindow>>>, perSecond: number) =>
    `cores server ${round(cpu.server, 2)} / PostgreSQL ${round(cpu.postgres, 2)} / load gen. ${round(cpu.loadGenerator, 2)} / others ${round(cpu.other, 2)}; `
    + `per request: server ${round((cpu.server * 1000) / perSecond, 2)} ms, PostgreSQL ${round((cpu.postgres * 1000) / perSecond, 2)} ms`;

  try {
    // ---------------------------------------------------------------- project search
    if (phases.has('search')) {
      const clients = positiveInt(args['search-clients'], 'search-clients', 512);
      const searchRates = args['search-rates'].split(',').filter(Boolean).map((r) => positiveInt(r, 'search-rates', 20_000));
      const counties = countiesOf(site);
      const [lat0, lat1, lng0, lng1] = BOX[site]!;
      const enc = encodeURIComponent;
      const mix: { name: string; query: () => string }[] = [
        { name: 'site + category', query: () => `siteCode=${site}&category=${pick(SERVICE_CATEGORY_CODES)}` },
        { name: 'site + region (county)', query: () => `siteCode=${site}&regionCode=${pick(counties)}` },
        { name: 'region (city) + status recruiting', query: () => `regionCode=${pick(counties).slice(0, 4)}00&status=recruiting` },
        { name: 'name text, site', query: () => `siteCode=${site}&name=${enc(pick(PROJECT_WORDS))}` },
        { name: 'name text + category', query: () => `name=${enc(pick(PROJECT_WORDS).slice(0, 2))}&category=${pick(SERVICE_CATEGORY_CODES)}` },
        { name: 'near + radiusKm 10', query: () => `near=${(lat0 + Math.random() * (lat1 - lat0)).toFixed(4)},${(lng0 + Math.random() * (lng1 - lng0)).toFixed(4)}&radiusKm=10` },
        { name: 'near + 30 km + in_progress', query: () => `near=${(lat0 + Math.random() * (lat1 - lat0)).toFixed(4)},${(lng0 + Math.random() * (lng1 - lng0)).toFixed(4)}&radiusKm=30&status=in_progress` },
        { name: 'site + status', query: () => `siteCode=${site}&status=${pick(['recruiting', 'in_progress', 'finished'])}` },
        { name: 'site + dates (from/to month)', query: () => { const d = Date.now() - rnd(900) * DAY_MS; return `siteCode=${site}&from=${new Date(d).toISOString().slice(0, 10)}&to=${new Date(d + 30 * DAY_MS).toISOString().slice(0, 10)}`; } },
        { name: 'site, sort=start', query: () => `siteCode=${site}&sort=start&status=recruiting` },
        { name: 'national newest', query: () => '' },
        { name: 'site, page 2-50', query: () => `siteCode=${site}&page=${2 + rnd(49)}&pageSize=20` },
      ];
      const comboOf: number[] = [];
      const spec = (i: number) => {
        const c = i % mix.length;
        comboOf[i] = c;
        const q = mix[c]!.query();
        return { method: 'GET', path: `/api/v1/projects${q ? `?${q}` : ''}` };
      };
      const agent = makeAgent(clients);
      console.log(`\n[search] ${WARMUP_S} s warm-up, then ${DURATION_S} s for each of: ${clients} clients in a closed loop${searchRates.map((r) => `, ${r}/s arriving`).join('')}; ${mix.length} filter combinations …`);
      await runLoad({ port, agent, concurrency: clients, durationMs: WARMUP_S * 1000, maxRequests: 10_000_000, expectStatus: 200, next: spec });
      for (const rate of [0, ...searchRates]) {
        const perCombo: number[][] = mix.map(() => []);
        const totals: number[][] = mix.map(() => []);
        rss.takePhasePeak();
        const cpuEnd = cpuWindow(server.pid, ourPostgresPids);
        const onOk = (i: number, reply: { ms: number; body: string }) => {
          perCombo[comboOf[i]!]!.push(reply.ms);
          if (totals[comboOf[i]!]!.length < 200) totals[comboOf[i]!]!.push(JSON.parse(reply.body).total);
        };
        const result = rate
          ? await runOpenLoop({ port, agent, ratePerSecond: rate, maxInFlight: clients, durationMs: DURATION_S * 1000, expectStatus: 200, next: spec, onOk })
          : await runLoad({ port, agent, concurrency: clients, durationMs: DURATION_S * 1000, maxRequests: 10_000_000, expectStatus: 200, next: spec, onOk });
        const cpu = await cpuEnd(result.elapsedMs);
        const label = rate ? `${rate} searches/s arriving, at most ${clients} in flight` : `${clients} clients`;
        printTable(`GET /api/v1/projects, ${label}, ${DURATION_S} s`, ['combination', 'ok', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'median total'], [
          ...mix.map((c, k) => {
            const s = summarise(perCombo[k]!);
            const t = [...totals[k]!].sort((a, b) => a - b);
            return [c.name, s.count, ms(s.p50), ms(s.p95), ms(s.p99), ms(s.max), t.length ? t[Math.floor(t.length / 2)]! : null];
          }),
          ['ALL', result.ok, ms(result.latency.p50), ms(result.latency.p95), ms(result.latency.p99), ms(result.latency.max), null],
        ]);
        console.log(`searches/s ${round(result.perSecond, 1)}; errors ${result.errors}${result.firstError ? ` (first: ${result.firstError.slice(0, 200)})` : ''}; ${cpuLine(cpu, result.perSecond)}; server RSS peak ${MiB(rss.takePhasePeak())} MiB`);
        summaryRows.push([`project search, ${label}`, round(result.perSecond, 1), ms(result.latency.p50), ms(result.latency.p95), ms(result.latency.p99), 'p95 < 50 ms', result.latency.p95 < 50 && result.errors === 0 ? 'met' : 'NOT met']);
      }
      agent.destroy();
    }

    // ---------------------------------------------------------------- batch of service records
    if (phases.has('batch')) {
      const today = Math.floor((Date.now() + 8 * 3_600_000) / DAY_MS);
      const date = new Date((today - 1) * DAY_MS).toISOString().slice(0, 10);
      const windowStart = `${date} 21:00:00+08`;
      const windowEnd = `${date} 23:30:00+08`;
      const times: number[] = [];
      console.log(`\n[batch] ${BATCH_RUNS} runs of ${BATCH.toLocaleString('en')} records (${date} 21:00–23:30, 2.5 h each) into projects in progress …`);
      for (let run = 0; run < BATCH_RUNS; run++) {
        // An in-progress project not used by an earlier run (its group has no session named for it yet).
        let p = 0;
        let project: { id: string; group_id: string; account_id: string; position: string } | undefined;
        for (let tries = 0; tries < 50 && !project; tries++) {
          p = rnd(P / 10) * 10 + 8;
          if (projectKind(p) !== 'in_progress') continue;
          project = (await db.query(`select p.id, p.group_id, g.account_id, (select id from positions where site_code = p.site_code and project_id = p.id order by id limit 1) as position
            from projects p join groups g on g.site_code = p.site_code and g.id = p.group_id
            where p.id = $1 and p.status = 'recruiting' and p.end_date >= $2 and p.start_date <= $2
              and (select count(*) from enrollments e where e.site_code = p.site_code and e.project_id = p.id) < 100`, [uuid(TAG.project, p), date])).rows[0];
        }
        if (!project) throw new Error('no unused project in progress found');
        // Volunteers with nothing recorded in the window who are not enrolled yet; enrolled here as the API would leave them.
        const candidates = Array.from({ length: Math.round(BATCH * 1.3) }, () => uuid(TAG.volunteer, rnd(V)));
        const volunteers = (await db.query(`select distinct a.v from unnest($1::uuid[]) as a (v)
          where not exists (select 1 from service_records r where r.account_id = a.v and r.status <> 'deleted' and r.start_at < $3 and r.end_at > $2)
            and not exists (select 1 from enrollments e where e.site_code = $4 and e.project_id = $5 and e.account_id = a.v)
          limit $6`, [candidates, windowStart, windowEnd, site, project.id, BATCH])).rows.map((r) => r.v as string);
        await db.query('begin');
        await db.query(`insert into enrollments (site_code, project_id, account_id, position_id, status, via, applied_at, decided_at)
          select $1, $2, v, $3, 'enrolled', 'application', now(), now() from unnest($4::uuid[]) as v`, [site, project.id, project.position, volunteers]);
        await db.query(`update positions set quota = quota + $3, enrolled_count = enrolled_count + $3 where site_code = $1 and project_id = $2 and id = $4`,
          [site, project.id, volunteers.length, project.position]);
        await db.query(`update projects set total_quota = total_quota + $3, enrolled_count = enrolled_count + $3 where site_code = $1 and id = $2`,
          [site, project.id, volunteers.length]);
        await db.query('commit');
        await db.query('analyze enrollments');
        const [token] = await sessions([project.account_id]);
        const before = (await db.query(`select total_hours from projects where id = $1`, [project.id])).rows[0].total_hours;
        const records = volunteers.map((volunteerId) => ({ volunteerId, serviceDate: date, startTime: '21:00', endTime: '23:30', hours: 2.5 }));
        const cpuEnd = cpuWindow(server.pid, ourPostgresPids);
        const t0 = performance.now();
        const reply = await request(port, 'POST', `/api/v1/projects/${project.id}/hours`, { records }, { headers: bearer(token!), timeoutMs: 120_000 });
        const took = performance.now() - t0;
        const cpu = await cpuEnd(1000); // cores × 1 s = CPU seconds used during the request
        if (reply.status !== 201) throw new Error(`batch run ${run + 1}: ${reply.status} ${reply.body.slice(0, 500)}`);
        const after = (await db.query(`select total_hours from projects where id = $1`, [project.id])).rows[0].total_hours;
        times.push(took);
        console.log(`  run ${run + 1}: ${JSON.parse(reply.body).created} records into project #${p} in ${Math.round(took)} ms (project total_hours ${before} → ${after}); CPU used meanwhile: server ${round(cpu.server, 2)} s, `
          + `PostgreSQL ${round(cpu.postgres, 2)} s, others ${round(cpu.other, 2)} s`);
      }
      console.log(`  server RSS peak during the batches ${MiB(rss.takePhasePeak())} MiB`);
      const s = summarise(times);
      summaryRows.push([`batch of ${BATCH.toLocaleString('en')} records (${times.map((t) => Math.round(t)).join(', ')} ms)`, null, ms(s.p50), null, ms(s.max), '< 3 s', s.max < 3000 ? 'met' : 'NOT met']);
    }

    // ---------------------------------------------------------------- volunteer home page
    // Each latency phase also runs with a few clients: the service time without queueing behind 32 or 100 clients on 2 cores.
    const light = positiveInt(args['light-clients'], 'light-clients', 64);
    if (phases.has('home')) for (const clients of [positiveInt(args['home-clients'], 'home-clients', 512), light]) {
      const people = Array.from({ length: 5000 }, () => uuid(TAG.volunteer, rnd(V)));
      const tokens = await sessions(people);
      // What the web app asks for on opening the home page: the account (/me, once per app load) and the page's data.
      const calls = ['/api/v1/me', '/api/v1/me/home'];
      const agent = makeAgent(clients * calls.length);
      const perCall: number[][] = calls.map(() => []);
      const views: number[] = [];
      let errors = 0;
      let firstError: string | null = null;
      const run = async (durationMs: number, record: boolean) => {
        const deadline = performance.now() + durationMs;
        let i = 0;
        await Promise.all(Array.from({ length: clients }, async () => {
          while (performance.now() < deadline) {
            const headers = bearer(tokens[i++ % tokens.length]!);
            const t0 = performance.now();
            const replies = await Promise.all(calls.map((c) => request(port, 'GET', c, undefined, { agent, headers })));
            const took = performance.now() - t0;
            if (performance.now() > deadline || !record) continue;
            const bad = replies.find((r) => r.status !== 200);
            if (bad) {
              errors++;
              firstError ??= `${bad.status} ${bad.body.slice(0, 200)}`;
              continue;
            }
            views.push(took);
            replies.forEach((r, k) => perCall[k]!.push(r.ms));
          }
        }));
      };
      console.log(`\n[home] ${WARMUP_S} s warm-up, ${DURATION_S} s measured, ${clients} clients, each loading the home page (${calls.length} requests in parallel) …`);
      await run(WARMUP_S * 1000, false);
      rss.takePhasePeak();
      const cpuEnd = cpuWindow(server.pid, ourPostgresPids);
      const t0 = performance.now();
      await run(DURATION_S * 1000, true);
      const elapsed = Math.min(DURATION_S * 1000, performance.now() - t0);
      const cpu = await cpuEnd(elapsed);
      agent.destroy();
      const v = summarise(views);
      printTable(`volunteer home page, ${clients} clients, ${DURATION_S} s`, ['request', 'ok', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'], [
        ...calls.map((c, k) => {
          const s = summarise(perCall[k]!);
          return [`GET ${c.replace('/api/v1', '')}`, s.count, ms(s.p50), ms(s.p95), ms(s.p99), ms(s.max)];
        }),
        [`whole page (${calls.length} in parallel)`, v.count, ms(v.p50), ms(v.p95), ms(v.p99), ms(v.max)],
      ]);
      const perSecond = (v.count / elapsed) * 1000;
      console.log(`pages/s ${round(perSecond, 1)} (${round(perSecond * calls.length, 0)} requests/s); errors ${errors}${firstError ? ` (first: ${firstError})` : ''}; ${cpuLine(cpu, perSecond * calls.length)}; server RSS peak ${MiB(rss.takePhasePeak())} MiB`);
      const summ = summarise(perCall[1]!);
      summaryRows.push([`home page, ${clients} clients: GET /me/home`, round(perSecond, 1), ms(summ.p50), ms(summ.p95), ms(summ.p99), 'p95 < 10 ms', summ.p95 < 10 && errors === 0 ? 'met' : 'NOT met']);
      summaryRows.push([`home page, ${clients} clients: whole page`, round(perSecond, 1), ms(v.p50), ms(v.p95), ms(v.p99), 'p95 < 10 ms', v.p95 < 10 && errors === 0 ? 'met' : 'NOT met']);
    }

    // ---------------------------------------------------------------- check-in
    // Closed loops (each client scans again as soon as it is answered) and open loops (scans arrive at a fixed rate, as
    // people at a door do, with at most --scan-clients in flight).
    const scanModes = [
      ...[positiveInt(args['scan-clients'], 'scan-clients', 1000), light].map((clients) => ({ clients, rate: 0 })),
      ...args['scan-rates'].split(',').filter(Boolean).map((r) => ({ clients: positiveInt(args['scan-clients'], 'scan-clients', 1000), rate: positiveInt(r, 'scan-rates', 20_000) })),
    ];
    if (phases.has('scan')) for (const { clients, rate } of scanModes) {
      const SHIFTS = 200;
      const PER_SHIFT = 100;
      // Shifts running now on projects in progress, 100 volunteers assigned to each (rows as src/modules/schedules writes them).
      const projects = (await db.query(`select p.site_code, p.id, p.lat, p.lng, (select id from positions where site_code = p.site_code and project_id = p.id order by id limit 1) as position
        from projects p where p.id = any($1::uuid[]) and p.status = 'recruiting'`,
      [Array.from({ length: SHIFTS }, () => uuid(TAG.project, rnd(P / 10) * 10 + 8))])).rows as { site_code: string; id: string; lat: number; lng: number; position: string }[];
      const now = Date.now();
      const shifts = projects.map((p) => ({ ...p, shift: uuidv7(now) }));
      const volunteers = [...new Set(Array.from({ length: Math.round(shifts.length * PER_SHIFT * 1.1) }, () => uuid(TAG.volunteer, rnd(V))))].slice(0, shifts.length * PER_SHIFT);
      await db.query('begin');
      await db.query(`insert into shifts (site_code, project_id, id, position_id, starts_at, ends_at, capacity, assigned_count, created_at)
        select s, p, i, pos, now() - interval '30 minutes', now() + interval '4 hours', $5, $5, now() from unnest($1::text[], $2::uuid[], $3::uuid[], $4::uuid[]) as t (s, p, i, pos)`,
      [shifts.map((s) => s.site_code), shifts.map((s) => s.id), shifts.map((s) => s.shift), shifts.map((s) => s.position), PER_SHIFT]);
      const assignment = volunteers.map((v, i) => ({ v, s: shifts[i % shifts.length]! }));
      await db.query(`insert into shift_assignments (site_code, shift_id, account_id, assigned_by, starts_at, ends_at, created_at)
        select s, sh, a, 'group', now() - interval '30 minutes', now() + interval '4 hours', now() from unnest($1::text[], $2::uuid[], $3::uuid[]) as t (s, sh, a)`,
      [assignment.map((a) => a.s.site_code), assignment.map((a) => a.s.shift), assignment.map((a) => a.v)]);
      await db.query('commit');
      const tokens = await sessions(volunteers);
      const qr = new Map(shifts.map((s) => [s.shift, signQr(cipher, s.shift, 'check_in', Date.now() + 170_000)]));
      const spec = (i: number) => {
        if (i >= assignment.length) return null;
        const a = assignment[i]!;
        return { method: 'POST', path: '/api/v1/attendance/scan', headers: bearer(tokens[i]!), body: { token: qr.get(a.s.shift)!, lat: a.s.lat, lng: a.s.lng } };
      };
      const agent = makeAgent(clients);
      const warm = Math.min(2000, Math.floor(assignment.length / 10));
      console.log(`\n[scan] ${shifts.length} shifts × ${PER_SHIFT} volunteers; ${warm} check-ins warm-up, then ${rate ? `${rate} scans/s (at most ${clients} in flight)` : `${clients} clients`} for ${DURATION_S} s (each check-in a new one) …`);
      await runLoad({ port, agent, concurrency: clients, durationMs: WARMUP_S * 1000, maxRequests: warm, expectStatus: 200, next: spec });
      rss.takePhasePeak();
      const cpuEnd = cpuWindow(server.pid, ourPostgresPids);
      const result = rate
        ? await runOpenLoop({ port, agent, ratePerSecond: rate, maxInFlight: clients, durationMs: DURATION_S * 1000, expectStatus: 200, next: (i) => spec(i + warm) })
        : await runLoad({
          port, agent, concurrency: clients, durationMs: DURATION_S * 1000, maxRequests: assignment.length - warm, expectStatus: 200, next: (i) => spec(i + warm),
        });
      const label = rate ? `${rate} scans/s arriving, at most ${clients} in flight` : `${clients} clients`;
      const cpu = await cpuEnd(result.elapsedMs);
      agent.destroy();
      const stored = (await db.query(`select count(*) as n from attendance where shift_id = any($1::uuid[])`, [shifts.map((s) => s.shift)])).rows[0].n;
      printTable(`POST /api/v1/attendance/scan, ${label}`, ['ok', 'per second', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'errors', 'attendance rows'], [
        [result.ok, round(result.perSecond, 1), ms(result.latency.p50), ms(result.latency.p95), ms(result.latency.p99), ms(result.latency.max), result.errors, Number(stored)],
      ]);
      console.log(`${result.firstError ? `first error: ${result.firstError.slice(0, 200)}; ` : ''}${cpuLine(cpu, result.perSecond)}; server RSS peak ${MiB(rss.takePhasePeak())} MiB`);
      summaryRows.push([`check-in, ${label}`, round(result.perSecond, 1), ms(result.latency.p50), ms(result.latency.p95), ms(result.latency.p99), 'p95 < 20 ms', result.latency.p95 < 20 && result.errors === 0 ? 'met' : 'NOT met']);
    }
  } finally {
    const stop = server ? await stopServer(server) : null;
    server = null;
    const peak = rss.stop();
    await monitor.end();
    await db.end();
    fs.rmSync(dataDir, { recursive: true, force: true });
    printTable('Issue 5 goals', ['measure', 'per second', 'p50 ms', 'p95 ms', 'p99 ms', 'goal', 'verdict'], summaryRows);
    console.log(`server peak RSS ${MiB(peak)} MiB; stop ${stop ? `${stop.clean ? 'clean' : 'NOT clean'} in ${Math.round(stop.stopMs)} ms` : '—'}; load average at end ${round(os.loadavg()[0], 2)}`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
