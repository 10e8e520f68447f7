import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import { audit } from '../../platform/audit.js';
import { AppError, errors } from '../../platform/errors.js';
import { findGroup } from '../groups/actor.js';
import { insufficient, isVerifiedPerson, mayManage, requireManager } from './roles.js';
import { TEXT } from './text.js';

export type AppliedRole = 'administrator' | 'operator';

/** A person asks to act for a group (经办人 or 管理员); the legal representative is designated, never applied for. */
export async function applyForRole(ctx: AppContext, request: FastifyRequest, groupId: string, role: AppliedRole) {
  const auth = request.auth;
  if (!auth) throw errors.unauthenticated();
  if (auth.account.type !== 'volunteer' && auth.account.type !== 'staff') throw new AppError(403, 'ACTING_PERSON_ONLY', TEXT.personOnly);
  const group = await findGroup(ctx, groupId);
  if (!group) throw errors.notFound(TEXT.groupNotFound);
  if (!(await isVerifiedPerson(ctx.db, auth.account.id))) throw new AppError(422, 'REALNAME_REQUIRED', TEXT.realnameRequired);
  const now = ctx.now();
  return ctx.db.transaction().execute(async (trx) => {
    // One statement decides between "new", "again after a refusal" and "already there", so parallel clicks cannot both pass.
    const row = await trx
      .insertInto('acting_roles')
      .values({ site_code: group.siteCode, group_id: group.id, person_account_id: auth.account.id, role, status: 'pending', requested_at: now })
      .onConflict((oc) =>
        oc.columns(['site_code', 'group_id', 'person_account_id'])
          .doUpdateSet({ role, status: 'pending', requested_at: now, decided_at: null, decided_by: null })
          .where('acting_roles.status', 'in', ['rejected', 'revoked']),
      )
      .returning(['status'])
      .executeTakeFirst();
    if (!row) throw new AppError(409, 'ACTING_ROLE_EXISTS', TEXT.roleExists);
    await audit(trx, {
      actor: { id: auth.account.id, username: auth.account.username },
      action: 'group.acting_apply',
      target: { type: 'group', id: group.id },
      siteCode: group.siteCode,
      ip: request.ip,
      outcome: 'success',
      detail: { groupId: group.id, role: 'applicant', requestedRole: role },
    }, now);
    return { groupId: group.id, personAccountId: auth.account.id, role, status: 'pending' as const };
  });
}

/** Approves or refuses an application; who may decide depends on the role applied for (seed 004 §五). */
export async function decideApplication(
  ctx: AppContext,
  request: FastifyRequest,
  groupId: string,
  personAccountId: string,
  input: { decision: 'approve' | 'reject'; reason?: string },
) {
  const manager = await requireManager(ctx, request, groupId);
  const now = ctx.now();
  return ctx.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('acting_roles')
      .select(['role', 'status'])
      .where('site_code', '=', manager.group.siteCode)
      .where('group_id', '=', manager.group.id)
      .where('person_account_id', '=', personAccountId)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw errors.notFound(TEXT.roleNotFound);
    if (!mayManage(manager.role, row.role)) throw insufficient();
    if (row.status !== 'pending') throw new AppError(409, 'ACTING_NOT_PENDING', TEXT.notPending);
    const status: 'active' | 'rejected' = input.decision === 'approve' ? 'active' : 'rejected';
    await trx
      .updateTable('acting_roles')
      .set({ status, decided_at: now, decided_by: manager.actor.id })
      .where('site_code', '=', manager.group.siteCode)
      .where('group_id', '=', manager.group.id)
      .where('person_account_id', '=', personAccountId)
      .execute();
    await audit(trx, {
      actor: manager.actor,
      action: 'group.acting_decide',
      target: { type: 'account', id: personAccountId },
      siteCode: manager.group.siteCode,
      ip: request.ip,
      outcome: 'success',
      detail: { groupId: manager.group.id, role: manager.role, decision: input.decision, appliedRole: row.role, reason: input.reason ?? null },
    }, now);
    return { groupId: manager.group.id, personAccountId, role: row.role, status };
  });
}
