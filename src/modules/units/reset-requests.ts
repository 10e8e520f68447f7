import type { AppContext } from '../../platform/context.js';
import type { SessionAccount } from '../../platform/sessions.js';
import { AppError, errors } from '../../platform/errors.js';
import { audit } from '../../platform/audit.js';
import { uuidv7 } from '../../platform/ids.js';
import { hitWindow } from '../../platform/rate-limit.js';
import { endAccountSessions } from '../../platform/sessions.js';
import { maskPhone } from '../identity/documents.js';
import { classifyIdentifier, lookupKey } from '../accounts/lookups.js';
import { enqueueActivationNotice } from '../activation/notice.js';
import { requireUnitAdmin } from './access.js';
import { staffProfileComplete } from './posts.js';
import { TEXT } from './text.js';

/**
 * 通过管理员找回密码 (seed 003 §二 第三步): a staff member who cannot sign in asks their unit's administrators.
 * The request waits in the list of the administrators of every unit where the person holds a post; one of
 * them completes the record if needed and approves, which re-opens the account for activation: the person then
 * proves the phone by SMS code and sets a new password (POST /activation/start, /activation/complete).
 */

async function throttle(ctx: AppContext, key: string, limit: number) {
  const hit = await hitWindow(ctx.db, key, 3600, limit, ctx.now());
  if (!hit.allowed) throw errors.tooMany('TOO_MANY_ATTEMPTS', '操作过于频繁，请稍后再试', hit.retryAfter);
}

/**
 * Records the request when account (username, phone or ID number) and name name a staff account with a post;
 * the answer is the same either way, so the form does not tell who works where.
 */
export async function requestAdminReset(ctx: AppContext, input: { account: string; name: string }, ip: string): Promise<void> {
  await throttle(ctx, `admin-reset-ip:${ip}`, 30);
  const { kind, value } = classifyIdentifier(input.account);
  const key = lookupKey(ctx.cipher, kind, value);
  await throttle(ctx, `admin-reset-id:${kind}:${ctx.cipher.lookup('throttle', key)}`, 5);
  const person = await ctx.db.selectFrom('account_lookups as l').innerJoin('accounts as a', 'a.id', 'l.account_id').innerJoin('people as p', 'p.account_id', 'a.id')
    .select(['a.id', 'a.type', 'a.status', 'a.site_code', 'p.name'])
    .where('l.kind', '=', kind).where('l.lookup', '=', key).executeTakeFirst();
  const now = ctx.now();
  const hasPost = person ? Boolean(await ctx.db.selectFrom('staff_posts').select('id').where('account_id', '=', person.id).executeTakeFirst()) : false;
  const ok = person && person.type === 'staff' && person.status !== 'disabled' && person.name === input.name.normalize('NFKC').trim() && hasPost;
  if (!ok) {
    await audit(ctx.db, { actor: null, action: 'recovery.admin_request', target: person ? { type: 'account', id: person.id } : null, siteCode: person?.site_code, ip, outcome: 'failure', detail: { identifierKind: kind } }, now);
    return;
  }
  await ctx.db.transaction().execute(async (trx) => {
    const pending = await trx.updateTable('staff_reset_requests').set({ requested_at: now, ip })
      .where('account_id', '=', person.id).where('status', '=', 'pending').returning('id').executeTakeFirst();
    if (!pending) {
      await trx.insertInto('staff_reset_requests').values({ id: uuidv7(now.getTime()), account_id: person.id, status: 'pending', requested_at: now, ip })
        .onConflict((oc) => oc.column('account_id').where('status', '=', 'pending').doUpdateSet({ requested_at: now, ip })).execute();
    }
    await audit(trx, { actor: null, action: 'recovery.admin_request', target: { type: 'account', id: person.id }, siteCode: person.site_code, ip, outcome: 'success', detail: { identifierKind: kind } }, now);
  });
}

export interface ResetRequestView {
  id: string;
  accountId: string;
  username: string;
  name: string;
  phone: string | null;
  status: string;
  requestedAt: string;
  decidedAt: string | null;
  profileComplete: boolean;
}

function requestsOfUnit(ctx: AppContext, unitId: string) {
  return ctx.db.selectFrom('staff_reset_requests as r').innerJoin('accounts as a', 'a.id', 'r.account_id').innerJoin('people as p', 'p.account_id', 'a.id')
    .where((eb) => eb.exists(eb.selectFrom('staff_posts as s').select('s.id').whereRef('s.account_id', '=', 'r.account_id').where('s.unit_id', '=', unitId)));
}

