import type { FastifyRequest } from 'fastify';
import { sql, type Kysely } from 'kysely';
import type { AppContext } from '../../platform/context.js';
import type { DB } from '../../platform/database/schema.js';
import { AppError, errors } from '../../platform/errors.js';
import { audit } from '../../platform/audit.js';
import { uuidv7 } from '../../platform/ids.js';
import { currentGroupActor } from '../groups/actor.js';
import { loadProjectRow, requireProjectGroup } from './access.js';
import { TEXT } from './text.js';

const DAY = 86_400_000;
/** Midnight China time (UTC+8, no daylight saving) of a 'YYYY-MM-DD' date. */
const chinaMidnight = (date: string) => Date.parse(`${date}T00:00:00+08:00`);

export interface ShiftView {
  id: string; projectId: string; positionId: string; positionName: string;
  startsAt: string; endsAt: string; capacity: number; assigned: number;
}

/** A shift of one position; it must lie within the project's dates (China time), capacity at least 1. */
export async function createShift(
  ctx: AppContext, request: FastifyRequest, projectId: string,
  input: { positionId: string; startsAt: string; endsAt: string; capacity: number },
): Promise<ShiftView> {
  const project = await loadProjectRow(ctx, projectId);
  const actor = await requireProjectGroup(ctx, request, project.group_id);
  if (project.status !== 'recruiting') throw new AppError(409, 'PROJECT_NOT_PUBLISHED', TEXT.projectNotPublished);
  const position = await ctx.db.selectFrom('positions').select(['id', 'name'])
    .where('site_code', '=', project.site_code).where('project_id', '=', project.id).where('id', '=', input.positionId).executeTakeFirst();
  if (!position) throw errors.validation(TEXT.positionNotFound, [{ field: 'positionId', code: 'UNKNOWN' }]);
  const starts = Date.parse(input.startsAt);
  const ends = Date.parse(input.endsAt);
  if (Number.isNaN(starts)) throw errors.validation(TEXT.shiftOutsideProject, [{ field: 'startsAt', code: 'INVALID' }]);
  if (Number.isNaN(ends)) throw errors.validation(TEXT.shiftOutsideProject, [{ field: 'endsAt', code: 'INVALID' }]);
  if (ends <= starts) throw errors.validation(TEXT.shiftEndBeforeStart, [{ field: 'endsAt', code: 'BEFORE_START' }]);
  if (starts < chinaMidnight(project.start_date) || ends > chinaMidnight(project.end_date) + DAY) {
    throw errors.validation(TEXT.shiftOutsideProject, [{ field: starts < chinaMidnight(project.start_date) ? 'startsAt' : 'endsAt', code: 'OUTSIDE_PROJECT' }]);
  }
  const now = ctx.now();
  const id = uuidv7(now.getTime());
  await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto('shifts').values({
      site_code: project.site_code, project_id: project.id, id, position_id: position.id,
      starts_at: new Date(starts), ends_at: new Date(ends), capacity: input.capacity, created_at: now,
    }).execute();
    await audit(trx, {
      actor: actor.actor, action: 'group.shift.create', target: { type: 'shift', id }, siteCode: project.site_code, ip: request.ip,
      outcome: 'success', detail: { groupId: actor.group.id, role: actor.role, projectId: project.id },
    }, now);
  });
  return {
    id, projectId: project.id, positionId: position.id, positionName: position.name,
    startsAt: new Date(starts).toISOString(), endsAt: new Date(ends).toISOString(), capacity: input.capacity, assigned: 0,
  };
}

const PRIVATE = new Set(['pending_review', 'rejected']);

/** A published project's shifts with how many hold each; unpublished ones only for the project's group. */
export async function listShifts(ctx: AppContext, request: FastifyRequest, projectId: string): Promise<{ items: ShiftView[] }> {
  const project = await loadProjectRow(ctx, projectId);
  if (PRIVATE.has(project.status)) {
    const own = await currentGroupActor(ctx, request);
    if (!own || own.group.id !== project.group_id) throw errors.notFound(TEXT.projectNotFound);
  }
  const rows = await ctx.db.selectFrom('shifts as s')
    .innerJoin('positions as p', (j) => j.onRef('p.site_code', '=', 's.site_code').onRef('p.project_id', '=', 's.project_id').onRef('p.id', '=', 's.position_id'))
    .select(['s.id', 's.project_id', 's.position_id', 'p.name as position_name', 's.starts_at', 's.ends_at', 's.capacity', 's.assigned_count'])
    .where('s.site_code', '=', project.site_code).where('s.project_id', '=', project.id)
    .orderBy('s.starts_at').orderBy('s.id').limit(1000).execute();
  return {
    items: rows.map((r) => ({
      id: r.id, projectId: r.project_id, positionId: r.position_id, positionName: r.position_name,
      startsAt: new Date(r.starts_at).toISOString(), endsAt: new Date(r.ends_at).toISOString(), capacity: r.capacity, assigned: r.assigned_count,
    })),
  };
}

