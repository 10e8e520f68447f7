import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import { AppError, errors, type FieldProblem } from '../../platform/errors.js';
import { UUID_PATTERN } from '../../platform/ids.js';
import { isDate } from '../projects/status.js';
import { recordHours, requireOrganiser } from './record.js';
import type { RecordInput } from './rules.js';
import { TEXT } from './text.js';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const uuid = new RegExp(UUID_PATTERN);
/** The unrecorded list is not paged; past this many rows narrow it with from/to. */
export const UNRECORDED_LIMIT = 10_000;

const chinaIso = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString();

/** The project, when the caller acts for its organising group (404 unknown, 403 another group). */
export async function organiserProject(ctx: AppContext, request: FastifyRequest, projectId: string) {
  if (!request.auth) throw errors.unauthenticated();
  const project = await ctx.db.selectFrom('projects').select(['site_code', 'id', 'group_id', 'name', 'start_date', 'end_date'])
    .where('id', '=', projectId).executeTakeFirst();
  if (!project) throw errors.notFound(TEXT.projectNotFound);
  await requireOrganiser(ctx, request, project.group_id);
  return project;
}

interface AttendanceRow {
  id: string;
  account_id: string;
  position_id: string;
  shift_id: string;
  checked_in_at: Date;
  checked_out_at: Date | null;
  check_out_kind: string | null;
  starts_at: Date;
  ends_at: Date;
}

/**
 * The record an attendance row becomes. Only time inside the shift counts (arriving early or leaving late adds
 * nothing), whole minutes only: the start rounded up, the end rounded down, so `hours` — the span in hours rounded
 * down to two decimals — never exceeds the HH:MM span the rules check. The service date is the China date of the start.
 */
export function attendanceSpan(row: Pick<AttendanceRow, 'checked_in_at' | 'checked_out_at' | 'starts_at' | 'ends_at'>) {
  const start = Math.ceil(Math.max(new Date(row.checked_in_at).getTime(), new Date(row.starts_at).getTime()) / MINUTE_MS) * MINUTE_MS;
  const out = row.checked_out_at === null ? start : new Date(row.checked_out_at).getTime();
  let end = Math.floor(Math.min(out, new Date(row.ends_at).getTime()) / MINUTE_MS) * MINUTE_MS;
  if (end - start > DAY_MS) end = start + DAY_MS;
  const minutes = Math.max(0, (end - start) / MINUTE_MS);
  return {
    serviceDate: chinaIso(start).slice(0, 10), startTime: chinaIso(start).slice(11, 16), endTime: chinaIso(end).slice(11, 16),
    hours: Math.floor((minutes * 100) / 60) / 100,
  };
}

/** An automatic check-out the group has not replaced: shown, but not recordable until corrected. */
const isFlagged = (row: { check_out_kind: string | null }) => row.check_out_kind === 'auto';

function attendanceQuery(ctx: AppContext, project: { site_code: string; id: string }) {
  return ctx.db.selectFrom('attendance as a')
    .innerJoin('shifts as s', (j) => j.onRef('s.site_code', '=', 'a.site_code').onRef('s.id', '=', 'a.shift_id'))
    .where('s.site_code', '=', project.site_code).where('s.project_id', '=', project.id)
    .select(['a.id', 'a.account_id', 's.position_id', 'a.shift_id', 'a.checked_in_at', 'a.checked_out_at', 'a.check_out_kind', 's.starts_at', 's.ends_at']);
}

