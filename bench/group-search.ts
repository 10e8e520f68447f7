/**
 * Group search benchmark: GET /api/v1/groups on PostgreSQL with 1,000,000 groups nationally (100,000 in site 11).
 *
 *   npx tsx bench/group-search.ts [--groups=1000000] [--in-site=100000 (groups in site 11)] [--duration=20] [--concurrency=32] [--pg=postgres://…]
 *     [--cache-ms=N (the server's GROUP_SEARCH_CACHE_MS; 0 measures the database path alone; default: the server's own)]
 *     [--keep=true (leave the database for EXPLAIN)] [--reuse=zy_bench_groups_… (load a kept database again: no generation;
 *     --groups/--in-site must match how it was made)]
 *     [--profile=N (with --reuse: no server and no load; N searches per combination in this process on one connection,
 *     result cache off, the same pseudo-random searches every time, reporting that backend's CPU (/proc) and the
 *     buffers it touched per search: comparable between runs even on a shared machine)]
 *
 * Builds a fresh database zy_bench_groups_<random> (migrations through openPostgres), generates the groups and their
 * group accounts inside PostgreSQL (INSERT … SELECT FROM generate_series, 50,000 rows a statement), starts the real
 * server as a child process and runs `concurrency` clients over a mix of filter combinations; the database is
 * dropped at the end, also after a failure or Ctrl-C.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { sql } from 'kysely';
import {
  cpuSeconds, cpuWindow, freePort, machine, makeAgent, MiB, parseArgs, positiveInt, printTable, round, RssSampler, runLoad, startServer, stopServer,
  summarise, type RunningServer,
} from './lib.js';
import { openPostgres } from '../src/platform/database/database.js';
import { ensureSites } from '../src/modules/places/sites.js';
import { childrenOf, SITES } from '../src/modules/places/divisions.js';
import { SERVICE_CATEGORY_CODES } from '../src/modules/meta/catalog.js';

const args = parseArgs({
  groups: '1000000', 'in-site': '100000', duration: '20', warmup: '5', concurrency: '32', keep: 'false', 'cache-ms': '', reuse: '', profile: '',
  pg: 'postgres://postgres@127.0.0.1:5432/postgres',
});
const TOTAL = positiveInt(args.groups, 'groups', 5_000_000);
const SITE11 = positiveInt(args['in-site'], 'in-site', TOTAL);
const DURATION_S = positiveInt(args.duration, 'duration', 600);
const WARMUP_S = positiveInt(args.warmup, 'warmup', 120);
const CONCURRENCY = positiveInt(args.concurrency, 'concurrency', 256);
const BATCH = 50_000;

const WORDS = ['阳光', '爱心', '青春', '红色', '助老', '蓝天', '启明', '星火', '绿色', '温暖', '彩虹', '春晖', '雷锋', '微光', '同心', '和谐',
  '明德', '仁爱', '善行', '晨曦', '朝阳', '益路', '暖流', '守望', '扬帆', '心连心', '小橘灯', '向日葵', '萤火虫', '百合'];
const KINDS = ['志愿服务队', '志愿者协会', '公益社', '志愿团', '志愿服务中心', '青年志愿者服务队', '社区志愿队'];
const LEVELS = ['basic', 'primary_group', 'primary_project', 'intermediate', 'advanced'];

/** County-level codes of a site (municipalities list counties directly; provinces through their cities). */
function countiesOf(siteCode: string): string[] {
  const out: string[] = [];
  for (const child of childrenOf(`${siteCode}0000`)) {
    if (child.level === 'county') out.push(child.code);
    else {
      const counties = childrenOf(child.code).filter((c) => c.level === 'county').map((c) => c.code);
      out.push(...(counties.length > 0 ? counties : [child.code]));
    }
  }
  return out;
}

const cleanups: (() => Promise<void> | void)[] = [];
async function cleanUp() {
  while (cleanups.length > 0) {
    try {
      await cleanups.pop()!();
    } catch (error) {
      console.error(`clean-up: ${String(error)}`);
    }
  }
}
process.on('SIGINT', () => void cleanUp().then(() => process.exit(130)));

/** Math.random, or a fixed sequence (--profile) so that runs before and after a change search the same things. */
let random = Math.random;
const seeded = (seed: number) => () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const rnd = (n: number) => Math.floor(random() * n);
const pick = <T>(list: T[]): T => list[rnd(list.length)]!;

