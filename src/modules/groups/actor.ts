import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import { AppError, errors } from '../../platform/errors.js';
import type { ActingRole, GroupLevel, GroupStatus } from '../../platform/database/schema-groups.js';
import { groupMay, type GroupAction } from './permissions.js';
import { coveredBy, jurisdictionOf } from './jurisdiction.js';

export interface GroupRef {
  siteCode: string;
  id: string;
  accountId: string;
  name: string;
  level: GroupLevel;
  status: GroupStatus;
  regionCode: string;
}

/**
 * Who is doing something for a group: the group's own account, or a person acting for it from their
 * organisation space (seed 004 §五). `actor` is what the audit log records as having done it.
 */
export interface GroupActor {
  group: GroupRef;
  role: 'group_account' | ActingRole;
  actor: { id: string; username: string };
  /** The person behind the action when it is not the group's own account. */
  personAccountId: string | null;
}

const columns = ['site_code', 'id', 'account_id', 'name', 'level', 'status', 'region_code'] as const;
const toRef = (r: { site_code: string; id: string; account_id: string; name: string; level: GroupLevel; status: GroupStatus; region_code: string }): GroupRef => ({
  siteCode: r.site_code, id: r.id, accountId: r.account_id, name: r.name, level: r.level, status: r.status, regionCode: r.region_code,
});

export async function findGroup(ctx: AppContext, groupId: string): Promise<GroupRef | null> {
  const row = await ctx.db.selectFrom('groups').select([...columns]).where('id', '=', groupId).executeTakeFirst();
  return row ? toRef(row) : null;
}

/** The group this request acts for, or null (a volunteer in personal space, an administrator, nobody). */
export async function currentGroupActor(ctx: AppContext, request: FastifyRequest): Promise<GroupActor | null> {
  const auth = request.auth;
  if (!auth) return null;
  if (auth.account.type === 'group') {
    const row = await ctx.db.selectFrom('groups').select([...columns]).where('account_id', '=', auth.account.id).executeTakeFirst();
    return row ? { group: toRef(row), role: 'group_account', actor: auth.account, personAccountId: null } : null;
  }
  if (!auth.actingGroupId) return null;
  const row = await ctx.db
    .selectFrom('acting_roles as r')
    .innerJoin('groups as g', (j) => j.onRef('g.site_code', '=', 'r.site_code').onRef('g.id', '=', 'r.group_id'))
    .select(['r.role', 'g.site_code', 'g.id', 'g.account_id', 'g.name', 'g.level', 'g.status', 'g.region_code'])
    .where('r.group_id', '=', auth.actingGroupId)
    .where('r.person_account_id', '=', auth.account.id)
    .where('r.status', '=', 'active')
    .executeTakeFirst();
  if (!row) return null;
  return { group: toRef(row), role: row.role, actor: auth.account, personAccountId: auth.account.id };
}

/**
 * The group actor for `action` on `groupId` (or on its own group when omitted): 401 without a session, 404 when
 * the caller does not act for that group, 403 when the group's level does not allow the action (seed 002 §1.2).
 */
export async function requireGroupActor(ctx: AppContext, request: FastifyRequest, action: GroupAction, groupId?: string): Promise<GroupActor> {
  if (!request.auth) throw errors.unauthenticated();
  const actor = await currentGroupActor(ctx, request);
  if (!actor || (groupId && actor.group.id !== groupId)) throw errors.notFound('该志愿团体不存在，或您不能代表该团体操作');
  if (actor.group.status === 'rejected' && !['sign_in', 'view_own_record', 'edit_own_record'].includes(action)) {
    throw new AppError(403, 'GROUP_REJECTED', '团体注册未通过审核，只能查看和修改本团体信息');
  }
  if (!groupMay(actor.group.level, action)) {
    throw new AppError(403, 'GROUP_LEVEL_INSUFFICIENT', '本团体当前等级不能进行此操作，请联系登记机关提升团体等级');
  }
  return actor;
}

/**
 * Whether the caller is an authority over a target: a system administrator, or an advanced group whose
 * jurisdiction covers the target's site and region (or service fields).
 */
export async function isAuthorityOver(
  ctx: AppContext,
  request: FastifyRequest,
  target: { siteCode: string; regionCode: string | null; fields?: string[] },
): Promise<{ kind: 'admin' } | { kind: 'group'; actor: GroupActor } | null> {
  if (request.auth?.account.type === 'admin') return { kind: 'admin' };
  const actor = await currentGroupActor(ctx, request);
  if (!actor || actor.group.status !== 'approved' || !groupMay(actor.group.level, 'manage_jurisdiction')) return null;
  const j = await jurisdictionOf(ctx.db, actor.group.siteCode, actor.group.id);
  return coveredBy(j, actor.group.siteCode, target) ? { kind: 'group', actor } : null;
}
