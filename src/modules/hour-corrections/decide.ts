import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import { audit } from '../../platform/audit.js';
import { AppError, errors } from '../../platform/errors.js';
import { uuidv7 } from '../../platform/ids.js';
import { chinaToday } from '../projects/status.js';
import { cleanReason } from '../hour-reports/submit.js';
import { tellAccount } from '../hour-reports/notify.js';
import { requireOrganiser } from '../service-records/record.js';
import { chinaDayStart, type Interval } from '../service-records/rules.js';
import { applyTotals, lockVolunteers } from '../service-records/totals.js';
import { checkAgainst, checkAlone } from './rules.js';
import { chinaClock } from '../projects/status.js';
import { TEXT } from './text.js';

const DAY_MS = 86_400_000;

/**
 * The organising group accepts or rejects a correction request, in one transaction. Accept applies the proposed
 * values through the recording rules (span, future date, inside the project, overlap with the volunteer's other
 * records, 24 h a day), checked after the volunteer's lock like any hour write; a broken rule is a 422 naming it and
 * the request stays pending. The change goes into the record's history and, for an effective record, the totals.
 * Reject needs a reason. The volunteer is told either way.
 */
export async function decideCorrection(ctx: AppContext, request: FastifyRequest, correctionId: string, decision: 'accept' | 'reject', rawReason?: string) {
  if (!request.auth) throw errors.unauthenticated();
  const found = await ctx.db.selectFrom('hour_corrections').select(['site_code', 'id', 'group_id', 'account_id', 'record_id'])
    .where('id', '=', correctionId).executeTakeFirst();
  if (!found) throw errors.notFound(TEXT.notFound);
  const actor = await requireOrganiser(ctx, request, found.group_id).catch((e: unknown) => {
    throw e instanceof AppError && e.code === 'NOT_ORGANISER' ? new AppError(403, 'NOT_ORGANISER', TEXT.notOrganiser) : e;
  });
  const reason = decision === 'reject' || rawReason?.trim()
    ? cleanReason(rawReason, 'reason', TEXT.rejectReasonRequired, TEXT.reasonTooLong) : null;
  const now = ctx.now();
  const status = decision === 'accept' ? 'accepted' as const : 'rejected' as const;
  return ctx.db.transaction().execute(async (trx) => {
    await lockVolunteers(trx, [found.account_id]);
    const c = await trx.selectFrom('hour_corrections').select(['status', 'proposed'])
      .where('site_code', '=', found.site_code).where('id', '=', found.id).forUpdate().executeTakeFirstOrThrow();
    if (c.status !== 'pending') throw new AppError(409, 'CORRECTION_ALREADY_DECIDED', TEXT.alreadyDecided);
    const r = await trx.selectFrom('service_records as r')
      .innerJoin('projects as p', (j) => j.onRef('p.site_code', '=', 'r.site_code').onRef('p.id', '=', 'r.project_id'))
      .select(['r.site_code', 'r.id', 'r.account_id', 'r.group_id', 'r.project_id', 'r.status', 'r.service_date', 'r.start_at', 'r.end_at',
        'r.hours', 'p.name as project_name', 'p.start_date', 'p.end_date'])
      .where('r.site_code', '=', found.site_code).where('r.id', '=', found.record_id).forUpdate('r').executeTakeFirstOrThrow();
    if (decision === 'accept') {
      if (r.status === 'deleted') throw new AppError(409, 'RECORD_DELETED', TEXT.recordDeleted);
      const row = checkAlone(r, c.proposed, r, chinaToday(now));
      const from = chinaDayStart(row.start);
      const to = chinaDayStart(row.end) + DAY_MS;
      const others: Interval[] = (await trx.selectFrom('service_records').select(['start_at', 'end_at', 'hours'])
        .where('account_id', '=', r.account_id).where('status', '<>', 'deleted').where('id', '<>', r.id)
        .where('start_at', '<', new Date(to)).where('end_at', '>', new Date(from)).execute())
        .map((o) => ({ start: new Date(o.start_at).getTime(), end: new Date(o.end_at).getTime(), hours: Number(o.hours) }));
      checkAgainst(others, row);
      const before = { serviceDate: r.service_date, startTime: chinaClock(r.start_at), endTime: chinaClock(r.end_at), hours: Number(r.hours) };
      const after = { serviceDate: row.input.serviceDate, startTime: row.input.startTime, endTime: row.input.endTime, hours: row.input.hours };
      await trx.updateTable('service_records').set({
        service_date: after.serviceDate, start_at: new Date(row.start), end_at: new Date(row.end), hours: after.hours, updated_at: now,
      }).where('site_code', '=', r.site_code).where('id', '=', r.id).execute();
      await trx.insertInto('service_record_history').values({
        site_code: r.site_code, record_id: r.id, id: uuidv7(now.getTime()), at: now, actor_id: actor.actor.id,
        change: JSON.stringify({ op: 'correct', from: before, to: after, correctionId: found.id, reason, groupId: actor.group.id, role: actor.role }),
      }).execute();
      if (r.status === 'effective' && after.hours !== before.hours) {
        await applyTotals(trx, [{ accountId: r.account_id, siteCode: r.site_code, groupId: r.group_id, projectId: r.project_id, hours: after.hours - before.hours, count: 0 }]);
      }
    }
    await trx.updateTable('hour_corrections').set({ status, decision_reason: reason, decided_by: actor.actor.id, decided_at: now })
      .where('site_code', '=', found.site_code).where('id', '=', found.id).execute();
    await tellAccount(trx, ctx, found.account_id, 'hour_correction_result',
      { projectName: r.project_name, serviceDate: r.service_date, decision: status, reason });
    await audit(trx, {
      actor: actor.actor, action: `hour_correction.${status}`, target: { type: 'hour_correction', id: found.id }, siteCode: found.site_code,
      ip: request.ip, outcome: 'success', detail: { recordId: r.id, groupId: actor.group.id, role: actor.role, reason },
    }, now);
    return { id: found.id, status };
  });
}
