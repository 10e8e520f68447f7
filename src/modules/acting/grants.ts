import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import type { ActingRole } from '../../platform/database/schema-groups.js';
import { audit } from '../../platform/audit.js';
import { AppError, errors } from '../../platform/errors.js';
import { findGroup } from '../groups/actor.js';
import { lookupKey } from '../accounts/lookups.js';
import { findPersonByUsername, insufficient, leaveSpace, mayManage, requireManager } from './roles.js';
import { TEXT } from './text.js';

/** Grants a role at once, without an application: legal representatives grant administrators, administrators operators. */
export async function grantRole(ctx: AppContext, request: FastifyRequest, groupId: string, input: { username: string; role: 'administrator' | 'operator' }) {
  const manager = await requireManager(ctx, request, groupId);
  if (!mayManage(manager.role, input.role)) throw insufficient();
  const person = await findPersonByUsername(ctx, ctx.db, input.username);
  if (!person) throw new AppError(404, 'PERSON_NOT_FOUND', TEXT.personNotFound);
  if (!person.verified) throw new AppError(422, 'REALNAME_REQUIRED', TEXT.realnameRequired);
  const now = ctx.now();
  const key = { site_code: manager.group.siteCode, group_id: manager.group.id, person_account_id: person.accountId };
  return ctx.db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom('acting_roles')
      .select(['role', 'status'])
      .where('site_code', '=', key.site_code)
      .where('group_id', '=', key.group_id)
      .where('person_account_id', '=', key.person_account_id)
      .forUpdate()
      .executeTakeFirst();
    const live = existing && (existing.status === 'active' || existing.status === 'pending');
    // Granting must not demote someone the granter stands below (an administrator cannot turn the legal representative into an operator).
    if (live && !mayManage(manager.role, existing.role)) throw insufficient();
    if (live && existing.status === 'active' && existing.role === input.role) throw new AppError(409, 'ACTING_ROLE_EXISTS', TEXT.grantExists);
    const values = { role: input.role, status: 'active' as const, decided_at: now, decided_by: manager.actor.id };
    if (existing) {
      await trx.updateTable('acting_roles').set(values)
        .where('site_code', '=', key.site_code).where('group_id', '=', key.group_id).where('person_account_id', '=', key.person_account_id)
        .execute();
    } else {
      const inserted = await trx.insertInto('acting_roles').values({ ...key, ...values, requested_at: now })
        .onConflict((oc) => oc.columns(['site_code', 'group_id', 'person_account_id']).doNothing())
        .returning('status')
        .executeTakeFirst();
      // A parallel request created the row between our look and our insert: let the person retry against it.
      if (!inserted) throw new AppError(409, 'ACTING_CONFLICT', TEXT.conflict);
    }
    await audit(trx, {
      actor: manager.actor,
      action: 'group.acting_grant',
      target: { type: 'account', id: person.accountId },
      siteCode: manager.group.siteCode,
      ip: request.ip,
      outcome: 'success',
      detail: { groupId: manager.group.id, role: manager.role, grantedRole: input.role, previousRole: live ? existing.role : null },
    }, now);
    return { groupId: manager.group.id, personAccountId: person.accountId, username: person.username, role: input.role, status: 'active' as const };
  });
}

/**
 * Ends a role or withdraws an application. Whoever may grant a role may revoke it, and a person may always give
 * up their own. The person's sessions leave the group's space in the same transaction.
 */