async function generate(url: string, sites: { code: string; count: number; regions: string[] }[]) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('set synchronous_commit = off');
    await client.query('set maintenance_work_mem = \'256MB\'');
    const t0 = performance.now();
    // Bulk loads are faster into bare tables: the non-unique indexes the migrations made are dropped and rebuilt
    // afterwards from their own definitions (so the benchmark measures exactly the migrations' indexes).
    const secondary = (await client.query(`
      select i.relname as name, pg_get_indexdef(i.oid) as def from pg_index x join pg_class i on i.oid = x.indexrelid
      where x.indrelid = 'groups'::regclass and not x.indisunique and not x.indisprimary`)).rows as { name: string; def: string }[];
    for (const index of secondary) await client.query(`drop index ${index.name}`);
    let done = 0;
    for (const site of sites) {
      for (let start = 1; start <= site.count; start += BATCH) {
        const end = Math.min(site.count, start + BATCH - 1);
        await client.query('begin');
        await client.query(`
          create temp table src on commit drop as
          select gen_random_uuid() as gid, gen_random_uuid() as aid, i,
            now() - random() * interval '1826 days' as created,
            greatest(1, floor(exp(random() * random() * 9)))::int as members,
            random() as r
          from generate_series($1::int, $2::int) as i`, [start, end]);
        await client.query(`
          insert into accounts (id, type, site_code, username, display_name, password_hash, password_changed_at, status, created_at, updated_at)
          select aid, 'group', $1::text, 'bg' || $1::text || '_' || i, 'g' || i, 'x', created, 'active', created, created from src`, [site.code]);
        await client.query(`
          insert into groups (site_code, id, account_id, name, legal_person, credit_code, region_code, service_categories,
            leader_name, leader_id_enc, leader_id_masked, leader_id_lookup, contact_name, contact_phone_enc, contact_phone_masked,
            contact_verified_at, email, level, status, member_count, total_hours, created_at, updated_at)
          select $1::text, gid, aid,
            ($3::text[])[1 + floor(random() * array_length($3::text[], 1))::int] || ($3::text[])[1 + floor(random() * array_length($3::text[], 1))::int]
              || ($4::text[])[1 + floor(random() * array_length($4::text[], 1))::int] || '第' || i || '队',
            r < 0.3, null,
            ($2::text[])[1 + floor(random() * array_length($2::text[], 1))::int],
            array[($5::text[])[1 + floor(random() * array_length($5::text[], 1))::int]]
              || case when random() < 0.5 then array[($5::text[])[1 + floor(random() * array_length($5::text[], 1))::int]] else '{}'::text[] end,
            '王负责', 'x', '110101********0011', md5(gid::text), '李联系', 'x', '138****0000', created, 'g' || i || '@example.com',
            case when r < 0.95 then ($6::text[])[1 + floor(random() * 5)::int] else 'pending' end,
            case when r < 0.95 then 'approved' when r < 0.98 then 'pending' else 'rejected' end,
            members, round((members * random() * 40)::numeric, 1), created, created
          from src
          on conflict do nothing`, [site.code, site.regions, WORDS, KINDS, SERVICE_CATEGORY_CODES, LEVELS]);
        await client.query('commit');
        const before = done;
        done += end - start + 1;
        if (Math.floor(done / 100_000) > Math.floor(before / 100_000) || done === TOTAL) {
          const s = (performance.now() - t0) / 1000;
          console.log(`      ${done.toLocaleString('en')} / ${TOTAL.toLocaleString('en')} groups, ${Math.round(s)} s, ${Math.round(done / s)} rows/s`);
        }
      }
    }
    const indexing = performance.now();
    for (const index of secondary) await client.query(index.def);
    console.log(`      ${secondary.length} secondary indexes rebuilt in ${round((performance.now() - indexing) / 1000, 1)} s`);
    const vacuum = performance.now();
    await client.query('vacuum analyze accounts');
    await client.query('vacuum analyze groups');
    console.log(`      vacuum analyze ${round((performance.now() - vacuum) / 1000, 1)} s; total generation ${round((performance.now() - t0) / 1000, 1)} s`);
    const size = (await client.query(`select pg_size_pretty(pg_total_relation_size('groups')) as total, pg_size_pretty(pg_relation_size('groups')) as heap`)).rows[0];
    return { seconds: (performance.now() - t0) / 1000, size: `${size.total} (heap ${size.heap})` };
  } finally {
    await client.end();
  }
}

