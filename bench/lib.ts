/**
 * Shared pieces of the benchmarks in bench/: starting the real server as a child process, a small
 * keep-alive HTTP load generator (node:http, no extra packages), latency statistics, memory sampling
 * from /proc, and table printing. Every loop here is bounded in count and in time, and every request
 * goes to 127.0.0.1 only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const HOST = '127.0.0.1';

// ---------------------------------------------------------------- command line

/** `--name=value` or `--flag` arguments; anything else is refused so typos do not go unnoticed. */
export function parseArgs(known: Record<string, string>): Record<string, string> {
  const out = { ...known };
  for (const arg of process.argv.slice(2)) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m || !(m[1] in known)) {
      console.error(`unknown argument ${arg}; known: ${Object.keys(known).map((k) => `--${k}`).join(' ')}`);
      process.exit(64);
    }
    out[m[1]] = m[2] ?? 'true';
  }
  return out;
}

export function positiveInt(value: string, name: string, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    console.error(`--${name} must be a whole number between 1 and ${max}`);
    process.exit(64);
  }
  return n;
}

// ---------------------------------------------------------------- statistics

export interface Summary {
  count: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentiles of latencies in milliseconds. */
export function summarise(samples: number[]): Summary {
  if (samples.length === 0) return { count: 0, mean: NaN, p50: NaN, p95: NaN, p99: NaN, max: NaN };
  const sorted = Float64Array.from(samples).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
  const sum = sorted.reduce((a, b) => a + b, 0);
  return { count: sorted.length, mean: sum / sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted[sorted.length - 1] };
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export const round = (n: number, digits = 1) => (Number.isFinite(n) ? Number(n.toFixed(digits)) : null);

// ---------------------------------------------------------------- tables

export function printTable(title: string, header: string[], rows: (string | number | null)[][]): void {
  const cells = [header, ...rows.map((r) => r.map((c) => (c === null ? '—' : String(c))))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => [...(r[i] ?? '')].length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(`\n${title}`);
  console.log(line(cells[0]));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of cells.slice(1)) console.log(line(r));
}

// ---------------------------------------------------------------- machine

export function machine() {
  const cpu = /model name\s*:\s*(.*)/.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  return {
    nproc: os.availableParallelism(),
    cpu,
    memTotalGiB: round(os.totalmem() / 2 ** 30, 1),
    node: process.version,
    loadavg1m: round(os.loadavg()[0], 2),
  };
}

// ---------------------------------------------------------------- /proc sampling

function statusField(pid: number | 'self', field: string): number | null {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** User + system CPU seconds a process has used so far (from /proc/<pid>/stat). */
export function cpuSeconds(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return null;
  }
}

/** Busy and total CPU seconds of the whole machine so far (first line of /proc/stat). */
export function machineCpu(): { busy: number; total: number } {
  const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = f[3] + (f[4] ?? 0); // idle + iowait
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0); // user..steal; guest is already inside user
  return { busy: (total - idle) / 100, total: total / 100 };
}

/** CPU seconds used so far by every process whose command name is `comm` (e.g. all PostgreSQL backends), by pid. */
export function cpuByName(comm: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) !== comm) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(entry), (Number(fields[11]) + Number(fields[12])) / 100);
    } catch {
      /* the process ended meanwhile */
    }
  }
  return out;
}

/** CPU seconds used between two cpuByName() snapshots by processes present in the second one. */
export function cpuDelta(before: Map<number, number>, after: Map<number, number>): number {
  let sum = 0;
  for (const [pid, secs] of after) sum += secs - (before.get(pid) ?? 0);
  return sum;
}

/**
 * Waits (at most `maxMs`) until the machine has been at least `idleShare` idle over a 2-second window,
 * since other work on a shared 2-CPU box changes the figures a lot. Returns the idle share last seen.
 */