/** Attendance of the project with both check-in and check-out that no record has been made from yet. */
export async function unrecordedAttendance(ctx: AppContext, request: FastifyRequest, projectId: string, from?: string, to?: string) {
  if ((from !== undefined && !isDate(from)) || (to !== undefined && !isDate(to)) || (from && to && from > to)) {
    throw errors.validation(TEXT.badRange, [{ field: from !== undefined && !isDate(from) ? 'from' : 'to', code: 'INVALID' }]);
  }
  const project = await organiserProject(ctx, request, projectId);
  let query = attendanceQuery(ctx, project)
    .leftJoin('people as p', 'p.account_id', 'a.account_id')
    .leftJoin('volunteer_profiles as vp', 'vp.account_id', 'a.account_id')
    .innerJoin('accounts as acc', 'acc.id', 'a.account_id')
    .select(['p.name', 'acc.display_name', 'vp.volunteer_number'])
    .where('a.checked_out_at', 'is not', null)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('service_records as r').select('r.id').whereRef('r.attendance_id', '=', 'a.id'))));
  if (from) query = query.where('a.checked_in_at', '>=', new Date(`${from}T00:00:00+08:00`));
  if (to) query = query.where('a.checked_in_at', '<', new Date(Date.parse(`${to}T00:00:00+08:00`) + DAY_MS));
  const rows = await query.orderBy('a.checked_in_at').orderBy('a.id').limit(UNRECORDED_LIMIT).execute();
  return {
    items: rows.map((r) => ({
      attendanceId: r.id, volunteerId: r.account_id, volunteerName: r.name ?? r.display_name, volunteerNumber: r.volunteer_number ?? null,
      positionId: r.position_id, shiftId: r.shift_id, ...attendanceSpan(r), flagged: isFlagged(r),
    })),
  };
}

/**
 * Records hours from attendance rows through the one batch path (same rules, all or nothing). Problems name the
 * request's rows: `attendanceIds[3]`.
 */
export async function recordFromAttendance(ctx: AppContext, request: FastifyRequest, projectId: string, attendanceIds: string[]) {
  const project = await organiserProject(ctx, request, projectId);
  const problems: FieldProblem[] = [];
  const field = (i: number) => `attendanceIds[${i}]`;
  const wellFormed = [...new Set(attendanceIds.filter((id) => uuid.test(id)))];
  const found = new Map<string, AttendanceRow>();
  for (let i = 0; i < wellFormed.length; i += 5000) {
    for (const r of await attendanceQuery(ctx, project).where('a.id', 'in', wellFormed.slice(i, i + 5000)).execute()) found.set(r.id, r);
  }
  const records: RecordInput[] = [];
  const origin: number[] = [];
  const seen = new Set<string>();
  attendanceIds.forEach((id, i) => {
    const row = found.get(id);
    if (!uuid.test(id)) problems.push({ field: field(i), code: 'INVALID' });
    else if (seen.has(id)) problems.push({ field: field(i), code: 'DUPLICATE' });
    else if (!row) problems.push({ field: field(i), code: 'UNKNOWN' });
    else if (row.checked_out_at === null) problems.push({ field: field(i), code: 'NOT_CHECKED_OUT' });
    else if (isFlagged(row)) problems.push({ field: field(i), code: 'FLAGGED' });
    else {
      const span = attendanceSpan(row);
      if (span.hours <= 0) problems.push({ field: field(i), code: 'NO_TIME_IN_SHIFT' });
      else {
        records.push({ volunteerId: row.account_id, positionId: row.position_id, ...span });
        origin.push(i);
      }
    }
    seen.add(id);
  });
  try {
    return await recordHours(ctx, request, project.id, records, {
      attendanceIds: origin.map((i) => attendanceIds[i]!), problems, source: 'attendance',
    });
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'HOURS_INVALID') throw error;
    const renamed = (error.options.errors ?? []).map((p) => {
      const m = /^records\[(\d+)\]/.exec(p.field);
      return m ? { field: field(origin[Number(m[1])]!), code: p.code } : p;
    });
    const index = (f: string) => Number(/\[(\d+)\]/.exec(f)?.[1] ?? -1);
    renamed.sort((a, b) => index(a.field) - index(b.field));
    throw new AppError(422, 'HOURS_INVALID', error.title, { errors: renamed });
  }
}