/** The requests waiting for (or decided by) one unit's administrators. */
export async function listResetRequests(
  ctx: AppContext, actor: SessionAccount, unitId: string, filter: { status: 'pending' | 'approved' | 'dismissed'; page: number; pageSize: number },
) {
  const unit = await requireUnitAdmin(ctx.db, actor, unitId);
  const base = requestsOfUnit(ctx, unit.id).where('r.status', '=', filter.status);
  const [rows, count] = await Promise.all([
    base.select(['r.id', 'r.account_id', 'a.username', 'p.name', 'p.phone_masked', 'r.status', 'r.requested_at', 'r.decided_at'])
      .orderBy('r.requested_at', 'desc').limit(filter.pageSize).offset((filter.page - 1) * filter.pageSize).execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  const items: ResetRequestView[] = [];
  for (const r of rows) {
    items.push({
      id: r.id, accountId: r.account_id, username: r.username, name: r.name, phone: r.phone_masked, status: r.status,
      requestedAt: r.requested_at.toISOString(), decidedAt: r.decided_at?.toISOString() ?? null,
      profileComplete: await staffProfileComplete(ctx.db, r.account_id),
    });
  }
  return { items, total: Number(count.n), page: filter.page, pageSize: filter.pageSize };
}

const requestNotFound = () => new AppError(404, 'REQUEST_NOT_FOUND', TEXT.requestNotFound);

/**
 * Approves a pending request: the account goes back to "inactive" (every session ends; the old password no
 * longer signs in) and the person gets an SMS to activate it again with an SMS code and a new password. The
 * record must be complete first, or the person could still not sign in: 409 PROFILE_INCOMPLETE.
 */
export async function approveResetRequest(ctx: AppContext, actor: SessionAccount, unitId: string, requestId: string, ip: string) {
  const unit = await requireUnitAdmin(ctx.db, actor, unitId);
  const request = await requestsOfUnit(ctx, unit.id).select(['r.id', 'r.account_id', 'a.username', 'a.site_code', 'a.status', 'p.phone_enc'])
    .where('r.id', '=', requestId).where('r.status', '=', 'pending').executeTakeFirst();
  if (!request) throw requestNotFound();
  if (request.status === 'disabled') throw new AppError(409, 'ACCOUNT_DISABLED', '该账号已被停用');
  if (!(await staffProfileComplete(ctx.db, request.account_id))) {
    throw new AppError(409, 'PROFILE_INCOMPLETE', TEXT.profileIncompleteForAdmin);
  }
  const phone = request.phone_enc ? ctx.cipher.decrypt(request.phone_enc) : null;
  const now = ctx.now();
  const approved = await ctx.db.transaction().execute(async (trx) => {
    const updated = await trx.updateTable('staff_reset_requests').set({ status: 'approved', decided_at: now, decided_by: actor.id })
      .where('id', '=', request.id).where('status', '=', 'pending').returning('id').executeTakeFirst();
    if (!updated) return false;
    await trx.updateTable('accounts').set({ status: 'inactive', updated_at: now }).where('id', '=', request.account_id).where('status', '!=', 'disabled').execute();
    const ended = await endAccountSessions(trx, request.account_id, 'admin_reset', now);
    await trx.deleteFrom('login_throttles').where('subject', '=', `account:${request.account_id}`).execute();
    if (phone) await enqueueActivationNotice(ctx, trx, { username: request.username, phone }, unit.name);
    await audit(trx, {
      actor: { id: actor.id, username: actor.username }, action: 'unit.reset_approve', target: { type: 'account', id: request.account_id },
      siteCode: request.site_code, ip, outcome: 'success', detail: { unitId: unit.id, requestId: request.id, endedSessions: ended },
    }, now);
    return true;
  });
  if (!approved) throw requestNotFound();
  return { status: 'approved' as const, sentTo: phone ? maskPhone(phone) : null };
}

/** Closes a request without re-opening the account (e.g. the record was completed and the person can sign in). */
export async function dismissResetRequest(ctx: AppContext, actor: SessionAccount, unitId: string, requestId: string, ip: string) {
  const unit = await requireUnitAdmin(ctx.db, actor, unitId);
  const request = await requestsOfUnit(ctx, unit.id).select(['r.id', 'r.account_id', 'a.site_code'])
    .where('r.id', '=', requestId).where('r.status', '=', 'pending').executeTakeFirst();
  if (!request) throw requestNotFound();
  const now = ctx.now();
  await ctx.db.transaction().execute(async (trx) => {
    await trx.updateTable('staff_reset_requests').set({ status: 'dismissed', decided_at: now, decided_by: actor.id })
      .where('id', '=', request.id).where('status', '=', 'pending').execute();
    await audit(trx, {
      actor: { id: actor.id, username: actor.username }, action: 'unit.reset_dismiss', target: { type: 'account', id: request.account_id },
      siteCode: request.site_code, ip, outcome: 'success', detail: { unitId: unit.id, requestId: request.id },
    }, now);
  });
}
