import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import { audit } from '../../platform/audit.js';
import { requireAccount } from '../../platform/auth-guard.js';
import { AppError, errors } from '../../platform/errors.js';
import { uuidv7 } from '../../platform/ids.js';
import type { ProposedCorrection } from '../../platform/database/schema-record-disputes.js';
import { chinaToday } from '../projects/status.js';
import { cleanReason } from '../hour-reports/submit.js';
import { checkAlone } from './rules.js';
import { TEXT } from './text.js';

/**
 * 更正申请: the record's own volunteer asks the organising group to correct it. The proposed values are checked at
 * once against the rules that need no other records, so an impossible request is refused here rather than left for
 * the group; overlap and the daily cap are checked when the group accepts. One pending request per record, kept by
 * a partial unique index so parallel posts cannot both land.
 */
export async function submitCorrection(ctx: AppContext, request: FastifyRequest, recordId: string, input: ProposedCorrection & { reason: string }) {
  const account = requireAccount(request);
  const record = await ctx.db.selectFrom('service_records as r')
    .innerJoin('projects as p', (j) => j.onRef('p.site_code', '=', 'r.site_code').onRef('p.id', '=', 'r.project_id'))
    .select(['r.site_code', 'r.id', 'r.group_id', 'r.account_id', 'r.status', 'r.service_date', 'r.start_at', 'r.end_at', 'r.hours',
      'p.start_date', 'p.end_date'])
    .where('r.id', '=', recordId).executeTakeFirst();
  if (!record) throw errors.notFound(TEXT.recordNotFound);
  if (record.account_id !== account.id) throw new AppError(403, 'NOT_RECORD_OWNER', TEXT.notOwner);
  if (record.status === 'deleted') throw new AppError(409, 'RECORD_DELETED', TEXT.recordDeleted);
  const reason = cleanReason(input.reason, 'reason', TEXT.reasonRequired, TEXT.reasonTooLong);
  const proposed: ProposedCorrection = {
    ...(input.serviceDate !== undefined ? { serviceDate: input.serviceDate } : {}),
    ...(input.startTime !== undefined ? { startTime: input.startTime } : {}),
    ...(input.endTime !== undefined ? { endTime: input.endTime } : {}),
    ...(input.hours !== undefined ? { hours: input.hours } : {}),
  };
  if (Object.keys(proposed).length === 0) throw errors.validation(TEXT.nothingToCorrect, [{ field: 'hours', code: 'REQUIRED' }]);
  const now = ctx.now();
  checkAlone(record, proposed, record, chinaToday(now));
  const id = uuidv7(now.getTime());
  return ctx.db.transaction().execute(async (trx) => {
    const inserted = await trx.insertInto('hour_corrections').values({
      site_code: record.site_code, id, record_id: record.id, group_id: record.group_id, account_id: account.id, reason,
      proposed: JSON.stringify(proposed), created_at: now,
    }).onConflict((oc) => oc.column('record_id').where('status', '=', 'pending').doNothing()).returning('id').executeTakeFirst();
    if (!inserted) throw new AppError(409, 'CORRECTION_EXISTS', TEXT.exists);
    await audit(trx, {
      actor: account, action: 'hour_correction.submit', target: { type: 'hour_correction', id }, siteCode: record.site_code, ip: request.ip,
      outcome: 'success', detail: { recordId: record.id, groupId: record.group_id, proposed },
    }, now);
    return { id, status: 'pending' as const };
  });
}
