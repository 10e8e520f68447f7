import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import { errors } from '../../platform/errors.js';
import { currentGroupActor, isAuthorityOver, requireGroupActor } from '../groups/actor.js';
import { TEXT } from './text.js';

export interface MemberGroup {
  siteCode: string;
  id: string;
  name: string;
  level: string;
  status: string;
  regionCode: string;
  exemptPasswordHash: string | null;
}

/** Who manages a group's members in this request; `actor` is what the audit log records. */
export interface MemberManager {
  group: MemberGroup;
  actor: { id: string; username: string };
  /** group_account / an acting role of the group itself, or 'admin' / 'authority' for someone above it. */
  role: string;
  /** The advanced group acting from above, when it is one. */
  authorityGroupId: string | null;
}

export async function loadGroup(ctx: AppContext, groupId: string): Promise<(MemberGroup & { fields: string[] }) | null> {
  const row = await ctx.db
    .selectFrom('groups')
    .select(['site_code', 'id', 'name', 'level', 'status', 'region_code', 'exempt_password_hash', 'service_categories'])
    .where('id', '=', groupId)
    .executeTakeFirst();
  if (!row) return null;
  return {
    siteCode: row.site_code, id: row.id, name: row.name, level: row.level, status: row.status, regionCode: row.region_code,
    exemptPasswordHash: row.exempt_password_hash, fields: row.service_categories,
  };
}

/**
 * The group itself (level permitting manage_members), a system administrator, or an advanced group whose
 * jurisdiction covers the group; anyone else gets 404, so a group's existence leaks to nobody outside.
 */
export async function requireMemberManager(ctx: AppContext, request: FastifyRequest, groupId: string): Promise<MemberManager> {
  if (!request.auth) throw errors.unauthenticated();
  const group = await loadGroup(ctx, groupId);
  if (!group) throw errors.notFound(TEXT.groupNotFound);
  const own = await currentGroupActor(ctx, request);
  if (own && own.group.id === groupId) {
    const actor = await requireGroupActor(ctx, request, 'manage_members', groupId);
    return { group, actor: actor.actor, role: actor.role, authorityGroupId: null };
  }
  const authority = await isAuthorityOver(ctx, request, { siteCode: group.siteCode, regionCode: group.regionCode, fields: group.fields });
  if (!authority) throw errors.notFound(TEXT.groupNotFound);
  if (authority.kind === 'admin') return { group, actor: request.auth.account, role: 'admin', authorityGroupId: null };
  return { group, actor: authority.actor.actor, role: `authority:${authority.actor.role}`, authorityGroupId: authority.actor.group.id };
}
