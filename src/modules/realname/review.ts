import type { AppContext } from '../../platform/context.js';
import type { RealNameStatus } from '../../platform/database/schema.js';
import type { SessionAccount } from '../../platform/sessions.js';
import { AppError, errors } from '../../platform/errors.js';
import { audit } from '../../platform/audit.js';
import { lockPerson, recordRealnameResult } from './results.js';
import { NOTE, TEXT } from './text.js';

/**
 * Manual review (人工审核) of people the provider cannot decide: documents it cannot check (parked as pending
 * with note 'manual_review'), no_result, and failed people who dispute the result.
 *
 * Who may review: today system administrators only. api.md also names "an advanced group over that region"
 * (seed 004): when groups and their levels exist, extend `reviewScope` to return the region prefixes such a
 * group covers and `mayReview` to test the person's service region against them; the list and the review
 * below already go through these two functions only.
 */

export type ReviewScope = { all: true } | { all: false; regionPrefixes: string[] };

/** Which people an account may review, or null when it may review nobody. */
export function reviewScope(account: SessionAccount): ReviewScope | null {
  if (account.type === 'admin') return { all: true };
  return null;
}

export function mayReview(scope: ReviewScope | null, person: { serviceRegionCode: string | null }): boolean {
  if (!scope) return false;
  if (scope.all) return true;
  const region = person.serviceRegionCode;
  return region !== null && scope.regionPrefixes.some((prefix) => region.startsWith(prefix));
}

export interface ReviewListQuery {
  status?: Exclude<RealNameStatus, 'verified'>;
  siteCode?: string;
  page: number;
  pageSize: number;
}

/** People waiting for a decision, oldest registration first, with masked document and phone numbers. */
export async function listForReview(ctx: AppContext, account: SessionAccount, q: ReviewListQuery) {
  const scope = reviewScope(account);
  if (!scope) throw errors.forbidden(TEXT.listForbidden);
  let query = ctx.db
    .selectFrom('people as p')
    .innerJoin('accounts as a', 'a.id', 'p.account_id')
    .leftJoin('volunteer_profiles as v', 'v.account_id', 'p.account_id')
    .where('p.realname_status', 'in', q.status ? [q.status] : ['pending', 'no_result', 'failed']);
  if (q.siteCode) query = query.where('a.site_code', '=', q.siteCode);
  if (!scope.all) {
    const prefixes = scope.regionPrefixes;
    query = query.where((eb) => eb.or(prefixes.map((prefix) => eb('v.service_region_code', 'like', `${prefix}%`))));
  }
  const [rows, count] = await Promise.all([
    query
      .select([
        'p.account_id', 'a.username', 'a.site_code', 'a.created_at', 'p.name', 'p.id_type', 'p.id_number_masked', 'p.phone_masked',
        'p.realname_status', 'p.realname_note', 'p.realname_checked_at', 'v.service_region_code', 'v.volunteer_number',
      ])
      // Account ids are UUIDv7: their order is the order of registration.
      .orderBy('p.account_id')
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize)
      .execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    items: rows.map((r) => ({
      accountId: r.account_id,
      username: r.username,
      siteCode: r.site_code,
      name: r.name,
      idType: r.id_type,
      idNumberMasked: r.id_number_masked,
      phoneMasked: r.phone_masked,
      realNameStatus: r.realname_status,
      note: r.realname_note,
      needsManualReview: r.realname_status === 'no_result' || r.realname_note === NOTE.manualReview,
      checkedAt: r.realname_checked_at ? r.realname_checked_at.toISOString() : null,
      registeredAt: r.created_at.toISOString(),
      serviceRegionCode: r.service_region_code ?? null,
      volunteerNumber: r.volunteer_number ?? null,
    })),
    total: Number(count.n),
    page: q.page,
    pageSize: q.pageSize,
  };
}

/**
 * Records a reviewer's decision: verified (a volunteer number follows when there is a service region) or
 * failed (the person corrects the identity and is checked again). 404 for an unknown account or one without
 * a real-name record, 409 when already verified, 403 for anyone who may not review this person (audited as denied).
 */
export async function reviewRealname(
  ctx: AppContext, account: SessionAccount, accountId: string, decision: { result: 'verified' | 'failed'; reason?: string | null }, ip: string,
) {
  const actor = { id: account.id, username: account.username };
  const deny = async () => {
    await audit(ctx.db, { actor, action: 'realname.result', target: { type: 'account', id: accountId }, siteCode: account.siteCode, ip, outcome: 'denied', detail: { source: 'manual' } }, ctx.now());
    return errors.forbidden(TEXT.reviewForbidden);
  };
  const scope = reviewScope(account);
  if (!scope) throw await deny();
  const outcome = await ctx.db.transaction().execute(async (trx) => {
    const person = await lockPerson(trx, accountId);
    if (!person) throw errors.notFound(TEXT.personNotFound);
    const profile = await trx.selectFrom('volunteer_profiles').select('service_region_code').where('account_id', '=', accountId).executeTakeFirst();
    if (!mayReview(scope, { serviceRegionCode: profile?.service_region_code ?? null })) return 'denied' as const;
    if (person.realname_status === 'verified') throw new AppError(409, 'REALNAME_ALREADY_VERIFIED', TEXT.alreadyVerified);
    const reason = decision.reason?.trim() || null;
    const { volunteerNumber } = await recordRealnameResult(trx, ctx, person, {
      status: decision.result, source: 'manual', note: NOTE.manual, reason, actor, ip,
    });
    return { accountId, realNameStatus: decision.result, volunteerNumber };
  });
  if (outcome === 'denied') throw await deny();
  return outcome;
}
