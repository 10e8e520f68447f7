import type { Kysely } from 'kysely';
import type { AppContext } from '../../platform/context.js';
import type { DB, ImportKind, ImportMode, ImportPhase, ImportStatus } from '../../platform/database/schema.js';
import type { SessionAccount } from '../../platform/sessions.js';
import { AppError, errors } from '../../platform/errors.js';
import { audit } from '../../platform/audit.js';
import { uuidv7 } from '../../platform/ids.js';
import { enqueueActivationNotices } from '../activation/notice.js';
import { getSite } from '../places/divisions.js';
import { findUnit } from '../units/access.js';
import { mapHeader, type Field } from './columns.js';
import { detectFormat, isBlankRow, readRows, UnreadableFileError, type FileFormat } from './read.js';
import {
  checkPerson, generateUsername, insertPeople, personKeys, removePeople, unusablePasswordHash,
  CONFLICT_PROBLEM, type Keyed, type PersonCells, type PersonKeys, type PersonRecord, type Problem,
} from './people.js';
import { mayImport, type ImportTarget } from './permissions.js';
import { TEXT } from './text.js';

/**
 * Bulk import of people (seed 001; seed 003 §一), as a background job in this process.
 *
 * 1. reading: the file is streamed row by row (read.ts); each row gets the registration checks (people.ts).
 * 2. checking: duplicates inside the file (every occurrence is refused, naming the other rows), then against the
 *    national look-up keys in batches; usernames are generated for rows without one.
 * 3. writing: batches of BATCH people, one transaction each (so the embedded database keeps serving other
 *    requests between batches, and progress is visible). The look-up keys decide uniqueness as in registration.
 *    - good_rows: a batch's accounts are final when it commits; their activation SMS is written with them.
 *    - all_or_nothing: nothing is written when any row was refused. A person who registers an identifier of the
 *      file between the check and the write makes that row lose; then every account this job created is
 *      removed again and the job is `rejected`. Until the job reaches `notifying`, its accounts cannot be
 *      activated (activation checks `accountInUnfinishedImport`).
 * 4. notifying (all_or_nothing): the activation SMS of every created account, in batches.
 *
 * Progress (phase, rows read, processed / total, created, refused) is written to import_jobs after each batch
 * with a heartbeat; a queued or running job without a heartbeat for STALE_MS was interrupted (process ended):
 * whoever next reads it removes what an all-or-nothing job had created and marks it failed.
 */

export const MAX_ROWS = 100_000;
export const MAX_FILE_BYTES = 30 * 1024 * 1024;
const BATCH = 500;
const CHECK_BATCH = 1000;
const READ_PROGRESS_EVERY = 5000;
export const STALE_MS = 2 * 60_000;
const HEARTBEAT_MS = 20_000;
/** Finished jobs and their reports are kept this long. */
const RETENTION_DAYS = 90;

export interface CreateImportInput {
  kind: ImportKind;
  mode: ImportMode;
  siteCode?: string | null;
  unitId?: string | null;
  fileName: string;
  content: Buffer;
}

/**
 * Lets timers and I/O run. PGlite answers queries without ever returning to the event loop, so a job that only
 * awaits queries would keep every other request (and the progress it wants to show) waiting until it ends.
 */
const yieldToOthers = () => new Promise<void>((resolve) => setImmediate(resolve));

class JobFailure extends Error {
  constructor(readonly code: keyof typeof TEXT.failed, readonly text: string) {
    super(code);
  }
}
class Interrupted extends Error {}
class RaceLost extends Error {
  constructor(readonly lost: { item: Keyed; problems: Problem[] }[]) {
    super('race lost');
  }
}

const invalid = (code: string, title: string, field: string) => new AppError(422, code, title, { errors: [{ field, code }] });

function cleanFileName(raw: string): string {
  const base = raw.normalize('NFKC').split(/[\\/]/).pop() ?? '';
  return base.replace(/[\u0000-\u001f]/g, '').trim().slice(0, 200);
}

