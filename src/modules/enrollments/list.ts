import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import { requireAccount } from '../../platform/auth-guard.js';
import type { EnrollmentStatus } from '../../platform/database/schema-enrollments.js';
import { chinaToday, projectStatus } from '../projects/status.js';
import type { EnrollmentManager } from './access.js';
import { PENDING_PROJECT_LIMIT } from './text.js';

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/** 'My projects' (seed 002 §2.2.5.2): one tab per status, newest application first. */
export async function myProjects(ctx: AppContext, request: FastifyRequest, status: EnrollmentStatus, page: number, pageSize: number) {
  const account = requireAccount(request, 'volunteer');
  const query = ctx.db
    .selectFrom('enrollments as e')
    .innerJoin('projects as p', (j) => j.onRef('p.site_code', '=', 'e.site_code').onRef('p.id', '=', 'e.project_id'))
    .innerJoin('positions as pos', (j) => j.onRef('pos.site_code', '=', 'e.site_code').onRef('pos.project_id', '=', 'e.project_id').onRef('pos.id', '=', 'e.position_id'))
    .where('e.account_id', '=', account.id)
    .where('e.status', '=', status);
  const [rows, count] = await Promise.all([
    query.select([
      'e.project_id', 'e.site_code', 'e.position_id', 'e.status', 'e.via', 'e.reason', 'e.applied_at', 'e.decided_at',
      'p.name', 'p.group_id', 'p.start_date', 'p.end_date', 'p.address', 'p.status as project_status', 'pos.name as position_name',
    ]).orderBy('e.applied_at', 'desc').orderBy('e.project_id').limit(pageSize).offset((page - 1) * pageSize).execute(),
    query.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  const today = chinaToday(ctx.now());
  return {
    items: rows.map((r) => ({
      projectId: r.project_id, projectName: r.name, siteCode: r.site_code, groupId: r.group_id, startDate: r.start_date, endDate: r.end_date,
      address: r.address, projectStatus: projectStatus(r.project_status, r.start_date, r.end_date, today),
      positionId: r.position_id, positionName: r.position_name, status: r.status, via: r.via, reason: r.reason,
      appliedAt: iso(r.applied_at)!, decidedAt: iso(r.decided_at),
    })),
    total: Number(count.n), page, pageSize,
  };
}

/** How many of the per-site pending applications the volunteer holds. */
export async function myProjectLimits(ctx: AppContext, request: FastifyRequest, site: string | undefined) {
  const account = requireAccount(request, 'volunteer');
  const siteCode = site ?? account.siteCode;
  const row = await ctx.db.selectFrom('enrollments').select((eb) => eb.fn.countAll<string>().as('n'))
    .where('account_id', '=', account.id).where('site_code', '=', siteCode).where('status', '=', 'pending')
    .executeTakeFirstOrThrow();
  return { siteCode, used: Number(row.n), limit: PENDING_PROJECT_LIMIT };
}

/** A project's applicants for its group or an authority: names and masked phones only. */
export async function projectEnrollments(ctx: AppContext, manager: EnrollmentManager, status: EnrollmentStatus | undefined, page: number, pageSize: number) {
  const { project } = manager;
  let query = ctx.db
    .selectFrom('enrollments as e')
    .innerJoin('accounts as a', 'a.id', 'e.account_id')
    .leftJoin('people as p', 'p.account_id', 'e.account_id')
    .leftJoin('volunteer_profiles as vp', 'vp.account_id', 'e.account_id')
    .innerJoin('positions as pos', (j) => j.onRef('pos.site_code', '=', 'e.site_code').onRef('pos.project_id', '=', 'e.project_id').onRef('pos.id', '=', 'e.position_id'))
    .where('e.site_code', '=', project.site_code)
    .where('e.project_id', '=', project.id);
  if (status) query = query.where('e.status', '=', status);
  const [rows, count] = await Promise.all([
    query.select([
      'e.account_id', 'e.position_id', 'e.status', 'e.via', 'e.reason', 'e.applied_at', 'e.decided_at',
      'a.display_name', 'p.name', 'p.phone_masked', 'vp.volunteer_number', 'pos.name as position_name',
    ]).orderBy('e.applied_at', 'desc').orderBy('e.account_id').limit(pageSize).offset((page - 1) * pageSize).execute(),
    query.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    items: rows.map((r) => ({
      accountId: r.account_id, name: r.name ?? r.display_name, volunteerNumber: r.volunteer_number, phone: r.phone_masked,
      positionId: r.position_id, positionName: r.position_name, status: r.status, via: r.via, reason: r.reason,
      appliedAt: iso(r.applied_at)!, decidedAt: iso(r.decided_at),
    })),
    total: Number(count.n), page, pageSize,
  };
}
