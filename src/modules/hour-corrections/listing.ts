import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import { requireAccount } from '../../platform/auth-guard.js';
import type { HourCorrectionStatus, ProposedCorrection } from '../../platform/database/schema-record-disputes.js';
import { maskName } from '../board/names.js';
import { disputeHandler, findDisputeGroup } from '../hour-reports/access.js';
import type { Page } from '../hour-reports/listing.js';
import { chinaClock } from '../projects/status.js';
import { TEXT } from './text.js';

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

const columns = ['c.id', 'c.record_id', 'r.project_id', 'p.name as project_name', 'r.service_date', 'r.start_at', 'r.end_at', 'r.hours',
  'r.status as record_status', 'c.proposed', 'c.reason', 'c.status', 'c.decision_reason', 'c.decided_at', 'c.created_at'] as const;

type Row = {
  id: string; record_id: string; project_id: string; project_name: string; service_date: string; start_at: Date; end_at: Date; hours: number;
  record_status: string; proposed: ProposedCorrection; reason: string; status: HourCorrectionStatus; decision_reason: string | null;
  decided_at: Date | null; created_at: Date;
};

const view = (r: Row) => ({
  id: r.id,
  record: {
    id: r.record_id, projectId: r.project_id, projectName: r.project_name, serviceDate: r.service_date, startTime: chinaClock(r.start_at),
    endTime: chinaClock(r.end_at), hours: Number(r.hours), status: r.record_status,
  },
  proposed: r.proposed, reason: r.reason, status: r.status, decisionReason: r.decision_reason, decidedAt: iso(r.decided_at),
  createdAt: iso(r.created_at)!,
});

/** The caller's correction requests with their outcome; the record as it stands now (after an accepted correction, corrected). */
export async function myCorrections(ctx: AppContext, request: FastifyRequest, q: Page) {
  const account = requireAccount(request);
  const base = ctx.db.selectFrom('hour_corrections as c').where('c.account_id', '=', account.id);
  const [rows, count] = await Promise.all([
    base.innerJoin('service_records as r', (j) => j.onRef('r.site_code', '=', 'c.site_code').onRef('r.id', '=', 'c.record_id'))
      .innerJoin('projects as p', (j) => j.onRef('p.site_code', '=', 'r.site_code').onRef('p.id', '=', 'r.project_id'))
      .select([...columns]).orderBy('c.created_at', 'desc').orderBy('c.id', 'desc')
      .limit(q.pageSize).offset((q.page - 1) * q.pageSize).execute(),
    base.select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map((r) => view(r)), total: Number(count.n), page: q.page, pageSize: q.pageSize };
}

/** A group's correction requests, for the group (names whole) or an authority over it (names masked, read-only). */
export async function groupCorrections(ctx: AppContext, request: FastifyRequest, groupId: string, q: Page & { status?: HourCorrectionStatus }) {
  const group = await findDisputeGroup(ctx, groupId, TEXT.groupNotFound);
  const { authority } = await disputeHandler(ctx, request, group, 'NOT_GROUP_OR_AUTHORITY', TEXT.notViewer);
  let base = ctx.db.selectFrom('hour_corrections as c').where('c.site_code', '=', group.siteCode).where('c.group_id', '=', group.id);
  if (q.status) base = base.where('c.status', '=', q.status);
  const [rows, count] = await Promise.all([
    base.innerJoin('service_records as r', (j) => j.onRef('r.site_code', '=', 'c.site_code').onRef('r.id', '=', 'c.record_id'))
      .innerJoin('projects as p', (j) => j.onRef('p.site_code', '=', 'r.site_code').onRef('p.id', '=', 'r.project_id'))
      .leftJoin('people as vp', 'vp.account_id', 'c.account_id')
      .leftJoin('volunteer_profiles as vf', 'vf.account_id', 'c.account_id')
      .select([...columns, 'vp.name as volunteer_name', 'vf.volunteer_number']).orderBy('c.created_at', 'desc').orderBy('c.id', 'desc')
      .limit(q.pageSize).offset((q.page - 1) * q.pageSize).execute(),
    base.select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    items: rows.map((r) => ({
      ...view(r),
      volunteerName: authority ? maskName(r.volunteer_name ?? '') : (r.volunteer_name ?? ''), volunteerNumber: r.volunteer_number ?? null,
    })),
    total: Number(count.n), page: q.page, pageSize: q.pageSize,
  };
}