/** A reused database: nothing generated, only its size reported. */
async function sizeOf(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const size = (await client.query(`select pg_size_pretty(pg_total_relation_size('groups')) as total, pg_size_pretty(pg_relation_size('groups')) as heap`)).rows[0];
    return { seconds: 0, size: `${size.total} (heap ${size.heap}), reused` };
  } finally {
    await client.end();
  }
}

interface Combo {
  name: string;
  query: () => string;
}

function combos(regions11: string[]): Combo[] {
  const site = () => (random() < 0.5 ? '11' : pick(SITES).code);
  const day = () => new Date(Date.now() - rnd(1800) * 86_400_000).toISOString().slice(0, 10);
  const month = () => {
    const from = day();
    const to = new Date(Date.parse(from) + 30 * 86_400_000).toISOString().slice(0, 10);
    return `registeredFrom=${from}&registeredTo=${to}`;
  };
  const enc = encodeURIComponent;
  return [
    { name: 'site only', query: () => `siteCode=${site()}` },
    { name: 'site + region (county)', query: () => `siteCode=11&regionCode=${pick(regions11)}` },
    { name: 'site + category', query: () => `siteCode=${site()}&category=${pick(SERVICE_CATEGORY_CODES)}` },
    { name: 'site + type + members range', query: () => `siteCode=${site()}&type=${pick(['legal', 'non_legal'])}&minMembers=${pick([5, 10, 20])}&maxMembers=${pick([50, 100, 500])}` },
    { name: 'name, common word, site', query: () => `siteCode=${site()}&name=${enc(pick(WORDS))}` },
    { name: 'name, rare, national', query: () => `name=${enc(`${pick(WORDS)}${pick(WORDS)}${pick(KINDS)}`)}` },
    { name: 'name, number, national', query: () => `name=${enc(`第${1 + rnd(30000)}队`)}` },
    { name: 'site + registered month', query: () => `siteCode=${site()}&${month()}` },
    { name: 'site + sort=members', query: () => `siteCode=${site()}&sort=members` },
    { name: 'site + region + sort=hours', query: () => `siteCode=11&regionCode=${pick(regions11)}&sort=hours` },
    { name: 'national newest', query: () => '' },
    { name: 'site, page 20-100', query: () => `siteCode=${site()}&page=${20 + rnd(81)}&pageSize=20&sort=${pick(['newest', 'members', 'hours'])}` },
  ];
}

/** --profile: per combination, PostgreSQL CPU and buffers per search through searchGroups itself (no HTTP, cache off). */
async function profile(url: string, mix: Combo[], perCombo: number) {
  const { searchGroups } = await import('../src/modules/group-search/search.js');
  // The query string as the route's schema would coerce it.
  const groupSearchQuery = (query: string) => {
    const q: Record<string, string | number> = { sort: 'newest', page: 1, pageSize: 20 };
    for (const [k, v] of new URLSearchParams(query)) q[k] = ['page', 'pageSize', 'minMembers', 'maxMembers'].includes(k) ? Number(v) : v;
    return q as unknown as Parameters<typeof searchGroups>[1];
  };
  const opened = await openPostgres(url, 1);
  const monitor = new pg.Client({ connectionString: url });
  await monitor.connect();
  cleanups.push(() => monitor.end(), () => opened.close());
  const pid = Number((await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(opened.db)).rows[0]!.pid);
  const blocks = async () => {
    await sql`select pg_stat_force_next_flush()`.execute(opened.db);
    await new Promise((resolve) => setTimeout(resolve, 50));
    return Number((await monitor.query('select blks_hit + blks_read as b from pg_stat_database where datname = current_database()')).rows[0].b);
  };
  const ctx = { db: opened.db, config: { groupSearchCacheMs: 0 }, now: () => new Date() } as unknown as Parameters<typeof searchGroups>[0];
  const run = (c: Combo) => searchGroups(ctx, groupSearchQuery(c.query()));
  for (const c of mix) for (let i = 0; i < 5; i++) await run(c); // warm the connection's caches
  random = seeded(777);
  const rows: (string | number | null)[][] = [];
  let cpuSum = 0;
  let bufSum = 0;
  for (const c of mix) {
    const b0 = await blocks();
    const c0 = cpuSeconds(pid) ?? NaN;
    const totals: number[] = [];
    for (let i = 0; i < perCombo; i++) totals.push((await run(c)).total);
    const cpu = (((cpuSeconds(pid) ?? NaN) - c0) * 1000) / perCombo;
    const buffers = ((await blocks()) - b0) / perCombo;
    cpuSum += cpu;
    bufSum += buffers;
    totals.sort((a, b) => a - b);
    rows.push([c.name, round(cpu, 2), Math.round(buffers), totals[Math.floor(totals.length / 2)]!]);
  }
  rows.push(['mean of the combinations', round(cpuSum / mix.length, 2), Math.round(bufSum / mix.length), null]);
  printTable(`PostgreSQL per search, ${perCombo} searches per combination, one connection, cache off`,
    ['combination', 'CPU ms', 'buffers', 'median total'], rows);
}

