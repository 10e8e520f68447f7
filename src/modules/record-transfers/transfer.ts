import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import { AppError, errors } from '../../platform/errors.js';
import { audit } from '../../platform/audit.js';
import { requireAccount } from '../../platform/auth-guard.js';
import { uuidv7 } from '../../platform/ids.js';
import { fullName, getSite, isServiceRegion, provinceCodeOf } from '../places/divisions.js';
import { lockPersonRow } from '../accounts/person-lock.js';
import { issueNumberIfDue } from '../realname/results.js';
import { TEXT, TRANSFER_INTERVAL_DAYS } from './text.js';

const DAY_MS = 86_400_000;

export interface TransferView {
  id: string;
  fromSiteCode: string;
  fromSiteName: string;
  fromRegionCode: string | null;
  fromRegionName: string | null;
  toSiteCode: string;
  toSiteName: string;
  toRegionCode: string;
  toRegionName: string;
  reason: string | null;
  createdAt: string;
}

const toView = (r: { id: string; from_site_code: string; from_region_code: string | null; to_site_code: string; to_region_code: string; reason: string | null; created_at: Date }): TransferView => ({
  id: r.id,
  fromSiteCode: r.from_site_code,
  fromSiteName: getSite(r.from_site_code)?.name ?? r.from_site_code,
  fromRegionCode: r.from_region_code,
  fromRegionName: r.from_region_code ? fullName(r.from_region_code) : null,
  toSiteCode: r.to_site_code,
  toSiteName: getSite(r.to_site_code)?.name ?? r.to_site_code,
  toRegionCode: r.to_region_code,
  toRegionName: fullName(r.to_region_code),
  reason: r.reason,
  createdAt: new Date(r.created_at).toISOString(),
});

const bad = (code: string, title: string, field: string) => new AppError(422, code, title, { errors: [{ field, code }] });

/**
 * 记录转移 (seed 002 §2.1.8.3, §2.2.5.8): the volunteer moves their home site and service region at once, without
 * anyone's approval (the seed's flow ends in 'transfer succeeded'). Nothing else is rewritten: service records,
 * enrolments and memberships stay in the organiser's site rows (谁组织谁记录) and every "my …" view reads them by
 * account, so they all follow. The person lock (people row) is taken first, as enrolment and group applications
 * and profile changes take it, so none of them can see or write a half-moved person; the 30-day rule is read
 * under the same lock, so two parallel transfers cannot both pass it.
 */
export async function transferRecords(
  ctx: AppContext, request: FastifyRequest, input: { siteCode: string; regionCode: string; reason?: string },
): Promise<TransferView> {
  const account = requireAccount(request, 'volunteer');
  const site = getSite(input.siteCode);
  if (!site) throw bad('SITE_INVALID', TEXT.siteInvalid, 'siteCode');
  if (!isServiceRegion(input.regionCode) || provinceCodeOf(input.regionCode) !== site.code) {
    throw bad('REGION_INVALID', TEXT.regionInvalid, 'regionCode');
  }
  const reason = input.reason?.trim() || null;

  return ctx.db.transaction().execute(async (trx) => {
    if (!(await lockPersonRow(trx, account.id))) throw errors.forbidden();
    // Read the time once the lock is held: a parallel transfer that got the lock first is then never "in the future".
    const now = ctx.now();
    const person = await trx.selectFrom('people as p').innerJoin('accounts as a', 'a.id', 'p.account_id')
      .leftJoin('volunteer_profiles as v', 'v.account_id', 'p.account_id')
      .select(['p.realname_status', 'a.site_code', 'v.service_region_code'])
      .where('p.account_id', '=', account.id).executeTakeFirstOrThrow();
    if (person.realname_status !== 'verified') throw new AppError(403, 'REALNAME_REQUIRED', TEXT.realnameRequired);
    if (person.site_code === site.code && person.service_region_code === input.regionCode) {
      throw bad('SAME_REGION', TEXT.sameRegion, 'regionCode');
    }
    const last = await trx.selectFrom('record_transfers').select('created_at')
      .where('account_id', '=', account.id).orderBy('created_at', 'desc').limit(1).executeTakeFirst();
    if (last) {
      const nextAt = new Date(last.created_at).getTime() + TRANSFER_INTERVAL_DAYS * DAY_MS;
      if (nextAt > now.getTime()) {
        const retryAfter = Math.ceil((nextAt - now.getTime()) / 1000);
        throw errors.tooMany('TRANSFER_TOO_SOON', TEXT.tooSoon(Math.ceil(retryAfter / 86_400)), retryAfter);
      }
    }

    const row = {
      id: uuidv7(now.getTime()), account_id: account.id, from_site_code: person.site_code, from_region_code: person.service_region_code ?? null,
      to_site_code: site.code, to_region_code: input.regionCode, reason, created_at: now, ip: request.ip,
    };
    await trx.insertInto('record_transfers').values(row).execute();
    await trx.updateTable('accounts').set({ site_code: site.code, updated_at: now }).where('id', '=', account.id).execute();
    await trx.updateTable('volunteer_profiles').set({ service_region_code: input.regionCode }).where('account_id', '=', account.id).execute();
    // A verified volunteer who never had a service region gets the number now (as when choosing one in the profile);
    // an existing number is national and never changes with a move.
    if (!person.service_region_code) await issueNumberIfDue(trx, ctx, account.id);
    await audit(trx, {
      actor: account, action: 'record_transfer.create', target: { type: 'account', id: account.id }, siteCode: site.code, ip: request.ip,
      outcome: 'success', detail: { transferId: row.id, fromSiteCode: row.from_site_code, fromRegionCode: row.from_region_code, toSiteCode: site.code, toRegionCode: input.regionCode },
    }, now);
    return toView(row);
  });
}

/** The signed-in volunteer's transfers, newest first. */
export async function myTransfers(ctx: AppContext, request: FastifyRequest, page: number, pageSize: number) {
  const account = requireAccount(request, 'volunteer');
  const base = ctx.db.selectFrom('record_transfers').where('account_id', '=', account.id);
  const [rows, count] = await Promise.all([
    base.select(['id', 'from_site_code', 'from_region_code', 'to_site_code', 'to_region_code', 'reason', 'created_at'])
      .orderBy('created_at', 'desc').orderBy('id', 'desc').limit(pageSize).offset((page - 1) * pageSize).execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(toView), total: Number(count.n), page, pageSize };
}
