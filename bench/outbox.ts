/**
 * Outbox delivery to a local SMTP server (docs/benchmarks.md, "Issue 3: outbox delivery").
 *
 *   npx tsx bench/outbox.ts [--messages=20000] [--batch=500] [--databases=postgresql,pglite]
 *                           [--transports=smtp,smtp-nopause,pooled,none] [--paused-messages=3000]
 *                           [--trickle-rate=50] [--trickle-seconds=8]
 *                           [--pg=postgres://postgres@127.0.0.1:5432/postgres] [--quiet-wait=30] [--timeout=600]
 *
 * This process runs an SMTP server (the `smtp-server` package, as src/platform/outbox/smtp.test.ts does:
 * AUTH PLAIN/LOGIN without TLS, every message read to the end) on 127.0.0.1, and creates a fresh PostgreSQL
 * database zy_bench_outbox_<random> (dropped at the end, also after Ctrl-C). For each database × transport a
 * child process (so its CPU and peak RSS are the worker's alone) then:
 *
 * 1. opens the database with openPostgres / openPglite(null) (src/platform/database/database.ts; PGlite in
 *    memory), and empties outbox_messages;
 * 2. enqueue: --messages password_reset e-mails with enqueueMessage, --batch per transaction (rows/s);
 * 3. delivery: startOutboxWorker (src/platform/outbox/worker.ts), the function src/server.ts starts, with the
 *    server's batch size (20) and lane count (4), a 50 ms pause between passes, until every message is sent;
 *    progress once a second. Transports:
 *      smtp    createTransports(config) with SMTP_URL pointing here: the server's own code path
 *              (createSmtpTransport, one SMTP connection per message);
 *      pooled  the same send code on a nodemailer pool (pool: true, 4 connections): defined in this file
 *              only, to see what the connection per message costs; src/ is not changed;
 *      none    outboxOnlyTransport: no SMTP at all, i.e. what claiming and recording alone allow;
 *      smtp-nopause  smtp again, with this process's SMTP server greeting at once: smtp-server waits 100 ms
 *              before every greeting (see patchGreetPause), which a connection per message pays each time.
 *    The smtp run gets --paused-messages (default 3000) messages: at ~35/s, 20,000 would take ten minutes.
 * 4. trickle: a new worker with the server's defaults (2 s pause between passes), --trickle-rate messages/s
 *    for --trickle-seconds, each enqueued in its own transaction as a request would: enqueue-to-delivery
 *    latency when the outbox is not backlogged;
 * 5. for comparison, --messages rows through enqueueMessages (one multi-row INSERT per --batch), then deleted.
 *
 * Latency is sent_at − created_at of each row (both from the same clock, ctx.now()). CPU: the child (worker),
 * this process (SMTP server), our PostgreSQL processes, everything else; the machine first waits (bounded)
 * for ≥ 85 % idle. Prints tables and one JSON line. Only 127.0.0.1 is contacted.
 */
import readline from 'node:readline';
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import pino from 'pino';
import { sql } from 'kysely';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import {
  cpuWindow, machine, MiB, parseArgs, positiveInt, printTable, round, RssSampler, sleep, summarise, waitForQuiet, type CpuShares, type Summary,
} from './lib.js';

const args = parseArgs({
  child: '', transport: '', url: '', 'smtp-url': '',
  messages: '20000', 'paused-messages': '3000', batch: '500', databases: 'postgresql,pglite', transports: 'smtp,smtp-nopause,pooled,none',
  'trickle-rate': '50', 'trickle-seconds': '8',
  pg: 'postgres://postgres@127.0.0.1:5432/postgres', 'quiet-wait': '30', timeout: '600',
});

const SCRIPT = fileURLToPath(import.meta.url);
const MESSAGES = positiveInt(args.messages, 'messages', 200_000);
/** The connection-per-message run against the greeting pause does ~35 messages/s: it gets fewer messages. */
const PAUSED_MESSAGES = Math.min(MESSAGES, positiveInt(args['paused-messages'], 'paused-messages', 200_000));
const BATCH = positiveInt(args.batch, 'batch', 10_000);
const TRICKLE_RATE = positiveInt(args['trickle-rate'], 'trickle-rate', 2_000);
const TRICKLE_SECONDS = positiveInt(args['trickle-seconds'], 'trickle-seconds', 120);
const TIMEOUT_S = positiveInt(args.timeout, 'timeout', 3_600);
const SMTP_USER = 'mailer';
const SMTP_PASSWORD = 'p@ss word';