export async function revokeRole(ctx: AppContext, request: FastifyRequest, groupId: string, personAccountId: string) {
  const auth = request.auth;
  if (!auth) throw errors.unauthenticated();
  const self = auth.account.id === personAccountId && (auth.account.type === 'volunteer' || auth.account.type === 'staff');
  const manager = self ? null : await requireManager(ctx, request, groupId);
  const group = manager?.group ?? (await findGroup(ctx, groupId));
  if (!group) throw errors.notFound(TEXT.groupNotFound);
  const actor = manager?.actor ?? { id: auth.account.id, username: auth.account.username };
  const now = ctx.now();
  await ctx.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('acting_roles')
      .select(['role', 'status'])
      .where('site_code', '=', group.siteCode)
      .where('group_id', '=', group.id)
      .where('person_account_id', '=', personAccountId)
      .forUpdate()
      .executeTakeFirst();
    if (!row || (row.status !== 'active' && row.status !== 'pending')) throw errors.notFound(TEXT.roleNotFound);
    if (manager && !mayManage(manager.role, row.role)) throw insufficient();
    await trx.updateTable('acting_roles').set({ status: 'revoked', decided_at: now, decided_by: actor.id })
      .where('site_code', '=', group.siteCode).where('group_id', '=', group.id).where('person_account_id', '=', personAccountId)
      .execute();
    await leaveSpace(trx, [personAccountId], group.id);
    await audit(trx, {
      actor,
      action: 'group.acting_revoke',
      target: { type: 'account', id: personAccountId },
      siteCode: group.siteCode,
      ip: request.ip,
      outcome: 'success',
      detail: { groupId: group.id, role: manager?.role ?? 'self', revokedRole: row.role, previousStatus: row.status },
    }, now);
  });
}

/**
 * Designates the legal representative (法定代表人/负责人): by the group's own account, whose choice must be the
 * leader it registered (the leader's ID number is on record), or by a system administrator. Active at once;
 * the previous holder, if any, loses the role in the same transaction.
 */
export async function designateLegalRepresentative(
  ctx: AppContext,
  request: FastifyRequest,
  groupId: string,
  input: { username: string; name: string; idNumber: string },
) {
  const manager = await requireManager(ctx, request, groupId);
  if (!mayManage(manager.role, 'legal_representative')) throw insufficient();
  const person = await findPersonByUsername(ctx, ctx.db, input.username);
  const idNumber = input.idNumber.trim().toUpperCase();
  // One answer for "no such user" and "details do not match", so the form cannot be used to probe identities.
  if (!person || person.name !== input.name.trim() || ctx.cipher.decrypt(person.idNumberEnc).toUpperCase() !== idNumber) {
    throw new AppError(422, 'PERSON_MISMATCH', TEXT.personMismatch);
  }
  if (!person.verified) throw new AppError(422, 'REALNAME_REQUIRED', TEXT.realnameRequired);
  const now = ctx.now();
  return ctx.db.transaction().execute(async (trx) => {
    // The group row is the lock that keeps "at most one active legal representative" true under parallel designations.
    const group = await trx.selectFrom('groups').select(['leader_id_lookup'])
      .where('site_code', '=', manager.group.siteCode).where('id', '=', manager.group.id)
      .forUpdate().executeTakeFirstOrThrow();
    if (manager.role !== 'system_admin' && group.leader_id_lookup !== lookupKey(ctx.cipher, 'id_number', idNumber)) {
      throw new AppError(422, 'LEADER_MISMATCH', TEXT.leaderMismatch);
    }
    const previous = await trx.updateTable('acting_roles')
      .set({ status: 'revoked', decided_at: now, decided_by: manager.actor.id })
      .where('site_code', '=', manager.group.siteCode).where('group_id', '=', manager.group.id)
      .where('role', '=', 'legal_representative').where('status', '=', 'active')
      .where('person_account_id', '!=', person.accountId)
      .returning('person_account_id')
      .execute();
    const previousIds = previous.map((r) => r.person_account_id);
    await leaveSpace(trx, previousIds, manager.group.id);
    const role: ActingRole = 'legal_representative';
    await trx.insertInto('acting_roles')
      .values({ site_code: manager.group.siteCode, group_id: manager.group.id, person_account_id: person.accountId, role, status: 'active', requested_at: now, decided_at: now, decided_by: manager.actor.id })
      .onConflict((oc) => oc.columns(['site_code', 'group_id', 'person_account_id']).doUpdateSet({ role, status: 'active', decided_at: now, decided_by: manager.actor.id }))
      .execute();
    await audit(trx, {
      actor: manager.actor,
      action: 'group.legal_representative_designate',
      target: { type: 'account', id: person.accountId },
      siteCode: manager.group.siteCode,
      ip: request.ip,
      outcome: 'success',
      detail: { groupId: manager.group.id, role: manager.role, previous: previousIds },
    }, now);
    return { groupId: manager.group.id, personAccountId: person.accountId, username: person.username, role, status: 'active' as const, previous: previousIds };
  });
}
