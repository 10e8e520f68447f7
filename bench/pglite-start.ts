/**
 * Start-up time of the server on embedded PostgreSQL (PGlite), docs/benchmarks.md.
 *
 *   npx tsx bench/pglite-start.ts [--runs=3] [--quiet-wait=20]
 *
 * For each run: a NEW empty DATA_DIR (first start: PGlite initialises its cluster, migrations run, sites and
 * password policies are seeded), then the same, now EXISTING, directory again. Each time the server is a
 * child process; "ready" is the first 200 from GET /api/v1/health, timed from spawn(). Then SIGTERM, and
 * the run checks that the process exits with code 0 and that <DATA_DIR>/zhiyuan.lock is gone.
 * Prints a table, then one JSON line. Only 127.0.0.1 is contacted.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  freePort, machine, median, MiB, parseArgs, positiveInt, printTable, request, round, RssSampler, startServer, stopServer,
  waitForQuiet, type RunningServer,
} from './lib.js';

const args = parseArgs({ runs: '3', 'quiet-wait': '20' });
const RUNS = positiveInt(args.runs, 'runs', 20);
const QUIET_WAIT_S = Number(args['quiet-wait']);

const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'zy-bench-pglite-'));
let server: RunningServer | null = null;
const labels = new Set<string>();
const cleanUp = async () => {
  if (server) await stopServer(server).catch(() => {});
  fs.rmSync(tmpRoot, { recursive: true, force: true });
};
process.on('SIGINT', () => void cleanUp().finally(() => process.exit(130)));
process.on('SIGTERM', () => void cleanUp().finally(() => process.exit(143)));

function dirSize(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += dirSize(full);
    else if (entry.isFile()) total += fs.statSync(full).size;
  }
  return total;
}

interface Run {
  run: number;
  mode: 'new' | 'existing';
  readyMs: number;
  /** What the server itself logs as startupMs: open database + migrations + seeding + listen, without module loading. */
  serverStartupMs: number | null;
  rssAtReadyMiB: number | null;
  lockHeldWhileRunning: boolean;
  stopMs: number;
  exitCode: number | null;
  cleanExit: boolean;
  lockRemoved: boolean;
  dataDirMiB: number;
  idleBefore: number;
}

async function once(run: number, mode: 'new' | 'existing', dataDir: string): Promise<Run> {
  const quiet = await waitForQuiet(QUIET_WAIT_S * 1000);
  const port = await freePort();
  server = await startServer({ CAPTCHA: 'off', PORT: String(port), LOG_LEVEL: 'info', DATA_DIR: dataDir });
  labels.add(server.label);
  const rss = new RssSampler(server.pid);
  const rssAtReady = rss.stop();
  const health = await request(port, 'GET', '/api/v1/health', undefined, { agent: false });
  const database = JSON.parse(health.body).database;
  if (database !== 'pglite') throw new Error(`expected the embedded database, health says ${health.body}`);
  const lockFile = path.join(dataDir, 'zhiyuan.lock');
  const lockHeld = fs.existsSync(lockFile) && fs.readFileSync(lockFile, 'utf8') === String(server.pid);
  // The "ready" line is written just after listen(); give it a moment to arrive through the pipe.
  let startupMs: number | null = null;
  for (let i = 0; i < 50 && startupMs === null; i++) {
    const m = /"startupMs":(\d+)/.exec(server.output());
    if (m) startupMs = Number(m[1]);
    else await new Promise((r) => setTimeout(r, 20));
  }
  const readyMs = server.readyMs;
  const output = server.output;
  const stopped = await stopServer(server);
  server = null;
  const lockRemoved = !fs.existsSync(lockFile);
  if (!stopped.clean || !lockRemoved) console.error(`run ${run} ${mode}: unclean stop; server output:\n${output()}`);
  return {
    run, mode, readyMs, serverStartupMs: startupMs, rssAtReadyMiB: MiB(rssAtReady), lockHeldWhileRunning: lockHeld,
    stopMs: stopped.stopMs, exitCode: stopped.code, cleanExit: stopped.clean, lockRemoved,
    dataDirMiB: MiB(dirSize(dataDir))!, idleBefore: quiet.idle,
  };
}

async function main() {
  const started = new Date();
  const host = machine();
  console.log(`Zhiyuan PGlite start-up benchmark — ${started.toISOString()}`);
  console.log(`machine: ${host.nproc} CPUs (${host.cpu}), ${host.memTotalGiB} GiB, Node ${host.node}, load average ${host.loadavg1m}`);
  const runs: Run[] = [];
  for (let run = 1; run <= RUNS; run++) {
    const dataDir = path.join(fs.mkdtempSync(path.join(tmpRoot, `run${run}-`)), 'data');
    fs.mkdirSync(dataDir);
    for (const mode of ['new', 'existing'] as const) {
      const result = await once(run, mode, dataDir);
      runs.push(result);
      console.log(`run ${run} ${mode.padEnd(8)} ready in ${Math.round(result.readyMs)} ms, exit ${result.exitCode}, lock removed: ${result.lockRemoved}`);
    }
  }
  await cleanUp();
  const label = [...labels].join(' + ');

  const ok = runs.every((r) => r.cleanExit && r.lockRemoved && r.lockHeldWhileRunning);
  printTable(`Server on PGlite (${label}): spawn → first 200 from /api/v1/health`,
    ['run', 'DATA_DIR', 'ready ms', 'server startupMs', 'peak RSS by ready', 'data dir', 'SIGTERM → exit', 'exit code', 'lock removed'],
    runs.map((r) => [r.run, r.mode, Math.round(r.readyMs), r.serverStartupMs, `${r.rssAtReadyMiB} MiB`, `${r.dataDirMiB} MiB`,
      `${Math.round(r.stopMs)} ms`, r.exitCode, r.lockRemoved ? 'yes' : 'NO']));
  const summary = (mode: 'new' | 'existing') => {
    const rs = runs.filter((r) => r.mode === mode);
    return {
      readyMs: rs.map((r) => Math.round(r.readyMs)),
      medianReadyMs: Math.round(median(rs.map((r) => r.readyMs))),
      medianServerStartupMs: rs.every((r) => r.serverStartupMs !== null) ? Math.round(median(rs.map((r) => r.serverStartupMs!))) : null,
      medianStopMs: Math.round(median(rs.map((r) => r.stopMs))),
    };
  };
  const fresh = summary('new');
  const existing = summary('existing');
  printTable('Medians', ['DATA_DIR', 'runs (ms)', 'median ready ms', 'median server startupMs', 'median stop ms'], [
    ['new', fresh.readyMs.join(' / '), fresh.medianReadyMs, fresh.medianServerStartupMs, fresh.medianStopMs],
    ['existing', existing.readyMs.join(' / '), existing.medianReadyMs, existing.medianServerStartupMs, existing.medianStopMs],
  ]);
  console.log(`\nclean SIGTERM exits with the lock file removed: ${ok ? 'all runs' : 'NOT ALL RUNS'}`);
  console.log(JSON.stringify({
    bench: 'pglite-start', date: started.toISOString(), machine: host, server: label,
    new: fresh, existing, allCleanExits: ok,
    runs: runs.map((r) => ({ ...r, readyMs: Math.round(r.readyMs), stopMs: Math.round(r.stopMs), idleBefore: round(r.idleBefore, 2) })),
  }));
  if (!ok) process.exitCode = 1;
}

main().catch(async (error) => {
  console.error(error);
  await cleanUp();
  process.exit(1);
});
