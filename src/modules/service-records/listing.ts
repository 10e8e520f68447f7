import type { FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import type { AppContext } from '../../platform/context.js';
import { requireAccount } from '../../platform/auth-guard.js';
import { prepared } from '../../platform/database/prepared.js';
import { AppError, errors } from '../../platform/errors.js';
import { currentGroupActor, isAuthorityOver } from '../groups/actor.js';
import type { ServiceRecordStatus } from '../../platform/database/schema-service-records.js';
import { starsFor } from './rules.js';
import { STAR_THRESHOLDS, TEXT } from './text.js';
import { chinaClock } from '../projects/status.js';

const maskName = (name: string | null) => (name ? `${[...name][0]}${'*'.repeat(Math.max(1, [...name].length - 1))}` : '*');

/** The public hour listing (时长公示) of a published project: effective records, names masked. */
export async function projectHours(ctx: AppContext, projectId: string, page: number, pageSize: number) {
  const project = await ctx.db.selectFrom('projects').select(['site_code', 'id', 'status']).where('id', '=', projectId).executeTakeFirst();
  if (!project || project.status === 'pending_review' || project.status === 'rejected') throw errors.notFound(TEXT.projectNotFound);
  const base = ctx.db.selectFrom('service_records as r')
    .where('r.site_code', '=', project.site_code).where('r.project_id', '=', project.id).where('r.status', '=', 'effective');
  const [rows, count] = await Promise.all([
    base.leftJoin('people as p', 'p.account_id', 'r.account_id').leftJoin('volunteer_profiles as vp', 'vp.account_id', 'r.account_id')
      .select(['r.id', 'r.service_date', 'r.start_at', 'r.end_at', 'r.hours', 'p.name', 'vp.volunteer_number'])
      .orderBy('r.service_date', 'desc').orderBy('r.id', 'desc').limit(pageSize).offset((page - 1) * pageSize).execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    items: rows.map((r) => ({
      id: r.id, volunteerName: maskName(r.name), volunteerNumber: r.volunteer_number ?? null, serviceDate: r.service_date,
      startTime: chinaClock(r.start_at), endTime: chinaClock(r.end_at), hours: Number(r.hours),
    })),
    total: Number(count.n), page, pageSize,
  };
}

/** The signed-in volunteer's own records by status. */
export async function myHours(ctx: AppContext, request: FastifyRequest, status: ServiceRecordStatus, page: number, pageSize: number) {
  const account = requireAccount(request, 'volunteer');
  const base = ctx.db.selectFrom('service_records as r').where('r.account_id', '=', account.id).where('r.status', '=', status);
  const [rows, count] = await Promise.all([
    base.innerJoin('projects as pr', (j) => j.onRef('pr.site_code', '=', 'r.site_code').onRef('pr.id', '=', 'r.project_id'))
      .select(['r.id', 'r.site_code', 'r.project_id', 'pr.name as project_name', 'r.service_date', 'r.start_at', 'r.end_at', 'r.hours',
        'r.note', 'r.status', 'r.ineffective_reason', 'r.deleted_at', 'r.deleted_reason'])
      .orderBy('r.service_date', 'desc').orderBy('r.id', 'desc').limit(pageSize).offset((page - 1) * pageSize).execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    items: rows.map((r) => ({
      id: r.id, siteCode: r.site_code, projectId: r.project_id, projectName: r.project_name, serviceDate: r.service_date,
      startTime: chinaClock(r.start_at), endTime: chinaClock(r.end_at), hours: Number(r.hours), note: r.note, status: r.status,
      ineffectiveReason: r.ineffective_reason, deletedAt: r.deleted_at ? new Date(r.deleted_at).toISOString() : null, deletedReason: r.deleted_reason,
    })),
    total: Number(count.n), page, pageSize,
  };
}

/**
 * The volunteer's figures as select-list columns (hours, group_count, project_count): one primary-key read of the
 * totals plus two index counts. /me/summary selects just these; /me/home selects them with its lists.
 */
export const summaryColumns = (accountId: string) => sql`
  (select effective_hours from volunteer_totals where account_id = ${accountId}) as hours,
  (select count(*) from group_members where account_id = ${accountId} and status = 'joined') as group_count,
  (select count(*) from enrollments where account_id = ${accountId} and status = 'enrolled') as project_count`;

export interface SummaryRow { hours: number | string | null; group_count: number | string; project_count: number | string }

export function toSummary(row: SummaryRow | undefined) {
  const totalHours = Number(row?.hours ?? 0);
  return { totalHours, stars: starsFor(totalHours, STAR_THRESHOLDS), groups: Number(row?.group_count ?? 0), projects: Number(row?.project_count ?? 0) };
}

/** The volunteer home page figures, in one statement: the home page asks for them on every visit. */
export async function mySummary(ctx: AppContext, request: FastifyRequest) {
  const account = requireAccount(request, 'volunteer');
  const { rows: [row] } = await sql<SummaryRow>`select ${summaryColumns(account.id)}${prepared}`.execute(ctx.db);
  return toSummary(row);
}

/**
 * All of a project's records for the organising group (or an authority over the project's region), full names:
 * the group manages its own volunteers. Any status, or one; newest service date first.
 */
export async function organiserRecords(ctx: AppContext, request: FastifyRequest, projectId: string, status: ServiceRecordStatus | undefined,
  page: number, pageSize: number) {
  if (!request.auth) throw errors.unauthenticated();
  const project = await ctx.db.selectFrom('projects').select(['site_code', 'id', 'group_id', 'region_code']).where('id', '=', projectId).executeTakeFirst();
  if (!project) throw errors.notFound(TEXT.projectNotFound);
  const actor = await currentGroupActor(ctx, request);
  if (actor?.group.id !== project.group_id && !(await isAuthorityOver(ctx, request, { siteCode: project.site_code, regionCode: project.region_code }))) {
    throw new AppError(403, 'NOT_ORGANISER', TEXT.notOrganiserView);
  }
  let base = ctx.db.selectFrom('service_records as r').where('r.site_code', '=', project.site_code).where('r.project_id', '=', project.id);
  if (status) base = base.where('r.status', '=', status);
  const [rows, count] = await Promise.all([
    base.leftJoin('people as p', 'p.account_id', 'r.account_id').leftJoin('volunteer_profiles as vp', 'vp.account_id', 'r.account_id')
      .innerJoin('accounts as acc', 'acc.id', 'r.account_id')
      .select(['r.id', 'r.account_id', 'r.position_id', 'r.service_date', 'r.start_at', 'r.end_at', 'r.hours', 'r.status', 'r.ineffective_reason',
        'r.deleted_reason', 'r.note', 'r.created_at', 'p.name', 'acc.display_name', 'vp.volunteer_number'])
      .orderBy('r.service_date', 'desc').orderBy('r.id', 'desc').limit(pageSize).offset((page - 1) * pageSize).execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    items: rows.map((r) => ({
      id: r.id, volunteerId: r.account_id, volunteerName: r.name ?? r.display_name, volunteerNumber: r.volunteer_number ?? null,
      positionId: r.position_id, serviceDate: r.service_date, startTime: chinaClock(r.start_at), endTime: chinaClock(r.end_at), hours: Number(r.hours),
      status: r.status, ineffectiveReason: r.ineffective_reason, deletedReason: r.deleted_reason, note: r.note,
      createdAt: new Date(r.created_at).toISOString(),
    })),
    total: Number(count.n), page, pageSize,
  };
}