/**
 * Takes a place in a shift inside the caller's transaction. Locks the volunteer's per-site counter row first (the
 * same first lock enrolment takes), so one volunteer's parallel picks are serialised for the overlap check, then the
 * shift row, so parallel picks of one shift see each other's count.
 */
export async function takePlace(
  trx: Kysely<DB>, shift: { site_code: string; id: string; project_id: string; position_id: string }, accountId: string,
  by: 'group' | 'self', now: Date,
): Promise<void> {
  await sql`
    insert into volunteer_site_counters (site_code, account_id, active_groups, pending_projects)
    select ${shift.site_code}, ${accountId}::uuid,
      (select count(*)::int from group_members where site_code = ${shift.site_code} and account_id = ${accountId}::uuid and status in ('pending', 'joined')),
      (select count(*)::int from enrollments where site_code = ${shift.site_code} and account_id = ${accountId}::uuid and status = 'pending')
    on conflict (site_code, account_id) do nothing`.execute(trx);
  await trx.selectFrom('volunteer_site_counters').select('account_id')
    .where('site_code', '=', shift.site_code).where('account_id', '=', accountId).forUpdate().executeTakeFirstOrThrow();
  const locked = await trx.selectFrom('shifts').select(['starts_at', 'ends_at', 'capacity', 'assigned_count'])
    .where('site_code', '=', shift.site_code).where('id', '=', shift.id).forUpdate().executeTakeFirstOrThrow();
  const enrolled = await trx.selectFrom('enrollments').select('account_id')
    .where('site_code', '=', shift.site_code).where('project_id', '=', shift.project_id).where('account_id', '=', accountId)
    .where('position_id', '=', shift.position_id).where('status', '=', 'enrolled').executeTakeFirst();
  if (!enrolled) throw new AppError(409, 'NOT_ENROLLED', TEXT.notEnrolled);
  const held = await trx.selectFrom('shift_assignments').select('shift_id')
    .where('site_code', '=', shift.site_code).where('shift_id', '=', shift.id).where('account_id', '=', accountId).executeTakeFirst();
  if (held) throw new AppError(409, 'ALREADY_ASSIGNED', TEXT.alreadyAssigned);
  // Half-open intervals: a shift ending at 12:00 and one starting at 12:00 do not overlap.
  const clash = await trx.selectFrom('shift_assignments').select(['shift_id', 'starts_at', 'ends_at'])
    .where('account_id', '=', accountId).where('starts_at', '<', locked.ends_at).where('ends_at', '>', locked.starts_at).executeTakeFirst();
  if (clash) throw new AppError(409, 'SHIFT_OVERLAP', TEXT.shiftOverlap, { extra: { shiftId: clash.shift_id } });
  if (locked.assigned_count >= locked.capacity) throw new AppError(409, 'SHIFT_FULL', TEXT.shiftFull);
  await trx.insertInto('shift_assignments').values({
    site_code: shift.site_code, shift_id: shift.id, account_id: accountId, assigned_by: by,
    starts_at: locked.starts_at, ends_at: locked.ends_at, created_at: now,
  }).execute();
  await trx.updateTable('shifts').set({ assigned_count: sql<number>`assigned_count + 1` })
    .where('site_code', '=', shift.site_code).where('id', '=', shift.id).execute();
}

/** Gives back a place; a shift already checked in to stays, so attendance never loses its assignment. */
export async function freePlace(trx: Kysely<DB>, shift: { site_code: string; id: string }, accountId: string): Promise<void> {
  await trx.selectFrom('shifts').select('id').where('site_code', '=', shift.site_code).where('id', '=', shift.id).forUpdate().executeTakeFirstOrThrow();
  const attended = await trx.selectFrom('attendance').select('account_id')
    .where('site_code', '=', shift.site_code).where('shift_id', '=', shift.id).where('account_id', '=', accountId).executeTakeFirst();
  if (attended) throw new AppError(409, 'ALREADY_CHECKED_IN', TEXT.alreadyAttended);
  const removed = await trx.deleteFrom('shift_assignments')
    .where('site_code', '=', shift.site_code).where('shift_id', '=', shift.id).where('account_id', '=', accountId).executeTakeFirst();
  if (Number(removed.numDeletedRows) === 0) throw errors.notFound(TEXT.assignmentNotFound);
  await trx.updateTable('shifts').set({ assigned_count: sql<number>`assigned_count - 1` })
    .where('site_code', '=', shift.site_code).where('id', '=', shift.id).execute();
}