/** Checks the upload and the caller's right, records the job and queues it. */
export async function createImport(ctx: AppContext, actor: SessionAccount, input: CreateImportInput, ip: string | null): Promise<{ id: string; status: ImportStatus }> {
  const fileName = cleanFileName(input.fileName);
  if (!fileName) throw invalid('FILE_NAME_REQUIRED', TEXT.fileNameRequired, 'fileName');
  if (input.content.length === 0) throw invalid('IMPORT_FILE_EMPTY', TEXT.fileEmpty, 'file');
  if (input.content.length > MAX_FILE_BYTES) throw new AppError(413, 'PAYLOAD_TOO_LARGE', '提交的内容过大，请精简后重试');
  const format = detectFormat(fileName, input.content);
  if (!format) throw invalid('IMPORT_FILE_TYPE', TEXT.fileType, 'file');

  let target: ImportTarget;
  let unitName: string | null = null;
  if (input.kind === 'staff') {
    if (!input.unitId) throw invalid('UNIT_REQUIRED', TEXT.unitRequired, 'unitId');
    const unit = await findUnit(ctx.db, input.unitId);
    if (!unit) throw new AppError(404, 'UNIT_NOT_FOUND', TEXT.unitNotFound);
    if (input.siteCode && input.siteCode !== unit.site_code) throw invalid('SITE_MISMATCH', TEXT.siteMismatch, 'siteCode');
    target = { kind: 'staff', siteCode: unit.site_code, unitId: unit.id };
    unitName = unit.name;
  } else {
    if (!input.siteCode || !getSite(input.siteCode)) throw invalid('SITE_UNKNOWN', TEXT.siteUnknown, 'siteCode');
    target = { kind: 'volunteers', siteCode: input.siteCode };
  }
  if (!(await mayImport(ctx.db, actor, target))) {
    if (target.kind === 'staff' && actor.type === 'staff') throw new AppError(404, 'UNIT_NOT_FOUND', TEXT.unitNotFound);
    throw errors.forbidden(TEXT.mayNotImport);
  }

  const now = ctx.now();
  const id = uuidv7(now.getTime());
  await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto('import_jobs').values({
      id, kind: target.kind, mode: input.mode, site_code: target.siteCode, unit_id: target.kind === 'staff' ? target.unitId : null,
      file_name: fileName, format, status: 'queued', phase: null, total: null, created_by: actor.id, created_at: now, heartbeat_at: now,
    }).execute();
    await audit(trx, {
      actor: { id: actor.id, username: actor.username }, action: 'import.create', target: { type: 'import', id }, siteCode: target.siteCode, ip,
      outcome: 'success', detail: { kind: target.kind, mode: input.mode, format, bytes: input.content.length, unitId: target.kind === 'staff' ? target.unitId : null, unitName },
    }, now);
  });
  await purgeOldImports(ctx.db, now);
  importRunner(ctx).enqueue(id, input.content);
  return { id, status: 'queued' };
}

async function purgeOldImports(db: Kysely<DB>, now: Date) {
  const before = new Date(now.getTime() - RETENTION_DAYS * 86_400_000);
  await db.deleteFrom('import_jobs').where('finished_at', '<', before).execute();
}

// ------------------------------------------------------------------------------------------------ the runner

interface Queued {
  id: string;
  content: Buffer | null;
}

