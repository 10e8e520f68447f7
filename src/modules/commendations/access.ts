import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import { AppError, errors } from '../../platform/errors.js';
import { currentGroupActor, findGroup, isAuthorityOver, requireGroupActor, type GroupRef } from '../groups/actor.js';
import type { CommendationGrantor } from '../../platform/database/schema-transfers.js';
import { TEXT } from './text.js';

/** Who manages a group's commendations in this request: the group itself, or an authority over it. */
export interface CommendationManager {
  group: GroupRef;
  as: CommendationGrantor;
  actor: { id: string; username: string };
  authorityGroupId: string | null;
}

/**
 * The group itself (level permitting manage_members), a system administrator, or an advanced group whose jurisdiction
 * covers the group's region (its registration authority); 404 for an unknown group, 403 for anyone else.
 */
export async function requireCommendationManager(ctx: AppContext, request: FastifyRequest, groupId: string): Promise<CommendationManager> {
  if (!request.auth) throw errors.unauthenticated();
  const group = await findGroup(ctx, groupId);
  if (!group) throw errors.notFound(TEXT.groupNotFound);
  const own = await currentGroupActor(ctx, request);
  if (own?.group.id === group.id) {
    const actor = await requireGroupActor(ctx, request, 'manage_members', group.id);
    return { group, as: 'group', actor: actor.actor, authorityGroupId: null };
  }
  const authority = await isAuthorityOver(ctx, request, { siteCode: group.siteCode, regionCode: group.regionCode });
  if (!authority) throw new AppError(403, 'NOT_GROUP_MANAGER', TEXT.notManager);
  if (authority.kind === 'admin') return { group, as: 'admin', actor: request.auth.account, authorityGroupId: null };
  return { group, as: 'authority', actor: authority.actor.actor, authorityGroupId: authority.actor.group.id };
}