async function main() {
  const host = machine();
  const admin = new pg.Client({ connectionString: args.pg });
  await admin.connect();
  const pgVersion = (await admin.query('show server_version')).rows[0].server_version as string;
  console.log(`Zhiyuan group search benchmark — ${new Date().toISOString()}`);
  console.log(`machine: ${host.nproc} CPUs (${host.cpu}), ${host.memTotalGiB} GiB, Node ${host.node}, PostgreSQL ${pgVersion}, load average ${host.loadavg1m}`);

  const reuse = args.reuse !== '';
  if (reuse && !/^zy_bench_groups_[0-9a-f]+$/.test(args.reuse)) throw new Error(`--reuse takes a zy_bench_groups_… database, not ${args.reuse}`);
  const dbName = reuse ? args.reuse : `zy_bench_groups_${randomBytes(5).toString('hex')}`;
  if (!reuse) await admin.query(`create database ${dbName}`);
  await admin.end();
  if (args.keep !== 'true' && !reuse) cleanups.push(async () => {
    const dropper = new pg.Client({ connectionString: args.pg });
    await dropper.connect();
    await dropper.query(`drop database if exists ${dbName} with (force)`);
    await dropper.end();
    console.log(`dropped database ${dbName}`);
  });
  const dbUrl = new URL(args.pg);
  dbUrl.pathname = `/${dbName}`;

  console.log(`[1/4] migrations on ${dbName} …`);
  const opened = await openPostgres(dbUrl.toString(), 2);
  await ensureSites(opened.db);
  await opened.close();

  const others = SITES.filter((s) => s.code !== '11');
  const perOther = Math.floor((TOTAL - SITE11) / others.length);
  const plan = [
    { code: '11', count: SITE11, regions: countiesOf('11') },
    ...others.map((s, i) => ({ code: s.code, count: perOther + (i < (TOTAL - SITE11) % others.length ? 1 : 0), regions: countiesOf(s.code) })),
  ];
  if (!reuse) console.log(`[2/4] generating ${TOTAL.toLocaleString('en')} groups (+ their accounts), ${SITE11.toLocaleString('en')} in site 11, ~5 % pending or rejected …`);
  const gen = reuse ? await sizeOf(dbUrl.toString()) : await generate(dbUrl.toString(), plan);

  if (args.profile !== '') {
    if (!reuse) throw new Error('--profile needs --reuse');
    await profile(dbUrl.toString(), combos(plan[0]!.regions), positiveInt(args.profile, 'profile', 10_000));
    await cleanUp();
    return;
  }

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zy-bench-groups-'));
  cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const port = await freePort();
  console.log(`[3/4] starting the server on port ${port} …`);
  let server: RunningServer | null = await startServer({
    DATABASE_URL: dbUrl.toString(), CAPTCHA: 'off', PORT: String(port), LOG_LEVEL: 'warn', DATA_DIR: dataDir,
    ...(args['cache-ms'] !== '' ? { GROUP_SEARCH_CACHE_MS: String(args['cache-ms']) } : {}),
  });
  cleanups.push(async () => {
    if (server) await stopServer(server);
  });
  console.log(`      ${server.label}, pid ${server.pid}, ready in ${Math.round(server.readyMs)} ms`);
  const rss = new RssSampler(server.pid);
  const agent = makeAgent(CONCURRENCY);
  const mix = combos(plan[0]!.regions);
  const comboOf: number[] = [];
  const spec = (i: number) => {
    const c = i % mix.length;
    comboOf[i] = c;
    const q = mix[c]!.query();
    return { method: 'GET', path: `/api/v1/groups${q ? `?${q}` : ''}` };
  };

  console.log(`[4/4] ${WARMUP_S} s warm-up, then ${DURATION_S} s measured, ${CONCURRENCY} clients over ${mix.length} filter combinations …`);
  await runLoad({ port, agent, concurrency: CONCURRENCY, durationMs: WARMUP_S * 1000, maxRequests: 10_000_000, expectStatus: 200, next: spec });
  const perCombo: number[][] = mix.map(() => []);
  const totals: number[][] = mix.map(() => []);
  const monitor = new pg.Client({ connectionString: args.pg });
  await monitor.connect();
  cleanups.push(() => monitor.end());
  const ourPostgresPids = async () => new Set<number>((await monitor.query(
    "select pid from pg_stat_activity where datname = $1 or backend_type <> 'client backend'", [dbName],
  )).rows.map((r) => Number(r.pid)));
  const cpuEnd = cpuWindow(server.pid, ourPostgresPids);
  const result = await runLoad({
    port, agent, concurrency: CONCURRENCY, durationMs: DURATION_S * 1000, maxRequests: 10_000_000, expectStatus: 200, next: spec,
    onOk: (i, reply) => {
      perCombo[comboOf[i]!]!.push(reply.ms);
      if (totals[comboOf[i]!]!.length < 200) totals[comboOf[i]!]!.push(JSON.parse(reply.body).total);
    },
  });
  const cpu = await cpuEnd(result.elapsedMs);
  agent.destroy();
  await stopServer(server);
  server = null;
  const peak = rss.stop();
  await cleanUp();

  const ms = (n: number) => round(n, 1);
  printTable(`GET /api/v1/groups, ${CONCURRENCY} clients, ${DURATION_S} s, ${TOTAL.toLocaleString('en')} groups`,
    ['combination', 'ok', 'per second', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'median total'],
    [
      ...mix.map((c, k) => {
        const s = summarise(perCombo[k]!);
        const t = [...totals[k]!].sort((a, b) => a - b);
        return [c.name, s.count, round((s.count / result.elapsedMs) * 1000, 1), ms(s.p50), ms(s.p95), ms(s.p99), ms(s.max), t.length ? t[Math.floor(t.length / 2)]! : null];
      }),
      ['ALL', result.ok, round(result.perSecond, 1), ms(result.latency.p50), ms(result.latency.p95), ms(result.latency.p99), ms(result.latency.max), null],
    ]);
  printTable('Run', ['what', 'value'], [
    ['result cache (GROUP_SEARCH_CACHE_MS)', args['cache-ms'] !== '' ? `${args['cache-ms']} ms` : 'server default'],
    ['errors', `${result.errors}${result.firstError ? ` (first: ${result.firstError.slice(0, 200)})` : ''}`],
    ['data generation (groups + accounts + vacuum analyze)', `${round(gen.seconds, 1)} s`],
    ['groups table with indexes', gen.size],
    ['server peak RSS', `${MiB(peak)} MiB`],
    ['CPU cores used: server / PostgreSQL (ours) / load generator / everything else', `${round(cpu.server, 2)} / ${round(cpu.postgres, 2)} / ${round(cpu.loadGenerator, 2)} / ${round(cpu.other, 2)} of ${host.nproc}`],
    ['CPU per search: server / PostgreSQL', `${round((cpu.server * 1000) / result.perSecond, 2)} ms / ${round((cpu.postgres * 1000) / result.perSecond, 2)} ms`],
    ['target', 'p95 < 50 ms and ≥ 500 searches/s'],
    ['verdict', result.latency.p95 < 50 && result.perSecond >= 500 && result.errors === 0 ? 'met' : 'NOT met'],
  ]);
}

main().catch(async (error) => {
  console.error(error);
  await cleanUp();
  process.exit(1);
});