export async function waitForQuiet(maxMs: number, idleShare = 0.85): Promise<{ idle: number; waitedMs: number }> {
  const t0 = performance.now();
  let idle = 0;
  do {
    const a = machineCpu();
    await sleep(2000);
    const b = machineCpu();
    idle = 1 - (b.busy - a.busy) / Math.max(0.01, b.total - a.total);
    if (idle >= idleShare) break;
  } while (performance.now() - t0 < maxMs);
  return { idle, waitedMs: performance.now() - t0 };
}

export interface CpuShares {
  /** Cores used on average over the window by: the server, all PostgreSQL processes, this process, the rest. */
  server: number;
  postgres: number;
  loadGenerator: number;
  other: number;
  machineBusy: number;
}

/**
 * Starts a CPU account for a window; call the returned function at its end with the window length.
 * `postgresPids` says which PostgreSQL processes count as ours (backends of our database and the
 * server's own background processes), so other people's databases on the same server count as "other".
 */
export function cpuWindow(serverPid: number, postgresPids: () => Promise<Set<number>>): (windowMs: number) => Promise<CpuShares> {
  const machine0 = machineCpu();
  const pg0 = cpuByName('postgres');
  const server0 = cpuSeconds(serverPid) ?? NaN;
  const self0 = process.cpuUsage();
  return async (windowMs: number) => {
    const s = windowMs / 1000;
    const server = ((cpuSeconds(serverPid) ?? NaN) - server0) / s;
    const ours = await postgresPids();
    const pg1 = new Map([...cpuByName('postgres')].filter(([pid]) => ours.has(pid)));
    const postgres = cpuDelta(pg0, pg1) / s;
    const machine1 = machineCpu();
    const machineBusy = (machine1.busy - machine0.busy) / s;
    const selfUsed = process.cpuUsage(self0);
    const loadGenerator = (selfUsed.user + selfUsed.system) / 1e6 / s;
    return { server, postgres, loadGenerator, other: Math.max(0, machineBusy - server - postgres - loadGenerator), machineBusy };
  };
}

/** Samples a process's resident set every 200 ms; peak = max(VmHWM, sampled VmRSS). */
export class RssSampler {
  private timer: NodeJS.Timeout;
  peakRss = 0;
  private phasePeak = 0;

  constructor(private readonly pid: number | 'self', intervalMs = 200) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  private sample() {
    const rss = statusField(this.pid, 'VmRSS') ?? 0;
    const hwm = statusField(this.pid, 'VmHWM') ?? 0;
    this.peakRss = Math.max(this.peakRss, rss, hwm);
    this.phasePeak = Math.max(this.phasePeak, rss);
  }

  /** The highest VmRSS sampled since the last call (so each phase gets its own peak). */
  takePhasePeak(): number {
    this.sample();
    const peak = this.phasePeak;
    this.phasePeak = statusField(this.pid, 'VmRSS') ?? 0;
    return peak;
  }

  stop(): number {
    this.sample();
    clearInterval(this.timer);
    return this.peakRss;
  }
}

export const MiB = (bytes: number) => round(bytes / 2 ** 20, 1);

// ---------------------------------------------------------------- the server as a child process

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, HOST, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full));
    else if (entry.isFile()) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * How to run the server: the built `dist/server.js` when it exists and is newer than every file in
 * src/ (so it is not stale), else the TypeScript sources through tsx's loader. Both run in ONE node
 * process, so the child's pid is the server's pid.
 */
export function serverCommand(extraNodeArgs: string[] = []): { args: string[]; label: string } {
  const built = path.join(ROOT, 'dist', 'server.js');
  if (fs.existsSync(built) && fs.statSync(built).mtimeMs > newestMtime(path.join(ROOT, 'src'))) {
    return { args: [...extraNodeArgs, built], label: 'node dist/server.js' };
  }
  return { args: [...extraNodeArgs, '--import', 'tsx', path.join(ROOT, 'src', 'server.ts')], label: 'node --import tsx src/server.ts' };
}

