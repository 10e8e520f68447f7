import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import { requireAccount } from '../../platform/auth-guard.js';
import type { HourReportStatus } from '../../platform/database/schema-record-disputes.js';
import { maskName } from '../board/names.js';
import { disputeHandler, findDisputeGroup } from './access.js';
import { TEXT } from './text.js';
import { chinaClock } from '../projects/status.js';

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export interface Page { page: number; pageSize: number }

/** The reports the caller made, with the outcome once decided. */
export async function myReports(ctx: AppContext, request: FastifyRequest, q: Page) {
  const account = requireAccount(request);
  const base = ctx.db.selectFrom('hour_reports as h').where('h.reporter_account_id', '=', account.id);
  const [rows, count] = await Promise.all([
    base.innerJoin('service_records as r', (j) => j.onRef('r.site_code', '=', 'h.site_code').onRef('r.id', '=', 'h.record_id'))
      .innerJoin('projects as p', (j) => j.onRef('p.site_code', '=', 'r.site_code').onRef('p.id', '=', 'r.project_id'))
      .leftJoin('people as vp', 'vp.account_id', 'r.account_id')
      .select(['h.id', 'h.record_id', 'r.project_id', 'p.name as project_name', 'r.service_date', 'r.start_at', 'r.end_at', 'r.hours',
        'vp.name as volunteer_name', 'h.reason', 'h.status', 'h.decision_reason', 'h.decided_at', 'h.created_at'])
      .orderBy('h.created_at', 'desc').orderBy('h.id', 'desc').limit(q.pageSize).offset((q.page - 1) * q.pageSize).execute(),
    base.select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    items: rows.map((r) => ({
      id: r.id, recordId: r.record_id, projectId: r.project_id, projectName: r.project_name, serviceDate: r.service_date,
      startTime: chinaClock(r.start_at), endTime: chinaClock(r.end_at), hours: Number(r.hours), volunteerName: maskName(r.volunteer_name ?? ''),
      reason: r.reason, status: r.status, outcome: r.decision_reason, decidedAt: iso(r.decided_at), createdAt: iso(r.created_at)!,
    })),
    total: Number(count.n), page: q.page, pageSize: q.pageSize,
  };
}

/**
 * A group's reports, for the group or an authority over it. The group knows its own volunteers by name; an authority
 * sees them masked. The reporter is masked for everyone, so nobody can retaliate.
 */
export async function groupReports(ctx: AppContext, request: FastifyRequest, groupId: string, q: Page & { status?: HourReportStatus }) {
  const group = await findDisputeGroup(ctx, groupId, TEXT.groupNotFound);
  const { authority } = await disputeHandler(ctx, request, group, 'NOT_GROUP_OR_AUTHORITY', TEXT.notDecider);
  let base = ctx.db.selectFrom('hour_reports as h').where('h.site_code', '=', group.siteCode).where('h.group_id', '=', group.id);
  if (q.status) base = base.where('h.status', '=', q.status);
  const [rows, count] = await Promise.all([
    base.innerJoin('service_records as r', (j) => j.onRef('r.site_code', '=', 'h.site_code').onRef('r.id', '=', 'h.record_id'))
      .innerJoin('projects as p', (j) => j.onRef('p.site_code', '=', 'r.site_code').onRef('p.id', '=', 'r.project_id'))
      .leftJoin('people as vp', 'vp.account_id', 'r.account_id')
      .leftJoin('volunteer_profiles as vf', 'vf.account_id', 'r.account_id')
      .innerJoin('accounts as ra', 'ra.id', 'h.reporter_account_id')
      .leftJoin('people as rp', 'rp.account_id', 'h.reporter_account_id')
      .select((eb) => ['h.id', 'h.record_id', 'r.project_id', 'p.name as project_name', 'r.service_date', 'r.start_at', 'r.end_at', 'r.hours',
        'r.status as record_status', 'r.deleted_reason', 'vp.name as volunteer_name', 'vf.volunteer_number', 'h.reason', 'h.status',
        'h.decision_reason', 'h.decided_at', 'h.created_at', eb.fn.coalesce('rp.name', 'ra.display_name').as('reporter_name')])
      .orderBy('h.created_at', 'desc').orderBy('h.id', 'desc').limit(q.pageSize).offset((q.page - 1) * q.pageSize).execute(),
    base.select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    items: rows.map((r) => ({
      id: r.id,
      record: {
        id: r.record_id, projectId: r.project_id, projectName: r.project_name, serviceDate: r.service_date, startTime: chinaClock(r.start_at),
        endTime: chinaClock(r.end_at), hours: Number(r.hours), status: r.record_status, deletedReason: r.deleted_reason,
        volunteerName: authority ? maskName(r.volunteer_name ?? '') : (r.volunteer_name ?? ''), volunteerNumber: r.volunteer_number ?? null,
      },
      reporterName: maskName(r.reporter_name ?? ''),
      reason: r.reason, status: r.status, decisionReason: r.decision_reason, decidedAt: iso(r.decided_at), createdAt: iso(r.created_at)!,
    })),
    total: Number(count.n), page: q.page, pageSize: q.pageSize,
  };
}