type Kind = 'postgresql' | 'pglite';
type TransportKind = 'smtp' | 'pooled' | 'none';
/** smtp-nopause: the smtp transport, with this process's SMTP server greeting at once (see startSmtp). */
type RunKind = TransportKind | 'smtp-nopause';

interface ChildResult {
  database: Kind;
  transport: RunKind;
  messages: number;
  enqueueMs: number;
  enqueueCpuMs: number;
  enqueueMultiMs: number;
  deliveryMs: number;
  sent: number;
  failed: number;
  /** Child CPU seconds during the delivery window (process.cpuUsage). */
  deliveryCpuS: number;
  backlogLatency: Summary;
  trickle: { messages: number; sent: number; seconds: number; latency: Summary };
  enqueuePeakRssMiB: number | null;
  deliveryPeakRssMiB: number | null;
  peakRssMiB: number | null;
}

// ---------------------------------------------------------------- child: one database × one transport

async function child(kind: Kind, transportKind: TransportKind, url: string, smtpUrl: string) {
  const sampler = new RssSampler('self', 100);
  const { openPglite, openPostgres } = await import('../src/platform/database/database.js');
  const { loadConfig } = await import('../src/platform/config.js');
  const { FieldCipher } = await import('../src/platform/crypto.js');
  const { enqueueMessage, enqueueMessages } = await import('../src/platform/outbox/outbox.js');
  const { startOutboxWorker } = await import('../src/platform/outbox/worker.js');
  const { DeliveryError, mailFrom, outboxOnlyTransport } = await import('../src/platform/outbox/transports.js');
  type Transports = import('../src/platform/outbox/transports.js').Transports;
  type Transport = import('../src/platform/outbox/transports.js').Transport;

  const database = kind === 'pglite' ? await openPglite(null) : await openPostgres(url); // the server's pool size (20)
  const config = loadConfig({ NODE_ENV: 'test', SMTP_URL: smtpUrl, MAIL_FROM: 'no-reply@zhiyuan.test' });
  // The server logs at "info" by default, i.e. one line per delivered message: same here, to /dev/null.
  const log = pino({ level: 'info' }, pino.destination({ dest: '/dev/null', sync: true }));
  const ctx = { config, db: database.db, dbKind: database.kind, cipher: new FieldCipher(randomBytes(32)), log: log as never, now: () => new Date() };
  await sql`truncate outbox_messages`.execute(ctx.db);
  const emit = (event: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(event)}\n`);
  const tag = `[${kind} ${transportKind}]`;

  /** The same send code as createSmtpTransport (src/platform/outbox/transports.ts), on a nodemailer pool. */
  const pooledTransport = (): Transport & { close(): void } => {
    const transporter = nodemailer.createTransport({
      url: smtpUrl, pool: true, maxConnections: 4, maxMessages: Infinity,
      connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 30_000, dnsTimeout: 30_000,
    } as never);
    const from = mailFrom(config);
    return {
      name: 'smtp',
      close: () => transporter.close(),
      async send(message) {
        if (message.channel !== 'email') throw new DeliveryError('the SMTP transport sends e-mail only', false);
        try {
          const info = await transporter.sendMail({
            from, to: message.to, subject: message.content.subject, text: message.content.body,
            headers: { 'X-Zhiyuan-Message-Id': message.id },
          });
          return { providerId: info.messageId ?? null };
        } catch (error) {
          const e = error as { message?: string; responseCode?: number; code?: string };
          const permanent = typeof e.responseCode === 'number' && e.responseCode >= 500 && e.responseCode < 600;
          throw new DeliveryError(`SMTP ${e.code ?? 'error'}: ${e.message ?? String(error)}`, !permanent);
        }
      },
    };
  };
  const pooled = transportKind === 'pooled' ? pooledTransport() : null;
  // undefined: startOutboxWorker calls createTransports(ctx.config) itself, exactly as in src/server.ts.
  const transports: Transports | undefined =
    transportKind === 'smtp' ? undefined
      : transportKind === 'pooled' ? { email: pooled!, sms: outboxOnlyTransport }
        : { email: outboxOnlyTransport, sms: outboxOnlyTransport };

  const input = (i: number) => ({
    channel: 'email' as const, to: `Volunteer.${i}@Example.com`, template: 'password_reset' as const,
    params: { username: `volunteer_${i}`, code: String(100000 + (i * 7919) % 900000), link: `https://zhiyuan.test/recover?token=${i.toString(36)}x${randomBytes(12).toString('base64url')}`, hours: 3 },
  });
  const countBy = async () => {
    const rows = await ctx.db.selectFrom('outbox_messages').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
    const by: Record<string, number> = {};
    for (const r of rows) by[r.status] = Number(r.n);
    return by;
  };
  const latencies = async (since: Date) => {
    const rows = await ctx.db.selectFrom('outbox_messages')
      .select(sql<number>`extract(epoch from (sent_at - created_at)) * 1000`.as('ms'))
      .where('status', '=', 'sent').where('created_at', '>=', since).execute();
    return summarise(rows.map((r) => Number(r.ms)));
  };

  // 1. Enqueue, --batch messages per transaction, nothing delivering.
  sampler.takePhasePeak();
  emit({ event: 'enqueueStart' });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let lastPrint = t0;
  for (let start = 0; start < MESSAGES; start += BATCH) {
    await ctx.db.transaction().execute(async (trx) => {
      for (let i = start; i < Math.min(MESSAGES, start + BATCH); i++) await enqueueMessage(trx, ctx, input(i));
    });
    if (performance.now() - lastPrint > 1000) {
      lastPrint = performance.now();
      const done = Math.min(MESSAGES, start + BATCH);
      console.error(`${tag} enqueue ${((lastPrint - t0) / 1000).toFixed(1).padStart(5)} s  ${done}/${MESSAGES}  ${Math.round(done / ((lastPrint - t0) / 1000))} rows/s`);
    }
  }
  const enqueueMs = performance.now() - t0;
  const enqueueCpu = process.cpuUsage(cpu0);
  const enqueuePeak = sampler.takePhasePeak();
  emit({ event: 'enqueueEnd' });
  await sql`analyze outbox_messages`.execute(ctx.db); // as autovacuum would soon after; the claim query plans on the partial index

  // 2. Delivery of the backlog: the server's worker with a short pause between passes.
  emit({ event: 'deliveryStart' });
  const cpu1 = process.cpuUsage();
  const t1 = performance.now();
  const wall1 = Date.now();
  const stop = startOutboxWorker(ctx, { intervalMs: 50, transports });
  let by: Record<string, number> = {};
  let lastDone = 0;
  let lastChange = t1;
  let lastLine = t1;
  for (;;) {
    await sleep(250);
    by = await countBy();
    const done = (by.sent ?? 0) + (by.failed ?? 0);
    const now = performance.now();
    const secs = (now - t1) / 1000;
    if (now - lastLine >= 1000 || done >= MESSAGES) {
      lastLine = now;
      console.error(`${tag} deliver ${secs.toFixed(1).padStart(5)} s  sent ${by.sent ?? 0}/${MESSAGES} (${Math.floor(((by.sent ?? 0) / MESSAGES) * 100)} %)  ` +
        `${Math.round(done / secs)}/s  failed ${by.failed ?? 0}  pending ${by.pending ?? 0}  sending ${by.sending ?? 0}  rss ${MiB(process.memoryUsage().rss)} MiB`);
    }
    if (done >= MESSAGES) break;
    if (done !== lastDone) { lastDone = done; lastChange = now; }
    if (now - lastChange > 60_000) throw new Error(`${tag} no progress for 60 s: ${JSON.stringify(by)}`);
    if (secs > TIMEOUT_S) throw new Error(`${tag} not done within ${TIMEOUT_S} s: ${JSON.stringify(by)}`);
  }
  const deliveryCpu = process.cpuUsage(cpu1);
  emit({ event: 'deliveryEnd' });
  // The poll sees the end up to 250 ms late: the window ends at the last sent_at (same clock as Date.now()).
  const last = await ctx.db.selectFrom('outbox_messages').select((eb) => eb.fn.max('sent_at').as('at')).executeTakeFirstOrThrow();
  const deliveryMs = Math.min(performance.now() - t1, new Date(last.at as unknown as string | Date).getTime() - wall1);
  await stop();
  const deliveryPeak = sampler.takePhasePeak();
  const backlogLatency = await latencies(new Date(0));

  // 3. Trickle: the server's defaults (2 s pause), one transaction per message as a request does.
  const trickleFrom = new Date();
  const stopTrickle = startOutboxWorker(ctx, { transports });
  const trickleCount = TRICKLE_RATE * TRICKLE_SECONDS;
  const t2 = performance.now();
  for (let i = 0; i < trickleCount; i++) {
    const due = t2 + (i * 1000) / TRICKLE_RATE;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    await ctx.db.transaction().execute((trx) => enqueueMessage(trx, ctx, input(MESSAGES + i)));
  }
  const trickleEnqueueS = (performance.now() - t2) / 1000;
  for (let waited = 0; waited < 240; waited++) { // at most 60 s
    const n = await ctx.db.selectFrom('outbox_messages').select((eb) => eb.fn.countAll<number>().as('n'))
      .where('created_at', '>=', trickleFrom).where('status', 'in', ['pending', 'sending']).executeTakeFirstOrThrow();
    if (Number(n.n) === 0) break;
    await sleep(250);
  }
  await stopTrickle();
  const trickleLatency = await latencies(trickleFrom);
  console.error(`${tag} trickle ${trickleCount} messages at ${TRICKLE_RATE}/s: latency p50 ${round(trickleLatency.p50, 0)} ms, p99 ${round(trickleLatency.p99, 0)} ms`);

  // 4. For comparison: the multi-row enqueueMessages, then those rows are removed undelivered.
  const multiFrom = new Date();
  const t3 = performance.now();
  for (let start = 0; start < MESSAGES; start += BATCH) {
    const inputs = Array.from({ length: Math.min(MESSAGES, start + BATCH) - start }, (_, k) => input(2 * MESSAGES + start + k));
    await ctx.db.transaction().execute((trx) => enqueueMessages(trx, ctx, inputs));
  }
  const enqueueMultiMs = performance.now() - t3;
  await ctx.db.deleteFrom('outbox_messages').where('created_at', '>=', multiFrom).where('status', '=', 'pending').execute();

  pooled?.close();
  const peak = sampler.stop();
  await database.close();
  const result: ChildResult = {
    database: kind, transport: transportKind, messages: MESSAGES,
    enqueueMs: round(enqueueMs, 0)!, enqueueCpuMs: round((enqueueCpu.user + enqueueCpu.system) / 1000, 0)!, enqueueMultiMs: round(enqueueMultiMs, 0)!,
    deliveryMs: round(deliveryMs, 0)!, sent: by.sent ?? 0, failed: by.failed ?? 0,
    deliveryCpuS: (deliveryCpu.user + deliveryCpu.system) / 1e6,
    backlogLatency,
    trickle: { messages: trickleCount, sent: trickleLatency.count, seconds: round(trickleEnqueueS, 1)!, latency: trickleLatency },
    enqueuePeakRssMiB: MiB(enqueuePeak), deliveryPeakRssMiB: MiB(deliveryPeak), peakRssMiB: MiB(peak),
  };
  emit({ event: 'result', result });
}

