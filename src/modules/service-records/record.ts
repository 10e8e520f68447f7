import type { FastifyRequest } from 'fastify';
import type { Transaction } from 'kysely';
import type { DB } from '../../platform/database/schema.js';
import type { AppContext } from '../../platform/context.js';
import { AppError, errors, type FieldProblem } from '../../platform/errors.js';
import { audit } from '../../platform/audit.js';
import { uuidv7 } from '../../platform/ids.js';
import { requireGroupActor } from '../groups/actor.js';
import { siteSettings } from '../places/site-settings.js';
import { chinaToday } from '../projects/status.js';
import { ineffectiveReason } from './effectiveness.js';
import { checkRow, checkVolunteer, chinaDayStart, type Interval, type ParsedRow, type RecordInput } from './rules.js';
import { applyTotals, lockVolunteers } from './totals.js';
import { INSERT_CHUNK, TEXT } from './text.js';

const DAY_MS = 86_400_000;

/** The project, and the group actor when it is the organising group (谁组织谁记录); another group gets 403. */
export async function requireOrganiser(ctx: AppContext, request: FastifyRequest, groupId: string) {
  const actor = await requireGroupActor(ctx, request, 'record_hours');
  if (actor.group.id !== groupId) throw new AppError(403, 'NOT_ORGANISER', TEXT.notOrganiser);
  return actor;
}

/** How other sources (attendance, spreadsheets) use the one batch path. */
export interface BatchOptions {
  /** Per record: the attendance row it is made from; refused as ALREADY_RECORDED once any record holds it. */
  attendanceIds?: string[];
  /** Problems the caller already found in rows it did not pass on: the batch is refused with them. */
  problems?: FieldProblem[];
  /** Check everything, write nothing. */
  dryRun?: boolean;
  /** Where the rows came from, for the audit log. */
  source?: 'batch' | 'attendance' | 'import';
}

class DryRunDone extends Error {}

/**
 * Records a batch of service hours: all rows or none. Rows are checked in memory after one query each for
 * enrolments, people and the volunteers' stored records, then written in multi-row inserts inside one transaction.
 * Problems name rows as `records[i].field`; callers with other row names translate them.
 */