export interface RunningServer {
  child: ChildProcess;
  pid: number;
  port: number;
  label: string;
  /** Milliseconds from spawn() to the first 200 from /api/v1/health. */
  readyMs: number;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children = new Set<ChildProcess>();
/** Children still running when this process is interrupted are sent SIGTERM, not left behind. */
function stopChildrenOnExit() {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
}
process.on('exit', stopChildrenOnExit);

export async function startServer(env: Record<string, string>, options: { timeoutMs?: number; nodeArgs?: string[] } = {}): Promise<RunningServer> {
  const port = Number(env.PORT);
  const { args, label } = serverCommand(options.nodeArgs);
  let output = '';
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', HOST, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    });
  });
  let gone = false;
  void exited.then(() => (gone = true));

  const deadline = started + (options.timeoutMs ?? 90_000);
  while (performance.now() < deadline) {
    if (gone) throw new Error(`server exited before it was ready:\n${output}`);
    const res = await request(port, 'GET', '/api/v1/health', undefined, { agent: false, timeoutMs: 1000 }).catch(() => null);
    if (res?.status === 200) {
      return { child, pid: child.pid!, port, label, readyMs: performance.now() - started, output: () => output, exited };
    }
    await sleep(10);
  }
  child.kill('SIGTERM');
  throw new Error(`server not ready within ${options.timeoutMs ?? 90_000} ms:\n${output}`);
}

/** SIGTERM, then wait (bounded) for the exit; SIGKILL if it does not come. */
export async function stopServer(server: RunningServer, timeoutMs = 15_000) {
  const t0 = performance.now();
  server.child.kill('SIGTERM');
  const result = await Promise.race([server.exited, sleep(timeoutMs).then(() => null)]);
  if (!result) {
    server.child.kill('SIGKILL');
    return { code: null, signal: 'SIGKILL' as const, stopMs: performance.now() - t0, clean: false };
  }
  return { ...result, stopMs: performance.now() - t0, clean: result.code === 0 };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- HTTP client

export interface Reply {
  status: number;
  body: string;
  ms: number;
}

export function makeAgent(connections: number) {
  return new http.Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
}

export function request(
  port: number,
  method: string,
  urlPath: string,
  body?: unknown,
  options: { agent?: http.Agent | false; timeoutMs?: number; headers?: Record<string, string> } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const t0 = performance.now();
    const req = http.request(
      {
        host: HOST, port, method, path: urlPath, agent: options.agent,
        headers: { ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}), ...options.headers },
        timeout: options.timeoutMs ?? 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), ms: performance.now() - t0 }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end(payload);
  });
}

export interface LoadResult {
  ok: number;
  errors: number;
  /** Status code (or 'network') → count, for everything that was not the expected status. */
  errorKinds: Record<string, number>;
  firstError: string | null;
  elapsedMs: number;
  latency: Summary;
  perSecond: number;
}

/** The answers of a load run: latencies of the expected status, everything else counted by kind. */
class Tally {
  latencies: number[] = [];
  errorKinds: Record<string, number> = {};
  firstError: string | null = null;
  ok = 0;
  errors = 0;

  constructor(private readonly expectStatus: number) {}

  /** Records an answer timed at `ms`; true when it had the expected status. */
  answer(reply: Reply, ms: number): boolean {
    if (reply.status === this.expectStatus) {
      this.ok++;
      this.latencies.push(ms);
      return true;
    }
    this.fail(String(reply.status), `${reply.status} ${reply.body.slice(0, 300)}`);
    return false;
  }

  fail(kind: string, message: string) {
    this.errors++;
    this.errorKinds[kind] = (this.errorKinds[kind] ?? 0) + 1;
    this.firstError ??= message;
  }

  result(elapsedMs: number): LoadResult {
    const { ok, errors, errorKinds, firstError } = this;
    return { ok, errors, errorKinds, firstError, elapsedMs, latency: summarise(this.latencies), perSecond: (ok / elapsedMs) * 1000 };
  }
}

