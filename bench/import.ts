/**
 * Bulk import of people from one .xlsx (docs/benchmarks.md, "Issue 5").
 *
 *   npx tsx bench/import.ts [--rows=100000] [--bad=1000] [--mode=good_rows|all_or_nothing]
 *                           [--databases=pglite,postgresql] [--pg=postgres://postgres@127.0.0.1:5432/postgres] [--quiet-wait=30]
 *
 * 1. Writes a --rows volunteer .xlsx with exceljs' streaming WorkbookWriter (shared strings, as Excel writes
 *    them): unique valid resident ID numbers and phones, of which --bad rows carry a wrong check digit.
 * 2. For each database, in a child process (so its peak RSS is the import's alone): a fresh database
 *    (PGlite in a temporary DATA_DIR; or a new database zy_bench_import_<random> on the local PostgreSQL),
 *    migrations, sites, policies and a system administrator; then the file goes through createImport(), the
 *    function behind POST /api/v1/imports, and the in-process job runner. Progress is printed once a second
 *    from getImport(), the function behind GET /api/v1/imports/{id}. Then the row report is written as .xlsx
 *    (what GET …/report.xlsx streams) to a temporary file.
 * 3. Prints a table and one JSON line; drops the database and the temporary files, also after Ctrl-C.
 * Only 127.0.0.1 is contacted.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import pino from 'pino';
import ExcelJS from 'exceljs';
import { machine, MiB, parseArgs, positiveInt, printTable, round, RssSampler, sleep, waitForQuiet } from './lib.js';

const args = parseArgs({
  child: '', file: '', url: '',
  rows: '100000', bad: '1000', mode: 'good_rows', databases: 'pglite,postgresql',
  pg: 'postgres://postgres@127.0.0.1:5432/postgres', 'quiet-wait': '30',
});

const SCRIPT = fileURLToPath(import.meta.url);

// ---------------------------------------------------------------- data

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const checkChar = (body: string) => '10X98765432'[[...body].reduce((s, d, i) => s + Number(d) * WEIGHTS[i]!, 0) % 11]!;
const ISSUE = ['110101', '110102', '110105', '110106', '110107', '110108', '330106', '440305'];
const REGIONS = ['110101', '110102', '110105', '110106', '110107', '110108', '110109', '110111'];
const SURNAMES = [...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤'];
const GIVEN = [...'伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬鹏辉斌宇浩凯健俊帆帅旭宁龙林欣晨阳佳雪婷琳'];

function person(i: number, bad: boolean) {
  const birth = new Date(Date.UTC(1960, 0, 1) + (i % 15000) * 86_400_000);
  const ymd = birth.toISOString().slice(0, 10).replace(/-/g, '');
  const body = `${ISSUE[i % ISSUE.length]}${ymd}${String(Math.floor(i / 15000) % 1000).padStart(3, '0')}`;
  let check = checkChar(body);
  if (bad) check = check === '0' ? '1' : '0';
  return [
    SURNAMES[i % SURNAMES.length]! + GIVEN[(i * 7) % GIVEN.length]! + GIVEN[(i * 13) % GIVEN.length]!,
    '居民身份证',
    body + check,
    `139${String(i).padStart(8, '0')}`,
    i % 5 === 0 ? `p${i}@example.com` : '',
    REGIONS[i % REGIONS.length]!,
    i % 3 === 0 ? '社区服务、助老助残' : '',
  ];
}

async function writeWorkbook(file: string, rows: number, bad: number) {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: true, useStyles: false });
  const sheet = workbook.addWorksheet('志愿者');
  sheet.addRow(['姓名', '证件类型', '证件号码', '手机号', '邮箱', '服务区域代码', '服务类别']).commit();
  const every = bad > 0 ? Math.floor(rows / bad) : 0;
  for (let i = 0; i < rows; i++) sheet.addRow(person(i, every > 0 && i % every === every - 1)).commit();
  sheet.commit();
  await workbook.commit();
}

// ---------------------------------------------------------------- child: one import on one database

interface ChildResult {
  database: string;
  setupMs: number;
  importMs: number;
  phases: Record<string, number>;
  status: string;
  total: number | null;
  created: number;
  refused: number;
  reportMs: number;
  reportBytes: number;
  /** Highest VmRSS of the child: while setting up the database (PGlite's initdb is the big one), during the import, while writing the report. */
  setupPeakRssMiB: number | null;
  rssBeforeImportMiB: number | null;
  importPeakRssMiB: number | null;
  reportPeakRssMiB: number | null;
  /** VmHWM: the highest resident set over the whole child. */
  peakRssMiB: number | null;
  outboxRows: number;
}