/** Runs this process's import jobs one after another and keeps their heartbeats fresh. */
export class ImportRunner {
  private readonly queue: Queued[] = [];
  private readonly held = new Set<string>();
  private running: Promise<void> | null = null;
  private stopping = false;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly ctx: AppContext) {
    this.timer = setInterval(() => void this.heartbeat(), HEARTBEAT_MS);
    this.timer.unref();
  }

  enqueue(id: string, content: Buffer) {
    this.held.add(id);
    this.queue.push({ id, content });
    this.kick();
  }

  holds(id: string) {
    return this.held.has(id);
  }

  /** Resolves when no job of this runner is queued or running (tests and the benchmark wait on it). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private kick() {
    if (this.running || this.stopping) return;
    const next = this.queue.shift();
    if (!next) return;
    const content = next.content!;
    next.content = null;
    this.running = runJob(this.ctx, next.id, content, () => this.stopping)
      .catch((error) => this.ctx.log.error({ err: error, importId: next.id }, 'import job crashed'))
      .finally(() => {
        this.held.delete(next.id);
        this.running = null;
        this.kick();
      });
  }

  private async heartbeat() {
    if (this.held.size === 0) return;
    try {
      await this.ctx.db.updateTable('import_jobs').set({ heartbeat_at: this.ctx.now() })
        .where('id', 'in', [...this.held]).where('status', 'in', ['queued', 'running']).execute();
    } catch (error) {
      this.ctx.log.warn({ err: error }, 'import heartbeat failed');
    }
  }

  /** Stops after the current batch (an all-or-nothing job then removes what it created); queued jobs fail. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.running;
    for (const job of this.queue.splice(0)) {
      await markFailed(this.ctx, job.id, 'INTERRUPTED', TEXT.failed.INTERRUPTED);
      this.held.delete(job.id);
    }
  }
}

const runners = new WeakMap<object, ImportRunner>();

export function importRunner(ctx: AppContext): ImportRunner {
  let runner = runners.get(ctx.db);
  if (!runner) {
    runner = new ImportRunner(ctx);
    runners.set(ctx.db, runner);
  }
  return runner;
}

export async function stopImports(ctx: AppContext): Promise<void> {
  const runner = runners.get(ctx.db);
  if (!runner) return;
  runners.delete(ctx.db);
  await runner.stop();
}

// ------------------------------------------------------------------------------------------------ one job

interface JobRow {
  id: string;
  kind: ImportKind;
  mode: ImportMode;
  site_code: string;
  unit_id: string | null;
  format: FileFormat;
  created_by: string;
}

interface Progress {
  phase?: ImportPhase | null;
  total?: number | null;
  rows_read?: number;
  processed?: number;
  created_count?: number;
  refused_count?: number;
}

async function progress(ctx: AppContext, jobId: string, fields: Progress) {
  await ctx.db.updateTable('import_jobs').set({ ...fields, heartbeat_at: ctx.now() }).where('id', '=', jobId).execute();
}

async function markFailed(ctx: AppContext, jobId: string, code: keyof typeof TEXT.failed, text: string) {
  const now = ctx.now();
  await ctx.db.updateTable('import_jobs')
    .set({ status: 'failed', error_code: code, error: text, finished_at: now, heartbeat_at: now })
    .where('id', '=', jobId).where('status', 'in', ['queued', 'running']).execute();
}

type RowOutcome = { status: 'created' | 'refused' | 'not_created'; row: number; name: string | null; username?: string | null; accountId?: string | null; reasons: Problem[] };

async function writeRows(db: Kysely<DB>, jobId: string, rows: RowOutcome[]) {
  for (let i = 0; i < rows.length; i += CHECK_BATCH) {
    const slice = rows.slice(i, i + CHECK_BATCH);
    await db.insertInto('import_rows').values(slice.map((r) => ({
      job_id: jobId, row_number: r.row, status: r.status, name: r.name, username: r.username ?? null,
      account_id: r.accountId ?? null, reasons: JSON.stringify(r.reasons),
    }))).execute();
    if (!db.isTransaction) await yieldToOthers();
  }
}

/** Removes every account an all-or-nothing job created; their report rows become "not created" with `reason`. */
async function removeCreated(ctx: AppContext, jobId: string, reason: Problem) {
  for (;;) {
    const rows = await ctx.db.selectFrom('import_rows').select(['row_number', 'account_id'])
      .where('job_id', '=', jobId).where('status', '=', 'created').limit(BATCH).execute();
    if (rows.length === 0) return;
    const ids = rows.map((r) => r.account_id!).filter(Boolean);
    await ctx.db.transaction().execute(async (trx) => {
      await removePeople(trx, ids);
      await trx.updateTable('import_rows').set({ status: 'not_created', account_id: null, reasons: JSON.stringify([reason]) })
        .where('job_id', '=', jobId).where('row_number', 'in', rows.map((r) => r.row_number)).execute();
    });
    await yieldToOthers();
  }
}