// ---------------------------------------------------------------- parent: SMTP server, database, children

interface SmtpCounters { connections: number; messages: number; bytes: number }

/**
 * smtp-server waits 100 ms before its 220 greeting on every connection, to catch clients that talk before it
 * (an anti-spam "greet pause"; not configurable). With a connection per message that pause is paid per
 * message, so the smtp-nopause run replaces SMTPConnection.init (bench only) with the same code minus the
 * timer, to show what a connection per message costs without it.
 */
let greetPause = true;
async function patchGreetPause() {
  const specifier = 'smtp-server/lib/smtp-connection.js';
  const { SMTPConnection } = (await import(specifier)) as { SMTPConnection: { prototype: Record<string, (...a: unknown[]) => unknown> } };
  const original = SMTPConnection.prototype.init;
  SMTPConnection.prototype.init = function (this: Record<string, any>, ...rest: unknown[]) {
    if (greetPause) return original.apply(this, rest);
    this._setListeners(() => {
      if (this._server.options.maxClients && this._server.connections.size > this._server.options.maxClients) {
        return this.send(421, this.name + ' Too many connected clients, try again in a moment', false);
      }
      this.connectionReady();
    });
  };
}

async function startSmtp(counters: SmtpCounters) {
  await patchGreetPause();
  const smtp = new SMTPServer({
    logger: false,
    disableReverseLookup: true,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    closeTimeout: 1000,
    onConnect(_session, callback) {
      counters.connections++;
      callback();
    },
    onAuth(auth, _session, callback) {
      if (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD) return callback(null, { user: SMTP_USER });
      return callback(new Error('Invalid username or password'));
    },
    onData(stream, _session, callback) {
      stream.on('data', (c: Buffer) => { counters.bytes += c.length; });
      stream.on('end', () => {
        counters.messages++;
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
  const { port } = smtp.server.address() as AddressInfo;
  return { smtp, url: `smtp://${SMTP_USER}:${encodeURIComponent(SMTP_PASSWORD)}@127.0.0.1:${port}` };
}

interface Run {
  result: ChildResult;
  idleBefore: number | null;
  delivery: CpuShares;
  enqueue: CpuShares;
  smtp: SmtpCounters;
}

async function main() {
  if (args.child) {
    await child(args.child as Kind, args.transport as TransportKind, args.url, args['smtp-url']);
    process.exit(0); // nodemailer or pg may keep a timer; the result is out
  }
  const databases = args.databases.split(',').filter(Boolean) as Kind[];
  const transportKinds = args.transports.split(',').filter(Boolean) as RunKind[];
  if (databases.some((d) => !['postgresql', 'pglite'].includes(d))) throw new Error('--databases: postgresql, pglite');
  if (transportKinds.some((t) => !['smtp', 'smtp-nopause', 'pooled', 'none'].includes(t))) throw new Error('--transports: smtp, smtp-nopause, pooled, none');
  const adminUrl = new URL(args.pg);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(adminUrl.hostname)) throw new Error('--pg must point at a local PostgreSQL (127.0.0.1)');
  const quietWaitMs = Number(args['quiet-wait']) * 1000;

  const m = machine();
  let pgVersion = '';
  const dbName = `zy_bench_outbox_${randomBytes(5).toString('hex')}`;
  let created = false;
  let running: ReturnType<typeof spawn> | null = null;
  const counters: SmtpCounters = { connections: 0, messages: 0, bytes: 0 };
  const { smtp, url: smtpUrl } = await startSmtp(counters);
  const admin = new pg.Client({ connectionString: args.pg });
  await admin.connect();
  const cleanUp = async () => {
    if (running && running.exitCode === null) running.kill('SIGTERM');
    if (created) {
      await sleep(500);
      await admin.query(`drop database if exists ${dbName} with (force)`);
      created = false;
      console.log(`dropped database ${dbName}`);
    }
    await admin.end().catch(() => {});
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  };
  process.on('SIGINT', () => void cleanUp().finally(() => process.exit(130)));
  process.on('SIGTERM', () => void cleanUp().finally(() => process.exit(143)));

  const runs: Run[] = [];
  try {
    pgVersion = (await admin.query<{ v: string }>("select current_setting('server_version') as v")).rows[0].v;
    if (databases.includes('postgresql')) {
      await admin.query(`create database ${dbName}`);
      created = true;
    }
    const target = new URL(args.pg);
    target.pathname = `/${dbName}`;
    const ourPostgresPids = async () => new Set((await admin.query<{ pid: number }>(
      "select pid from pg_stat_activity where datname = $1 or backend_type not in ('client backend')", [dbName],
    )).rows.map((r) => Number(r.pid)));
    const noPostgres = async () => new Set<number>();

    console.log(JSON.stringify({ machine: m, postgresql: pgVersion, smtp: smtpUrl.replace(/:[^:@/]+@/, ':***@'), messages: MESSAGES, batch: BATCH }));
    for (const kind of databases) {
      for (const transportKind of transportKinds) {
        let idleBefore: number | null = null;
        if (quietWaitMs > 0) {
          const q = await waitForQuiet(quietWaitMs);
          idleBefore = q.idle;
          console.log(`\n[${kind} ${transportKind}] machine ${Math.round(q.idle * 100)} % idle after waiting ${round(q.waitedMs / 1000, 1)} s`);
        }
        Object.assign(counters, { connections: 0, messages: 0, bytes: 0 });
        greetPause = transportKind !== 'smtp-nopause';
        const messages = transportKind === 'smtp' ? PAUSED_MESSAGES : MESSAGES;
        const proc = spawn(process.execPath, ['--import', 'tsx', SCRIPT, `--child=${kind}`, `--transport=${transportKind === 'smtp-nopause' ? 'smtp' : transportKind}`, `--url=${target}`,
          `--smtp-url=${smtpUrl}`, `--messages=${messages}`, `--paused-messages=${messages}`, `--batch=${BATCH}`, `--trickle-rate=${TRICKLE_RATE}`, `--trickle-seconds=${TRICKLE_SECONDS}`,
          `--timeout=${TIMEOUT_S}`], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NODE_ENV: 'test' } });
        running = proc;
        const pids = kind === 'postgresql' ? ourPostgresPids : noPostgres;
        let result: ChildResult | null = null;
        let enqueueEnd: ((ms: number) => Promise<CpuShares>) | null = null;
        let deliveryEnd: ((ms: number) => Promise<CpuShares>) | null = null;
        let enqueueT0 = 0;
        let deliveryT0 = 0;
        let enqueue: CpuShares | null = null;
        let delivery: CpuShares | null = null;
        const smtpAtEnd = { ...counters };
        const lines = readline.createInterface({ input: proc.stdout! });
        const exited = new Promise<number | null>((resolve) => proc.on('exit', resolve));
        for await (const line of lines) {
          if (!line.startsWith('{')) continue;
          const e = JSON.parse(line) as { event: string; result?: ChildResult };
          if (e.event === 'enqueueStart') { enqueueEnd = cpuWindow(proc.pid!, pids); enqueueT0 = performance.now(); }
          if (e.event === 'enqueueEnd' && enqueueEnd) enqueue = await enqueueEnd(performance.now() - enqueueT0);
          if (e.event === 'deliveryStart') { deliveryEnd = cpuWindow(proc.pid!, pids); deliveryT0 = performance.now(); }
          if (e.event === 'deliveryEnd' && deliveryEnd) {
            delivery = await deliveryEnd(performance.now() - deliveryT0);
            Object.assign(smtpAtEnd, counters);
          }
          if (e.event === 'result') result = e.result!;
        }
        const code = await exited;
        running = null;
        if (code !== 0 || !result || !enqueue || !delivery) throw new Error(`${kind} ${transportKind} child failed (exit ${code})`);
        result.transport = transportKind;
        runs.push({ result, idleBefore, enqueue, delivery, smtp: smtpAtEnd });
        const r = result;
        console.log(`[${kind} ${transportKind}] ${r.sent} sent in ${round(r.deliveryMs / 1000, 1)} s = ${Math.round(r.sent / (r.deliveryMs / 1000))}/s; ` +
          `SMTP server saw ${smtpAtEnd.messages} messages on ${smtpAtEnd.connections} connections; other processes ${round(delivery.other, 2)} cores`);
      }
    }
  } finally {
    await cleanUp();
  }

  const ms = (n: number) => round(n, 0);
  printTable(`Enqueue: password_reset e-mails, enqueueMessage, ${BATCH} per transaction`,
    ['database', 'transport run', 'rows', 'rows/s', 'child CPU ms/row', 'cores: child', 'postgres', 'other', 'peak RSS MiB', 'multi-row enqueueMessages rows/s'],
    runs.map(({ result: r, enqueue: c }) => [r.database, r.transport, r.messages, Math.round(r.messages / (r.enqueueMs / 1000)), round(r.enqueueCpuMs / r.messages, 3),
      round(c.server, 2), round(c.postgres, 2), round(c.other, 2), r.enqueuePeakRssMiB, Math.round(r.messages / (r.enqueueMultiMs / 1000))]));
  printTable('Delivery of the backlog: startOutboxWorker (batch 20, 4 lanes, 50 ms pause); smtp-nopause: SMTP server without its 100 ms greet pause',
    ['database', 'transport', 'msgs/s', 'sent', 'SMTP conns', 'worker cores', 'worker CPU ms/msg', 'SMTP server cores', 'postgres cores', 'other cores', 'idle before', 'worker peak RSS MiB'],
    runs.map(({ result: r, delivery: c, smtp: s, idleBefore }) => [r.database, r.transport, Math.round(r.sent / (r.deliveryMs / 1000)), r.sent,
      r.transport === 'none' ? null : s.connections, round(r.deliveryCpuS / (r.deliveryMs / 1000), 2), round((r.deliveryCpuS * 1000) / r.sent, 2), round(c.loadGenerator, 2),
      round(c.postgres, 2), round(c.other, 2), idleBefore === null ? null : `${Math.round(idleBefore * 100)} %`, r.deliveryPeakRssMiB]));
  printTable('Enqueue-to-delivery latency, ms',
    ['database', 'transport', 'backlog p50', 'p95', 'p99', `trickle ${TRICKLE_RATE}/s p50`, 'p95', 'p99', 'max', 'sent'],
    runs.map(({ result: r }) => [r.database, r.transport, ms(r.backlogLatency.p50), ms(r.backlogLatency.p95), ms(r.backlogLatency.p99),
      ms(r.trickle.latency.p50), ms(r.trickle.latency.p95), ms(r.trickle.latency.p99), ms(r.trickle.latency.max), `${r.trickle.sent}/${r.trickle.messages}`]));
  console.log(JSON.stringify({ machine: m, postgresql: pgVersion, runs }));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