async function child(kind: 'pglite' | 'postgresql', file: string, url: string, mode: 'good_rows' | 'all_or_nothing') {
  const sampler = new RssSampler('self', 100);
  const t0 = performance.now();
  const { openPglite, openPostgres } = await import('../src/platform/database/database.js');
  const { loadConfig } = await import('../src/platform/config.js');
  const { FieldCipher } = await import('../src/platform/crypto.js');
  const { ensureSites } = await import('../src/modules/places/sites.js');
  const { ensureDefaultPolicies } = await import('../src/modules/password-policy/service.js');
  const { bootstrapAdministrator } = await import('../src/modules/accounts/bootstrap.js');
  const { createImport, importRunner, stopImports } = await import('../src/modules/imports/job.js');
  const { getImport, reportXlsx } = await import('../src/modules/imports/report.js');

  const dataDir = kind === 'pglite' ? fs.mkdtempSync(path.join(os.tmpdir(), 'zy-bench-import-')) : null;
  const database = kind === 'pglite' ? await openPglite(dataDir) : await openPostgres(url, 10);
  const config = { ...loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'warn' }), bootstrapAdmin: { username: 'benchadmin', password: 'Adm1n#Bench' } };
  const ctx = { config, db: database.db, dbKind: database.kind, cipher: new FieldCipher(randomBytes(32)), log: pino({ level: 'warn' }), now: () => new Date() };
  await ensureSites(ctx.db);
  await ensureDefaultPolicies(ctx.db);
  await bootstrapAdministrator(ctx as never);
  const admin = await ctx.db.selectFrom('accounts').select(['id', 'username', 'site_code', 'display_name']).where('type', '=', 'admin').executeTakeFirstOrThrow();
  const actor = { id: admin.id, type: 'admin' as const, username: admin.username, siteCode: admin.site_code, displayName: admin.display_name };
  const setupMs = performance.now() - t0;
  const setupPeak = sampler.takePhasePeak();
  const before = process.memoryUsage().rss;

  const content = fs.readFileSync(file); // what the route receives as the request body
  const t1 = performance.now();
  const { id } = await createImport(ctx as never, actor, { kind: 'volunteers', mode, siteCode: '11', fileName: path.basename(file), content }, '127.0.0.1');
  const phases: Record<string, number> = {};
  let last = '';
  let view;
  for (;;) {
    view = await getImport(ctx as never, actor, id);
    const phase = view.phase ?? view.status;
    if (phase !== last) {
      phases[phase] = round(performance.now() - t1, 0)!;
      last = phase;
    }
    const secs = ((performance.now() - t1) / 1000).toFixed(1).padStart(6);
    const counts = view.total === null ? `read ${view.rowsRead}` : `${view.processed}/${view.total}`;
    console.error(`[${kind}] ${secs} s  ${view.status.padEnd(8)} ${(view.phase ?? '').padEnd(9)} ${String(view.percent).padStart(3)} %  ${counts}  created ${view.created}  refused ${view.refused}  rss ${MiB(process.memoryUsage().rss)} MiB`);
    if (['done', 'rejected', 'failed'].includes(view.status)) break;
    await sleep(1000);
  }
  const importMs = performance.now() - t1;
  await importRunner(ctx as never).idle();
  const importPeak = sampler.takePhasePeak();

  const reportFile = path.join(os.tmpdir(), `zy-bench-report-${process.pid}.xlsx`);
  const t2 = performance.now();
  await new Promise<void>((resolve, reject) => {
    const out = fs.createWriteStream(reportFile);
    reportXlsx(ctx as never, id, { fileName: 'bench.xlsx', status: view.status, created: view.created, refused: view.refused, total: view.total, error: null })
      .on('error', reject).pipe(out).on('finish', resolve).on('error', reject);
  });
  const reportMs = performance.now() - t2;
  const reportBytes = fs.statSync(reportFile).size;
  const reportPeak = sampler.takePhasePeak();
  fs.rmSync(reportFile, { force: true });
  const outbox = await ctx.db.selectFrom('outbox_messages').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();

  const peak = sampler.stop();
  await stopImports(ctx as never);
  await database.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  const result: ChildResult = {
    database: kind, setupMs: round(setupMs, 0)!, importMs: round(importMs, 0)!, phases, status: view.status, total: view.total,
    created: view.created, refused: view.refused, reportMs: round(reportMs, 0)!, reportBytes,
    setupPeakRssMiB: MiB(setupPeak), rssBeforeImportMiB: MiB(before), importPeakRssMiB: MiB(importPeak), reportPeakRssMiB: MiB(reportPeak), peakRssMiB: MiB(peak),
    outboxRows: Number(outbox.n),
  };
  console.log(JSON.stringify(result));
}

