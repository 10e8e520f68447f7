import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import { auditMany } from '../../platform/audit.js';
import { AppError, errors } from '../../platform/errors.js';
import { markDeleted } from '../service-records/record.js';
import { lockVolunteers } from '../service-records/totals.js';
import { disputeHandler, findDisputeGroup } from './access.js';
import { tellAccount } from './notify.js';
import { cleanReason } from './submit.js';
import { TEXT } from './text.js';

/**
 * The organising group or an authority over it decides a report, in one transaction. Uphold: the record is deleted
 * with the decision's reason through the service-record delete path (history, totals), and every other pending
 * report on that record is closed as upheld too. Reject: this report is closed. Each reporter is told.
 *
 * Locks are taken in the order every hour write uses: the volunteer's totals row first, then the report, then the
 * record. So two decisions on one report (or on two reports of one record) run one after the other, and the second
 * finds the report decided: 409.
 */
export async function decideReport(ctx: AppContext, request: FastifyRequest, reportId: string, decision: 'uphold' | 'reject', rawReason: string) {
  if (!request.auth) throw errors.unauthenticated();
  const report = await ctx.db.selectFrom('hour_reports as h')
    .innerJoin('service_records as r', (j) => j.onRef('r.site_code', '=', 'h.site_code').onRef('r.id', '=', 'h.record_id'))
    .innerJoin('projects as p', (j) => j.onRef('p.site_code', '=', 'r.site_code').onRef('p.id', '=', 'r.project_id'))
    .select(['h.site_code', 'h.id', 'h.group_id', 'h.record_id', 'r.account_id', 'r.service_date', 'p.name as project_name'])
    .where('h.id', '=', reportId).executeTakeFirst();
  if (!report) throw errors.notFound(TEXT.reportNotFound);
  const group = await findDisputeGroup(ctx, report.group_id, TEXT.reportNotFound);
  const { by, authority } = await disputeHandler(ctx, request, group, 'NOT_GROUP_OR_AUTHORITY', TEXT.notDecider);
  const reason = cleanReason(rawReason, 'reason', TEXT.decisionReasonRequired, TEXT.reasonTooLong);
  const now = ctx.now();
  const status = decision === 'uphold' ? 'upheld' as const : 'rejected' as const;
  return ctx.db.transaction().execute(async (trx) => {
    await lockVolunteers(trx, [report.account_id]);
    const locked = await trx.selectFrom('hour_reports').select('status')
      .where('site_code', '=', report.site_code).where('id', '=', report.id).forUpdate().executeTakeFirstOrThrow();
    if (locked.status !== 'pending') throw new AppError(409, 'REPORT_ALREADY_DECIDED', TEXT.alreadyDecided);
    let recordDeleted = false;
    if (decision === 'uphold') {
      const record = await trx.selectFrom('service_records').select('status')
        .where('site_code', '=', report.site_code).where('id', '=', report.record_id).executeTakeFirstOrThrow();
      // Deleted meanwhile by the group on its own: the report was right, there is just nothing left to delete.
      if (record.status !== 'deleted') {
        await markDeleted(trx, report.site_code, report.record_id, by, reason, now, { reportId: report.id, authority });
        recordDeleted = true;
      }
    }
    let closing = trx.updateTable('hour_reports').set({ status, decision_reason: reason, decided_by: by.actor.id, decided_at: now })
      .where('site_code', '=', report.site_code).where('status', '=', 'pending');
    closing = decision === 'uphold' ? closing.where('record_id', '=', report.record_id) : closing.where('id', '=', report.id);
    const closed = await closing.returning(['id', 'reporter_account_id']).execute();
    for (const c of closed) {
      await tellAccount(trx, ctx, c.reporter_account_id, 'hour_report_result',
        { projectName: report.project_name, serviceDate: report.service_date, decision: status, reason });
    }
    await auditMany(trx, closed.map((c) => ({
      actor: by.actor, action: `hour_report.${status}`, target: { type: 'hour_report', id: c.id }, siteCode: report.site_code, ip: request.ip,
      outcome: 'success' as const,
      detail: { recordId: report.record_id, groupId: report.group_id, byGroupId: by.groupId, role: by.role, authority, reason,
        ...(c.id === report.id ? { recordDeleted } : { closedWith: report.id }) },
    })), now);
    return { id: report.id, status, recordDeleted };
  });
}