export async function recordHours(ctx: AppContext, request: FastifyRequest, projectId: string, records: RecordInput[], options: BatchOptions = {}) {
  if (!request.auth) throw errors.unauthenticated();
  const project = await ctx.db.selectFrom('projects').select(['site_code', 'id', 'group_id', 'start_date', 'end_date', 'status'])
    .where('id', '=', projectId).executeTakeFirst();
  if (!project) throw errors.notFound(TEXT.projectNotFound);
  const actor = await requireOrganiser(ctx, request, project.group_id);
  const now = ctx.now();
  const today = chinaToday(now);
  const problems: FieldProblem[] = [...(options.problems ?? [])];
  const parsed = records.map((r, i) => checkRow(r, i, project, today, problems)).filter((r): r is ParsedRow => r !== null);
  const volunteerIds = [...new Set(parsed.map((r) => r.input.volunteerId))];

  const run = () => ctx.db.transaction().execute(async (trx) => {
    const enrolled = new Map<string, string>();
    for (let i = 0; i < volunteerIds.length; i += 5000) {
      const rows = await trx.selectFrom('enrollments').select(['account_id', 'position_id'])
        .where('site_code', '=', project.site_code).where('project_id', '=', project.id).where('status', '=', 'enrolled')
        .where('account_id', 'in', volunteerIds.slice(i, i + 5000)).execute();
      for (const r of rows) enrolled.set(r.account_id, r.position_id);
    }
    const positions = new Set((await trx.selectFrom('positions').select('id')
      .where('site_code', '=', project.site_code).where('project_id', '=', project.id).execute()).map((p) => p.id));
    let candidates: ParsedRow[] = [];
    for (const row of parsed) {
      const f = (name: string) => `records[${row.index}].${name}`;
      if (!enrolled.has(row.input.volunteerId)) problems.push({ field: f('volunteerId'), code: 'NOT_ENROLLED' });
      else if (row.input.positionId && !positions.has(row.input.positionId)) problems.push({ field: f('positionId'), code: 'UNKNOWN' });
      else candidates.push(row);
    }
    const accounts = [...new Set(candidates.map((r) => r.input.volunteerId))];
    if (accounts.length > 0) await lockVolunteers(trx, accounts);
    // Read after the lock: a parallel request for the same attendance has committed by now. The unique index is the last guard.
    const attendanceIds = options.attendanceIds;
    if (attendanceIds && attendanceIds.length > 0) {
      const held = new Set<string>();
      for (let i = 0; i < attendanceIds.length; i += 5000) {
        const rows = await trx.selectFrom('service_records').select('attendance_id')
          .where('attendance_id', 'in', attendanceIds.slice(i, i + 5000)).execute();
        for (const r of rows) if (r.attendance_id) held.add(r.attendance_id);
      }
      attendanceIds.forEach((id, index) => { if (held.has(id)) problems.push({ field: `records[${index}].attendanceId`, code: 'ALREADY_RECORDED' }); });
      // Their own records would also show as overlaps: that says nothing new.
      candidates = candidates.filter((r) => !held.has(attendanceIds[r.index]!));
    }

    // Stored records that could overlap the batch or share a China day with it, fetched after the lock.
    const existing = new Map<string, Interval[]>();
    if (candidates.length > 0) {
      const from = chinaDayStart(Math.min(...candidates.map((r) => r.start)));
      const to = chinaDayStart(Math.max(...candidates.map((r) => r.end))) + DAY_MS;
      for (let i = 0; i < accounts.length; i += 5000) {
        const rows = await trx.selectFrom('service_records').select(['account_id', 'start_at', 'end_at', 'hours'])
          .where('account_id', 'in', accounts.slice(i, i + 5000)).where('status', '<>', 'deleted')
          .where('start_at', '<', new Date(to)).where('end_at', '>', new Date(from))
          // Every path caps a record at 24 h (checkRow, from-attendance), so one ending after `from` started after from - 24 h. The
          // bound keeps the index range to a few days: without it each volunteer's whole history was read (1 s per 5,000 volunteers
          // on a 20M-record province, docs/benchmarks.md issue 5).
          .where('start_at', '>', new Date(from - DAY_MS)).execute();
        for (const r of rows) {
          const list = existing.get(r.account_id) ?? [];
          list.push({ start: new Date(r.start_at).getTime(), end: new Date(r.end_at).getTime(), hours: Number(r.hours) });
          existing.set(r.account_id, list);
        }
      }
    }
    const byVolunteer = new Map<string, ParsedRow[]>();
    for (const r of candidates) byVolunteer.set(r.input.volunteerId, [...(byVolunteer.get(r.input.volunteerId) ?? []), r]);
    for (const [accountId, rows] of byVolunteer) {
      for (const [index, codes] of checkVolunteer(existing.get(accountId) ?? [], rows)) {
        for (const code of codes) problems.push({ field: `records[${index}].${code === 'OVERLAP' ? 'startTime' : 'serviceDate'}`, code });
      }
    }
    if (problems.length > 0 || records.length === 0) {
      if (problems.length === 0) problems.push({ field: 'records', code: 'EMPTY' });
      problems.sort((a, b) => rowOf(a.field) - rowOf(b.field));
      throw new AppError(422, 'HOURS_INVALID', TEXT.invalid, { errors: problems });
    }

    if (options.dryRun) throw new DryRunDone();
    const verified = new Set<string>();
    for (let i = 0; i < accounts.length; i += 5000) {
      const rows = await trx.selectFrom('people').select('account_id').where('account_id', 'in', accounts.slice(i, i + 5000))
        .where('realname_status', '=', 'verified').execute();
      for (const r of rows) verified.add(r.account_id);
    }
    const { publicityDays } = await siteSettings(trx, project.site_code);
    const ids: string[] = [];
    const values = candidates.map((r) => {
      const id = uuidv7(now.getTime());
      ids.push(id);
      const reason = ineffectiveReason(verified.has(r.input.volunteerId), now, publicityDays, now);
      return {
        site_code: project.site_code, id, project_id: project.id, group_id: project.group_id, account_id: r.input.volunteerId,
        position_id: r.input.positionId ?? enrolled.get(r.input.volunteerId) ?? null, service_date: r.input.serviceDate,
        start_at: new Date(r.start), end_at: new Date(r.end), hours: r.input.hours, note: r.input.note ?? null,
        status: reason ? 'ineffective' as const : 'effective' as const, ineffective_reason: reason,
        attendance_id: options.attendanceIds?.[r.index] ?? null, created_by: actor.actor.id, created_at: now, updated_at: now,
      };
    });
    for (let i = 0; i < values.length; i += INSERT_CHUNK) {
      const chunk = values.slice(i, i + INSERT_CHUNK);
      await trx.insertInto('service_records').values(chunk).execute();
      await trx.insertInto('service_record_history').values(chunk.map((v) => ({
        site_code: v.site_code, record_id: v.id, id: uuidv7(now.getTime()), at: now, actor_id: actor.actor.id,
        change: JSON.stringify({ op: 'create', to: v.status, reason: v.ineffective_reason, hours: v.hours, serviceDate: v.service_date, groupId: actor.group.id, role: actor.role }),
      }))).execute();
    }
    await applyTotals(trx, values.filter((v) => v.status === 'effective').map((v) => ({
      accountId: v.account_id, siteCode: v.site_code, groupId: v.group_id, projectId: v.project_id, hours: v.hours, count: 1,
    })));
    await audit(trx, {
      actor: actor.actor, action: 'group.hours_recorded', target: { type: 'project', id: project.id }, siteCode: project.site_code,
      ip: request.ip, outcome: 'success', detail: { groupId: actor.group.id, role: actor.role, count: values.length, source: options.source ?? 'batch' },
    }, now);
    return { created: values.length, ids };
  });
  try {
    return await run();
  } catch (error) {
    if (error instanceof DryRunDone) return { created: 0, ids: [] as string[] };
    if (isUniqueViolation(error, 'service_records_attendance')) throw new AppError(409, 'ALREADY_RECORDED', TEXT.alreadyRecorded);
    throw error;
  }
}