async function runJob(ctx: AppContext, jobId: string, content: Buffer, shouldStop: () => boolean): Promise<void> {
  const job = await ctx.db.selectFrom('import_jobs')
    .select(['id', 'kind', 'mode', 'site_code', 'unit_id', 'format', 'created_by', 'status'])
    .where('id', '=', jobId).executeTakeFirst();
  if (!job || job.status !== 'queued') return;
  const now = ctx.now();
  await ctx.db.updateTable('import_jobs').set({ status: 'running', phase: 'reading', started_at: now, heartbeat_at: now }).where('id', '=', jobId).execute();
  const state: { phase: ImportPhase } = { phase: 'reading' };
  try {
    await processJob(ctx, job, content, shouldStop, (p) => { state.phase = p; });
  } catch (error) {
    const compensate = job.mode === 'all_or_nothing' && state.phase !== 'notifying';
    if (error instanceof JobFailure) {
      await markFailed(ctx, jobId, error.code, error.text);
    } else if (error instanceof Interrupted) {
      if (compensate) await removeCreated(ctx, jobId, { field: '', code: 'INTERRUPTED', message: TEXT.failed.INTERRUPTED });
      await markFailed(ctx, jobId, 'INTERRUPTED', TEXT.failed.INTERRUPTED);
    } else {
      ctx.log.error({ err: error, importId: jobId }, 'import job failed');
      try {
        if (compensate) await removeCreated(ctx, jobId, { field: '', code: 'INTERNAL', message: TEXT.failed.INTERNAL });
      } finally {
        await markFailed(ctx, jobId, 'INTERNAL', TEXT.failed.INTERNAL);
      }
    }
  }
  const done = await ctx.db.selectFrom('import_jobs').select(['status', 'total', 'created_count', 'refused_count', 'error_code', 'site_code'])
    .where('id', '=', jobId).executeTakeFirst();
  const actor = await ctx.db.selectFrom('accounts').select(['id', 'username']).where('id', '=', job.created_by).executeTakeFirst();
  if (done) {
    await audit(ctx.db, {
      actor: actor ?? null, action: 'import.finish', target: { type: 'import', id: jobId }, siteCode: done.site_code,
      outcome: done.status === 'done' ? 'success' : 'failure',
      detail: { status: done.status, total: done.total, created: done.created_count, refused: done.refused_count, error: done.error_code },
    }, ctx.now());
  }
}

interface Candidate {
  record: PersonRecord;
  keys: PersonKeys;
  usernameGiven: boolean;
  refused: boolean;
}

