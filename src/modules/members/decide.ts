import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import { AppError, errors } from '../../platform/errors.js';
import { audit } from '../../platform/audit.js';
import { requireAccount } from '../../platform/auth-guard.js';
import { requireMemberManager, loadGroup } from './access.js';
import { addActiveGroups, addMemberCount, lockActiveGroups } from './counters.js';
import { TEXT } from './text.js';

/** Memberships are never deleted, so one seen here is still there inside the transaction. */
async function requireMembership(ctx: AppContext, siteCode: string, groupId: string, accountId: string): Promise<void> {
  const row = await ctx.db.selectFrom('group_members').select('status')
    .where('site_code', '=', siteCode).where('group_id', '=', groupId).where('account_id', '=', accountId).executeTakeFirst();
  // Checked before the counter is locked: that inserts a row referencing the account, which must exist.
  if (!row) throw errors.notFound(TEXT.memberNotFound);
}

const reasonRequired = () => errors.validation(TEXT.reasonRequired, [{ field: 'reason', code: 'REQUIRED' }]);

/** The group (or an authority over it) approves or rejects a pending application; a rejection frees the slot. */
export async function decideApplication(
  ctx: AppContext, request: FastifyRequest, groupId: string, accountId: string,
  input: { decision: 'approve' | 'reject'; reason?: string },
): Promise<{ status: 'joined' | 'rejected' }> {
  const reason = input.reason?.trim() || null;
  if (input.decision === 'reject' && !reason) throw reasonRequired();
  const manager = await requireMemberManager(ctx, request, groupId);
  const { group } = manager;
  await requireMembership(ctx, group.siteCode, group.id, accountId);
  const status = input.decision === 'approve' ? 'joined' : 'rejected';
  const now = ctx.now();
  await ctx.db.transaction().execute(async (trx) => {
    // Same lock order as applying (counter, then membership), so the two never deadlock.
    await lockActiveGroups(trx, group.siteCode, accountId);
    const existing = await trx
      .selectFrom('group_members').select('status')
      .where('site_code', '=', group.siteCode).where('group_id', '=', group.id).where('account_id', '=', accountId)
      .forUpdate().executeTakeFirst();
    if (!existing) throw errors.notFound(TEXT.memberNotFound);
    if (existing.status !== 'pending') throw new AppError(409, 'NOT_PENDING', TEXT.notPending, { extra: { memberStatus: existing.status } });
    await trx.updateTable('group_members')
      .set({ status, reason: status === 'rejected' ? reason : null, decided_at: now, decided_by: manager.actor.id })
      .where('site_code', '=', group.siteCode).where('group_id', '=', group.id).where('account_id', '=', accountId)
      .execute();
    if (status === 'joined') await addMemberCount(trx, group.siteCode, group.id, 1);
    else await addActiveGroups(trx, group.siteCode, accountId, -1);
    await audit(trx, {
      actor: manager.actor, action: 'group.member.decide', target: { type: 'account', id: accountId }, siteCode: group.siteCode, ip: request.ip,
      outcome: 'success', detail: { groupId: group.id, role: manager.role, authorityGroupId: manager.authorityGroupId, decision: input.decision },
    }, now);
  });
  return { status };
}

/** The volunteer leaves a group, or withdraws a pending application. */
export async function leaveGroup(ctx: AppContext, request: FastifyRequest, groupId: string): Promise<void> {
  const account = requireAccount(request, 'volunteer');
  const group = await loadGroup(ctx, groupId);
  if (!group) throw errors.notFound(TEXT.groupNotFound);
  const now = ctx.now();
  await ctx.db.transaction().execute(async (trx) => {
    await lockActiveGroups(trx, group.siteCode, account.id);
    const existing = await trx
      .selectFrom('group_members').select('status')
      .where('site_code', '=', group.siteCode).where('group_id', '=', group.id).where('account_id', '=', account.id)
      .forUpdate().executeTakeFirst();
    if (!existing || (existing.status !== 'joined' && existing.status !== 'pending')) throw errors.notFound(TEXT.memberNotFound);
    await trx.updateTable('group_members')
      .set({ status: 'left', reason: null, decided_at: now, decided_by: account.id })
      .where('site_code', '=', group.siteCode).where('group_id', '=', group.id).where('account_id', '=', account.id)
      .execute();
    await addActiveGroups(trx, group.siteCode, account.id, -1);
    if (existing.status === 'joined') await addMemberCount(trx, group.siteCode, group.id, -1);
    await audit(trx, {
      actor: account, action: 'group.member.leave', target: { type: 'group', id: group.id }, siteCode: group.siteCode, ip: request.ip,
      outcome: 'success', detail: { groupId: group.id, role: 'volunteer', was: existing.status },
    }, now);
  });
}

/** The group (or an authority over it) removes a joined member, with a reason. */
export async function removeMember(ctx: AppContext, request: FastifyRequest, groupId: string, accountId: string, reasonInput: string | undefined): Promise<void> {
  const reason = reasonInput?.trim();
  if (!reason) throw reasonRequired();
  const manager = await requireMemberManager(ctx, request, groupId);
  const { group } = manager;
  await requireMembership(ctx, group.siteCode, group.id, accountId);
  const now = ctx.now();
  await ctx.db.transaction().execute(async (trx) => {
    await lockActiveGroups(trx, group.siteCode, accountId);
    const existing = await trx
      .selectFrom('group_members').select('status')
      .where('site_code', '=', group.siteCode).where('group_id', '=', group.id).where('account_id', '=', accountId)
      .forUpdate().executeTakeFirst();
    if (!existing) throw errors.notFound(TEXT.memberNotFound);
    if (existing.status !== 'joined') throw new AppError(409, 'NOT_MEMBER', TEXT.notJoined, { extra: { memberStatus: existing.status } });
    await trx.updateTable('group_members')
      .set({ status: 'removed', reason, decided_at: now, decided_by: manager.actor.id })
      .where('site_code', '=', group.siteCode).where('group_id', '=', group.id).where('account_id', '=', accountId)
      .execute();
    await addActiveGroups(trx, group.siteCode, accountId, -1);
    await addMemberCount(trx, group.siteCode, group.id, -1);
    await audit(trx, {
      actor: manager.actor, action: 'group.member.remove', target: { type: 'account', id: accountId }, siteCode: group.siteCode, ip: request.ip,
      outcome: 'success', detail: { groupId: group.id, role: manager.role, authorityGroupId: manager.authorityGroupId },
    }, now);
  });
}