function isUniqueViolation(error: unknown, constraint: string): boolean {
  const e = error as { code?: string; constraint?: string; message?: string } | null;
  return e?.code === '23505' && (e.constraint === constraint || (e.message ?? '').includes(constraint));
}

const rowOf = (field: string) => Number(/^records\[(\d+)\]/.exec(field)?.[1] ?? -1);

/** Who changes a record, as history and audit record it: a group actor, or an authority (an administrator has no group). */
export interface RecordActor { actor: { id: string; username: string }; groupId: string | null; role: string }

export const recordActorOf = (a: { actor: { id: string; username: string }; group: { id: string }; role: string }): RecordActor =>
  ({ actor: a.actor, groupId: a.group.id, role: a.role });

/** Deletes a record (status only: the row stays with who, when and why), by the organising group. */
export async function deleteRecord(ctx: AppContext, request: FastifyRequest, id: string, reason: string) {
  if (!request.auth) throw errors.unauthenticated();
  const found = await ctx.db.selectFrom('service_records').select(['site_code', 'account_id', 'group_id']).where('id', '=', id).executeTakeFirst();
  if (!found) throw errors.notFound(TEXT.recordNotFound);
  const actor = await requireOrganiser(ctx, request, found.group_id);
  if (!reason.trim()) throw errors.validation(TEXT.reasonRequired, [{ field: 'reason', code: 'REQUIRED' }]);
  const now = ctx.now();
  await ctx.db.transaction().execute(async (trx) => {
    await lockVolunteers(trx, [found.account_id]);
    const r = await markDeleted(trx, found.site_code, id, recordActorOf(actor), reason.trim(), now);
    await audit(trx, {
      actor: actor.actor, action: 'group.hours_deleted', target: { type: 'service_record', id: r.id }, siteCode: r.site_code,
      ip: request.ip, outcome: 'success', detail: { groupId: actor.group.id, role: actor.role, reason: reason.trim() },
    }, now);
  });
}

/**
 * The deletion itself: status, who/when/why, history, totals. The caller holds lockVolunteers for the record's
 * volunteer and writes its own audit entry. `extra` goes into the history entry (e.g. the report that caused it).
 */
export async function markDeleted(trx: Transaction<DB>, siteCode: string, id: string, by: RecordActor, reason: string, now: Date,
  extra: Record<string, unknown> = {}) {
  const r = await trx.selectFrom('service_records').selectAll().where('site_code', '=', siteCode).where('id', '=', id)
    .forUpdate().executeTakeFirstOrThrow();
  if (r.status === 'deleted') throw new AppError(409, 'ALREADY_DELETED', TEXT.alreadyDeleted);
  await trx.updateTable('service_records').set({
    status: 'deleted', deleted_at: now, deleted_by: by.actor.id, deleted_reason: reason, updated_at: now,
  }).where('site_code', '=', r.site_code).where('id', '=', r.id).execute();
  await trx.insertInto('service_record_history').values({
    site_code: r.site_code, record_id: r.id, id: uuidv7(now.getTime()), at: now, actor_id: by.actor.id,
    change: JSON.stringify({ op: 'delete', from: r.status, to: 'deleted', reason, groupId: by.groupId, role: by.role, ...extra }),
  }).execute();
  if (r.status === 'effective') {
    await applyTotals(trx, [{ accountId: r.account_id, siteCode: r.site_code, groupId: r.group_id, projectId: r.project_id, hours: -Number(r.hours), count: -1 }]);
  }
  return r;
}