// ---------------------------------------------------------------- parent

async function runChild(kind: 'pglite' | 'postgresql', file: string, url: string, mode: string): Promise<ChildResult> {
  const proc = spawn(process.execPath, ['--import', 'tsx', SCRIPT, `--child=${kind}`, `--file=${file}`, `--url=${url}`, `--mode=${mode}`], {
    stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NODE_ENV: 'test' },
  });
  let out = '';
  proc.stdout.on('data', (chunk) => { out += chunk; });
  const code = await new Promise<number | null>((resolve) => proc.on('exit', resolve));
  const line = out.trim().split('\n').pop() ?? '';
  if (code !== 0 || !line.startsWith('{')) throw new Error(`${kind} child failed (exit ${code}): ${out}`);
  return JSON.parse(line) as ChildResult;
}

async function main() {
  if (args.child) {
    await child(args.child as 'pglite' | 'postgresql', args.file, args.url, args.mode as 'good_rows');
    return;
  }
  const rows = positiveInt(args.rows, 'rows', 100_000);
  const bad = Number(args.bad);
  if (!Number.isInteger(bad) || bad < 0 || bad > rows) throw new Error('--bad must be between 0 and --rows');
  if (!['good_rows', 'all_or_nothing'].includes(args.mode)) throw new Error('--mode is good_rows or all_or_nothing');
  const databases = args.databases.split(',').filter(Boolean) as ('pglite' | 'postgresql')[];
  const adminUrl = new URL(args.pg);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(adminUrl.hostname)) throw new Error('--pg must point at a local PostgreSQL');

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zy-bench-import-file-'));
  const file = path.join(dir, `volunteers-${rows}.xlsx`);
  const dbName = `zy_bench_import_${randomBytes(5).toString('hex')}`;
  let created = false;
  const cleanUp = async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    if (created) {
      const admin = new pg.Client({ connectionString: args.pg });
      await admin.connect();
      await admin.query(`drop database if exists ${dbName} with (force)`);
      await admin.end();
      created = false;
    }
  };
  process.on('SIGINT', () => void cleanUp().finally(() => process.exit(130)));

  try {
    const tg = performance.now();
    await writeWorkbook(file, rows, bad);
    const generateMs = performance.now() - tg;
    const bytes = fs.statSync(file).size;
    console.error(`wrote ${rows} rows (${bad} with a wrong check digit) to ${file}: ${MiB(bytes)} MiB in ${(generateMs / 1000).toFixed(1)} s`);

    const results: ChildResult[] = [];
    for (const kind of databases) {
      const quiet = await waitForQuiet(Number(args['quiet-wait']) * 1000);
      console.error(`machine idle ${Math.round(quiet.idle * 100)} % before the ${kind} run`);
      let url = '';
      if (kind === 'postgresql') {
        const admin = new pg.Client({ connectionString: args.pg });
        await admin.connect();
        await admin.query(`create database ${dbName}`);
        await admin.end();
        created = true;
        const target = new URL(args.pg);
        target.pathname = `/${dbName}`;
        url = target.toString();
      }
      results.push({ ...(await runChild(kind, file, url, args.mode)), idleBefore: round(quiet.idle, 2) } as ChildResult);
      if (kind === 'postgresql') await cleanUp();
    }

    printTable(`Import of ${rows} volunteers from one .xlsx (${MiB(bytes)} MiB, mode ${args.mode})`,
      ['database', 'import s', 'rows/s', 'reading s', 'checking s', 'writing s', 'notifying s', 'created', 'refused', 'RSS before MiB', 'peak RSS import MiB', 'report .xlsx s', 'peak RSS setup MiB'],
      results.map((r) => {
        const at = (p: string) => r.phases[p] ?? null;
        const span = (from: string, to: string[]) => {
          const start = at(from);
          const end = to.map(at).find((x) => x !== null) ?? r.importMs;
          return start === null ? null : round((end - start) / 1000, 1);
        };
        return [r.database, round(r.importMs / 1000, 1), round((r.total ?? 0) / (r.importMs / 1000), 0),
          span('reading', ['checking']), span('checking', ['writing', 'done', 'rejected']), span('writing', ['notifying', 'done']), span('notifying', ['done']),
          r.created, r.refused, r.rssBeforeImportMiB, r.importPeakRssMiB, round(r.reportMs / 1000, 1), r.setupPeakRssMiB];
      }));
    console.log(JSON.stringify({ bench: 'import', rows, bad, mode: args.mode, fileMiB: MiB(bytes), generateMs: round(generateMs, 0), machine: machine(), results }));
  } finally {
    await cleanUp();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