async function processJob(ctx: AppContext, job: JobRow, content: Buffer, shouldStop: () => boolean, setPhase: (p: ImportPhase) => void) {
  const kind = job.kind;
  const refusals = new Map<number, RowOutcome>();
  const refuse = (row: number, name: string | null, problems: Problem[]) => {
    const existing = refusals.get(row);
    if (existing) existing.reasons.push(...problems);
    else refusals.set(row, { status: 'refused', row, name, reasons: [...problems] });
  };

  // 1. Reading and row checks.
  const candidates: Candidate[] = [];
  let positions: Partial<Record<Field, number>> | null = null;
  let total = 0;
  const now = ctx.now();
  try {
    for await (const { rowNumber, cells } of readRows(job.format, content)) {
      if (isBlankRow(cells)) continue;
      if (!positions) {
        const header = mapHeader(kind, cells.map((c) => (c === null ? null : String(c))));
        if (!header.ok) {
          throw header.code === 'HEADER_MISSING'
            ? new JobFailure('HEADER_MISSING', TEXT.failed.HEADER_MISSING(header.missing))
            : new JobFailure('HEADER_DUPLICATE', TEXT.failed.HEADER_DUPLICATE(header.column));
        }
        positions = header.positions;
        continue;
      }
      total += 1;
      if (total > MAX_ROWS) throw new JobFailure('TOO_MANY_ROWS', TEXT.failed.TOO_MANY_ROWS(MAX_ROWS));
      const input: PersonCells = {};
      for (const [field, index] of Object.entries(positions) as [Field, number][]) input[field] = cells[index];
      const checked = checkPerson(kind, rowNumber, input, { siteCode: job.site_code, now });
      if (checked.ok) candidates.push({ record: checked.record, keys: personKeys(ctx, checked.record), usernameGiven: Boolean(checked.record.username), refused: false });
      else refuse(rowNumber, checked.name, checked.problems);
      if (total % READ_PROGRESS_EVERY === 0) {
        if (shouldStop()) throw new Interrupted();
        await progress(ctx, job.id, { rows_read: total });
        await yieldToOthers();
      }
    }
  } catch (error) {
    if (error instanceof UnreadableFileError) throw new JobFailure('FILE_UNREADABLE', TEXT.failed.FILE_UNREADABLE);
    throw error;
  }
  if (total === 0) throw new JobFailure('NO_ROWS', TEXT.failed.NO_ROWS);
  setPhase('checking');
  await progress(ctx, job.id, { phase: 'checking', rows_read: total, total });

  // 2a. Duplicates inside the file: every occurrence is refused and names the others.
  const seen: Record<'id_number' | 'phone' | 'username', Map<string, Candidate[]>> = { id_number: new Map(), phone: new Map(), username: new Map() };
  for (const c of candidates) {
    for (const keyKind of ['id_number', 'phone', 'username'] as const) {
      if (keyKind === 'username' && !c.usernameGiven) continue;
      const list = seen[keyKind].get(c.keys[keyKind]);
      if (list) list.push(c);
      else seen[keyKind].set(c.keys[keyKind], [c]);
    }
  }
  const label = { id_number: TEXT.labels.idNumber, phone: TEXT.labels.phone, username: TEXT.labels.username };
  const field = { id_number: 'idNumber', phone: 'phone', username: 'username' };
  for (const keyKind of ['id_number', 'phone', 'username'] as const) {
    for (const list of seen[keyKind].values()) {
      if (list.length < 2) continue;
      for (const c of list) {
        c.refused = true;
        const others = list.filter((o) => o !== c).map((o) => o.record.row);
        refuse(c.record.row, c.record.name, [{ field: field[keyKind], code: 'DUPLICATE_IN_FILE', message: TEXT.rows.DUPLICATE_IN_FILE(label[keyKind], others) }]);
      }
    }
  }
  seen.id_number.clear();
  seen.phone.clear();
  const givenUsernames = seen.username;
  const generated = new Set<string>();
  const assignUsername = (c: Candidate) => {
    let name: string;
    do name = generateUsername(); while (givenUsernames.has(name) || generated.has(name));
    generated.add(name);
    c.record.username = name;
    c.keys.username = personKeys(ctx, c.record).username;
  };
  for (const c of candidates) if (!c.usernameGiven && !c.refused) assignUsername(c);

  // 2b. Against the national look-up keys.
  let pending = candidates.filter((c) => !c.refused);
  while (pending.length > 0) {
    const regenerate: Candidate[] = [];
    for (let i = 0; i < pending.length; i += CHECK_BATCH) {
      const slice = pending.slice(i, i + CHECK_BATCH);
      const taken = await ctx.db.selectFrom('account_lookups').select(['kind', 'lookup'])
        .where((eb) => eb.or((['id_number', 'phone', 'username'] as const).map((k) =>
          eb.and([eb('kind', '=', k), eb('lookup', 'in', slice.map((c) => c.keys[k]))]))))
        .execute();
      const set = new Set(taken.map((t) => `${t.kind}:${t.lookup}`));
      for (const c of slice) {
        const problems: Problem[] = [];
        for (const k of ['id_number', 'phone', 'username'] as const) {
          if (!set.has(`${k}:${c.keys[k]}`)) continue;
          if (k === 'username' && !c.usernameGiven) regenerate.push(c);
          else problems.push(CONFLICT_PROBLEM[k]);
        }
        if (problems.length > 0) {
          c.refused = true;
          refuse(c.record.row, c.record.name, problems);
        }
      }
      if (shouldStop()) throw new Interrupted();
      await yieldToOthers();
    }
    pending = regenerate.filter((c) => !c.refused);
    for (const c of pending) assignUsername(c);
  }

  const valid = candidates.filter((c) => !c.refused);
  const refused = [...refusals.values()].sort((a, b) => a.row - b.row);
  await writeRows(ctx.db, job.id, refused);
  await progress(ctx, job.id, { processed: refused.length, refused_count: refused.length });

  if (job.mode === 'all_or_nothing' && refused.length > 0) {
    await writeRows(ctx.db, job.id, valid.map((c) => ({ status: 'not_created', row: c.record.row, name: c.record.name, reasons: [{ field: '', code: 'NOT_CREATED', message: TEXT.rows.NOT_CREATED }] })));
    await finish(ctx, job.id, 'rejected', { processed: total });
    return;
  }

  // 3. Writing.
  setPhase('writing');
  await progress(ctx, job.id, { phase: 'writing' });
  const unit = job.unit_id ? await findUnit(ctx.db, job.unit_id) : null;
  const by = unit?.name ?? null;
  const passwordHash = await unusablePasswordHash();
  const notifyNow = job.mode === 'good_rows';
  let processed = refused.length;
  let createdCount = 0;
  let refusedCount = refused.length;
  const createdPeople: { username: string; phone: string }[] = [];
  for (let i = 0; i < valid.length; i += BATCH) {
    if (shouldStop()) throw new Interrupted();
    const batch: Keyed[] = valid.slice(i, i + BATCH).map((c) => ({ record: c.record as Keyed['record'], keys: c.keys }));
    const writeNow = ctx.now();
    let result: Awaited<ReturnType<typeof insertPeople>>;
    try {
      result = await ctx.db.transaction().execute(async (trx) => {
        const outcome = await insertPeople(ctx, trx, batch, { kind, siteCode: job.site_code, unitId: job.unit_id, passwordHash, now: writeNow });
        if (outcome.lost.length > 0 && !notifyNow) throw new RaceLost(outcome.lost); // all_or_nothing: roll this batch back
        await writeRows(trx, job.id, [
          ...outcome.created.map(({ item, accountId }) => ({ status: 'created' as const, row: item.record.row, name: item.record.name, username: item.record.username, accountId, reasons: [] })),
          ...outcome.lost.map(({ item, problems }) => ({ status: 'refused' as const, row: item.record.row, name: item.record.name, reasons: problems })),
        ]);
        if (notifyNow) await enqueueActivationNotices(ctx, trx, outcome.created.map(({ item }) => ({ username: item.record.username, phone: item.record.phone })), by);
        return outcome;
      });
    } catch (error) {
      if (!(error instanceof RaceLost)) throw error;
      // Someone registered one of these identifiers since the check: the file cannot be imported whole.
      await removeCreated(ctx, job.id, { field: '', code: 'NOT_CREATED', message: TEXT.rows.NOT_CREATED });
      const lostRows = new Set(error.lost.map((l) => l.item.record.row));
      await writeRows(ctx.db, job.id, [
        ...error.lost.map(({ item, problems }) => ({ status: 'refused' as const, row: item.record.row, name: item.record.name, reasons: problems })),
        ...valid.slice(i).filter((c) => !lostRows.has(c.record.row))
          .map((c) => ({ status: 'not_created' as const, row: c.record.row, name: c.record.name, reasons: [{ field: '', code: 'NOT_CREATED', message: TEXT.rows.NOT_CREATED }] })),
      ]);
      await finish(ctx, job.id, 'rejected', { processed: total, created_count: 0, refused_count: refusedCount + error.lost.length });
      return;
    }
    processed += batch.length;
    createdCount += result.created.length;
    refusedCount += result.lost.length;
    if (!notifyNow) for (const { item } of result.created) createdPeople.push({ username: item.record.username, phone: item.record.phone });
    await progress(ctx, job.id, { processed, created_count: createdCount, refused_count: refusedCount });
    await yieldToOthers();
  }

  // 4. Notifying (all_or_nothing: only now is every account final).
  if (!notifyNow && createdPeople.length > 0) {
    setPhase('notifying');
    await progress(ctx, job.id, { phase: 'notifying' });
    for (let i = 0; i < createdPeople.length; i += BATCH) {
      const slice = createdPeople.slice(i, i + BATCH);
      await enqueueActivationNotices(ctx, ctx.db, slice, by);
      await progress(ctx, job.id, {});
      await yieldToOthers();
    }
  }
  await finish(ctx, job.id, 'done', { processed: total, created_count: createdCount, refused_count: refusedCount });
}

