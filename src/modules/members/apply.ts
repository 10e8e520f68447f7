import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import { AppError, errors } from '../../platform/errors.js';
import { audit } from '../../platform/audit.js';
import { requireAccount } from '../../platform/auth-guard.js';
import { hitWindow } from '../../platform/rate-limit.js';
import { verifyPassword } from '../../platform/passwords.js';
import { groupMay } from '../groups/permissions.js';
import type { GroupLevel } from '../../platform/database/schema-groups.js';
import { loadGroup } from './access.js';
import { lockPersonRow } from '../accounts/person-lock.js';
import { addActiveGroups, addMemberCount, lockActiveGroups } from './counters.js';
import { GROUP_LIMIT, TEXT } from './text.js';

const EXEMPT_WINDOW_SECONDS = 3600;
const EXEMPT_ATTEMPTS = 5;

/**
 * A volunteer applies to join a group (seed 002 §2.1.7): pending until the group decides, or joined at once
 * with the group's exempt-review password (免审密码, §1.2).
 */
export async function applyToGroup(ctx: AppContext, request: FastifyRequest, groupId: string, exemptPassword: string | undefined): Promise<{ status: 'pending' | 'joined' }> {
  const account = requireAccount(request, 'volunteer');
  const group = await loadGroup(ctx, groupId);
  if (!group) throw errors.notFound(TEXT.groupNotFound);
  if (group.status !== 'approved' || !groupMay(group.level as GroupLevel, 'manage_members')) {
    throw new AppError(409, 'GROUP_NOT_ACCEPTING', TEXT.notAccepting);
  }
  const person = await ctx.db.selectFrom('people').select('realname_status').where('account_id', '=', account.id).executeTakeFirst();
  if (person?.realname_status !== 'verified') throw new AppError(403, 'REALNAME_REQUIRED', TEXT.realnameRequired);

  const base = { actor: account, target: { type: 'group', id: group.id }, siteCode: group.siteCode, ip: request.ip };
  let via: 'application' | 'exempt_password' = 'application';
  if (exemptPassword) {
    // Counted before checking so that guessing costs an attempt whether or not it is right.
    const hit = await hitWindow(ctx.db, `group-exempt:${group.id}:${account.id}`, EXEMPT_WINDOW_SECONDS, EXEMPT_ATTEMPTS, ctx.now());
    if (!hit.allowed) throw errors.tooMany('EXEMPT_PASSWORD_THROTTLED', TEXT.exemptThrottled, hit.retryAfter);
    if (!(await verifyPassword(group.exemptPasswordHash, exemptPassword))) {
      await audit(ctx.db, { ...base, action: 'group.member.apply', outcome: 'failure', detail: { groupId: group.id, role: 'volunteer', reason: 'exempt_password_wrong' } }, ctx.now());
      throw new AppError(422, 'EXEMPT_PASSWORD_WRONG', TEXT.exemptWrong, { errors: [{ field: 'exemptPassword', code: 'WRONG' }] });
    }
    via = 'exempt_password';
  }
  const status: 'joined' | 'pending' = via === 'exempt_password' ? 'joined' : 'pending';
  const now = ctx.now();

  await ctx.db.transaction().execute(async (trx) => {
    // The person first (as a record transfer does), then the site counter: a transfer never interleaves with this.
    await lockPersonRow(trx, account.id);
    const used = await lockActiveGroups(trx, group.siteCode, account.id);
    const existing = await trx
      .selectFrom('group_members')
      .select('status')
      .where('site_code', '=', group.siteCode)
      .where('group_id', '=', group.id)
      .where('account_id', '=', account.id)
      .forUpdate()
      .executeTakeFirst();
    if (existing?.status === 'joined') throw new AppError(409, 'ALREADY_MEMBER', TEXT.alreadyMember);
    if (existing?.status === 'pending') throw new AppError(409, 'ALREADY_APPLIED', TEXT.alreadyApplied);
    if (used >= GROUP_LIMIT) {
      throw new AppError(409, 'GROUP_LIMIT_REACHED', TEXT.limitReached, { extra: { limit: GROUP_LIMIT, used, siteCode: group.siteCode } });
    }
    const row = { status, via, reason: null, applied_at: now, decided_at: status === 'joined' ? now : null, decided_by: null };
    await trx
      .insertInto('group_members')
      .values({ site_code: group.siteCode, group_id: group.id, account_id: account.id, ...row })
      .onConflict((oc) => oc.columns(['site_code', 'group_id', 'account_id']).doUpdateSet(row))
      .execute();
    await addActiveGroups(trx, group.siteCode, account.id, 1);
    if (status === 'joined') await addMemberCount(trx, group.siteCode, group.id, 1);
    await audit(trx, { ...base, action: 'group.member.apply', outcome: 'success', detail: { groupId: group.id, role: 'volunteer', status, via } }, now);
  });
  return { status };
}
