import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { AppContext } from '../../platform/context.js';
import type { DB } from '../../platform/database/schema.js';
import { AppError, errors } from '../../platform/errors.js';
import { currentGroupActor, isAuthorityOver, type GroupActor } from './actor.js';
import { TEXT } from './text.js';

/** Who a caller is with respect to one group: the group itself, an authority over it, its chosen liaison, or nobody. */
export interface GroupRelation {
  self: GroupActor | null;
  authority: Awaited<ReturnType<typeof isAuthorityOver>>;
  liaison: GroupActor | null;
  /** The group the caller acts for, whatever its relation (used to answer 404 to advanced groups outside their jurisdiction). */
  acting: GroupActor | null;
}

export interface GroupRow {
  site_code: string;
  id: string;
  region_code: string;
  status: 'pending' | 'approved' | 'rejected';
  liaison_group_id: string | null;
}

export async function relationTo(ctx: AppContext, request: FastifyRequest, group: GroupRow): Promise<GroupRelation> {
  const acting = await currentGroupActor(ctx, request);
  const authority = await isAuthorityOver(ctx, request, { siteCode: group.site_code, regionCode: group.region_code });
  return {
    acting,
    self: acting && acting.group.id === group.id ? acting : null,
    // A group is never its own authority, even when its jurisdiction covers its own region.
    authority: authority?.kind === 'group' && authority.actor.group.id === group.id ? null : authority,
    liaison: acting && acting.group.status === 'approved' && group.liaison_group_id === acting.group.id ? acting : null,
  };
}

/** Pending and rejected groups are seen only by themselves, their authorities and their liaison group. */
export function canSee(group: GroupRow, rel: GroupRelation): boolean {
  return group.status === 'approved' || Boolean(rel.self || rel.authority || rel.liaison);
}

/** The group's row by id, or 404 (also for malformed ids that passed the schema). */
export async function loadGroup(db: Kysely<DB>, id: string) {
  const row = await db.selectFrom('groups').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw errors.notFound(TEXT.groupNotFound);
  return row;
}

/** Who did it, for audit and reviewed_by: the administrator, or the group actor (its account or the person acting). */
export function actorOf(request: FastifyRequest, rel: { authority: GroupRelation['authority']; liaison?: GroupActor | null }) {
  if (rel.authority?.kind === 'group') return { actor: rel.authority.actor.actor, role: rel.authority.actor.role, by: 'authority' as const };
  if (rel.authority?.kind === 'admin') return { actor: request.auth!.account, role: 'admin' as const, by: 'admin' as const };
  if (rel.liaison) return { actor: rel.liaison.actor, role: rel.liaison.role, by: 'liaison' as const };
  throw errors.forbidden();
}

/** Refuses an action on a group the caller has no right over: 404 when they cannot see it (or act outside their jurisdiction), else 403. */
export function refuse(group: GroupRow, rel: GroupRelation, title: string): never {
  if (!canSee(group, rel) || (rel.acting && !rel.self && rel.acting.group.level === 'advanced')) throw errors.notFound(TEXT.groupNotFound);
  throw new AppError(403, 'FORBIDDEN', title);
}
