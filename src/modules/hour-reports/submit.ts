import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import { audit } from '../../platform/audit.js';
import { AppError, errors } from '../../platform/errors.js';
import { uuidv7 } from '../../platform/ids.js';
import { requireAccount } from '../../platform/auth-guard.js';
import { hitWindow } from '../../platform/rate-limit.js';
import { REASON_MAX, REPORT_LIMIT, REPORT_WINDOW_SECONDS, TEXT } from './text.js';

/** Trims a reason and checks its length on the trimmed text. */
export function cleanReason(value: string | undefined, field: string, required: string, tooLong: string): string {
  const text = (value ?? '').trim();
  if (!text) throw errors.validation(required, [{ field, code: 'REQUIRED' }]);
  if ([...text].length > REASON_MAX) throw errors.validation(tooLong, [{ field, code: 'TOO_LONG' }]);
  return text;
}

/**
 * 举报 (seed 002 §2.1.6.7): any signed-in account reports a listed record with a reason. One pending report per
 * reporter and record, kept by a partial unique index so parallel posts cannot both land; a daily count per account
 * is taken before the write.
 */
export async function submitReport(ctx: AppContext, request: FastifyRequest, recordId: string, rawReason: string) {
  const account = requireAccount(request);
  const reason = cleanReason(rawReason, 'reason', TEXT.reasonRequired, TEXT.reasonTooLong);
  const record = await ctx.db.selectFrom('service_records').select(['site_code', 'id', 'group_id', 'status'])
    .where('id', '=', recordId).executeTakeFirst();
  if (!record) throw errors.notFound(TEXT.recordNotFound);
  if (record.status === 'deleted') throw new AppError(409, 'RECORD_DELETED', TEXT.recordDeleted);
  const now = ctx.now();
  const hit = await hitWindow(ctx.db, `hour_report:${account.id}`, REPORT_WINDOW_SECONDS, REPORT_LIMIT, now);
  if (!hit.allowed) throw errors.tooMany('REPORT_RATE_LIMITED', TEXT.tooMany, hit.retryAfter);
  const id = uuidv7(now.getTime());
  return ctx.db.transaction().execute(async (trx) => {
    const inserted = await trx.insertInto('hour_reports').values({
      site_code: record.site_code, id, record_id: record.id, group_id: record.group_id, reporter_account_id: account.id, reason, created_at: now,
    }).onConflict((oc) => oc.columns(['record_id', 'reporter_account_id']).where('status', '=', 'pending').doNothing())
      .returning('id').executeTakeFirst();
    if (!inserted) throw new AppError(409, 'REPORT_EXISTS', TEXT.reportExists);
    await audit(trx, {
      actor: account, action: 'hour_report.submit', target: { type: 'hour_report', id }, siteCode: record.site_code, ip: request.ip,
      outcome: 'success', detail: { recordId: record.id, groupId: record.group_id },
    }, now);
    return { id, status: 'pending' as const };
  });
}