async function finish(ctx: AppContext, jobId: string, status: 'done' | 'rejected', fields: Progress) {
  const now = ctx.now();
  await ctx.db.updateTable('import_jobs').set({ ...fields, status, phase: null, finished_at: now, heartbeat_at: now }).where('id', '=', jobId).execute();
}

// ------------------------------------------------------------------------------------------------ reading jobs

/**
 * Whether an account was created by an all-or-nothing import that may still take it back (activation must wait
 * until the job has committed to its accounts).
 */
export async function accountInUnfinishedImport(db: Kysely<DB>, accountId: string): Promise<boolean> {
  const row = await db.selectFrom('import_rows as r').innerJoin('import_jobs as j', 'j.id', 'r.job_id')
    .select('r.job_id')
    .where('r.account_id', '=', accountId)
    .where('j.mode', '=', 'all_or_nothing')
    .where('j.status', 'in', ['queued', 'running'])
    .where((eb) => eb.or([eb('j.phase', 'is', null), eb('j.phase', '!=', 'notifying')]))
    .executeTakeFirst();
  return Boolean(row);
}

/**
 * A queued or running job whose process stopped (no heartbeat for STALE_MS): the first reader claims it by
 * refreshing the heartbeat, removes what an all-or-nothing job had created (unless it was already sending
 * activation messages), and marks it failed.
 */
export async function recoverIfStale(ctx: AppContext, jobId: string): Promise<void> {
  const runner = runners.get(ctx.db);
  if (runner?.holds(jobId)) return;
  const now = ctx.now();
  const claimed = await ctx.db.updateTable('import_jobs').set({ heartbeat_at: now })
    .where('id', '=', jobId).where('status', 'in', ['queued', 'running'])
    .where('heartbeat_at', '<', new Date(now.getTime() - STALE_MS))
    .returning(['mode', 'phase'])
    .executeTakeFirst();
  if (!claimed) return;
  if (claimed.mode === 'all_or_nothing' && claimed.phase !== 'notifying') {
    await removeCreated(ctx, jobId, { field: '', code: 'INTERRUPTED', message: TEXT.failed.INTERRUPTED });
  }
  await markFailed(ctx, jobId, 'INTERRUPTED', TEXT.failed.INTERRUPTED);
}