/** What both load shapes take: where to send, for how long, which status counts as answered, and the i-th request. */
interface LoadOptions {
  port: number;
  agent: http.Agent;
  durationMs: number;
  expectStatus: number;
  next: (i: number) => { method: string; path: string; body?: unknown; headers?: Record<string, string> } | null;
  onOk?: (i: number, reply: Reply) => void;
}

/**
 * Runs `concurrency` workers that each send one request at a time. `next(i)` builds the i-th request
 * (or returns null when there is no more work). Stops at `maxRequests` or when `durationMs` has passed,
 * whichever comes first; requests in flight at the deadline are finished but only those that completed
 * by the deadline are counted in the rate.
 */
export async function runLoad(options: LoadOptions & { concurrency: number; maxRequests: number }): Promise<LoadResult> {
  const tally = new Tally(options.expectStatus);
  let issued = 0;
  const t0 = performance.now();
  const deadline = t0 + options.durationMs;
  let lastDone = t0;

  const worker = async () => {
    while (issued < options.maxRequests && performance.now() < deadline) {
      const i = issued++;
      const spec = options.next(i);
      if (!spec) return;
      let reply: Reply | null = null;
      try {
        reply = await request(options.port, spec.method, spec.path, spec.body, { agent: options.agent, headers: spec.headers });
      } catch (error) {
        tally.fail('network', String(error));
        continue;
      }
      const done = performance.now();
      if (done > deadline) return; // finished after the deadline: not part of the measured window
      lastDone = done;
      if (tally.answer(reply, reply.ms)) options.onOk?.(i, reply);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  // For a fixed-count run the window ends with the last answer; for a timed run it is the duration.
  return tally.result(issued >= options.maxRequests ? lastDone - t0 : Math.min(options.durationMs, performance.now() - t0));
}

/**
 * Open loop: requests are sent at `ratePerSecond` (evenly spaced) whether or not earlier ones have answered, as people
 * arriving at a door do; at most `maxInFlight` at once, the rest wait their turn. Latency is measured from when a
 * request was due, not when it could be sent, so waiting for a free connection counts (no coordinated omission).
 */
export async function runOpenLoop(options: LoadOptions & { ratePerSecond: number; maxInFlight: number }): Promise<LoadResult & { offered: number; peakInFlight: number }> {
  const tally = new Tally(options.expectStatus);
  let inFlight = 0;
  let peakInFlight = 0;
  let due = 0;
  let exhausted = false;
  const waiting: { i: number; dueAt: number }[] = [];
  const t0 = performance.now();
  const end = t0 + options.durationMs;
  const pending = new Set<Promise<void>>();

  const send = (i: number, dueAt: number) => {
    const spec = options.next(i);
    if (!spec) {
      exhausted = true;
      return;
    }
    inFlight++;
    peakInFlight = Math.max(peakInFlight, inFlight);
    const p = request(options.port, spec.method, spec.path, spec.body, { agent: options.agent, headers: spec.headers }).then(
      (reply) => {
        const ms = performance.now() - dueAt;
        if (tally.answer(reply, ms)) options.onOk?.(i, { ...reply, ms });
      },
      (error) => tally.fail('network', String(error)),
    ).finally(() => {
      inFlight--;
      pending.delete(p);
      const nextUp = waiting.shift();
      if (nextUp) send(nextUp.i, nextUp.dueAt);
    });
    pending.add(p);
  };

  while (!exhausted) {
    const now = performance.now();
    if (now >= end) break;
    const shouldHave = Math.floor(((now - t0) / 1000) * options.ratePerSecond);
    while (due < shouldHave && !exhausted) {
      const dueAt = t0 + (due / options.ratePerSecond) * 1000;
      if (inFlight < options.maxInFlight) send(due, dueAt);
      else waiting.push({ i: due, dueAt });
      due++;
    }
    await sleep(1);
  }
  // Whatever was due is still sent and timed: dropping it would hide a backlog.
  while (pending.size) await Promise.all([...pending]);
  return { ...tally.result(Math.min(options.durationMs, performance.now() - t0)), offered: due, peakInFlight };
}
