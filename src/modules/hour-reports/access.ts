import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import { AppError, errors } from '../../platform/errors.js';
import { currentGroupActor, isAuthorityOver, requireGroupActor } from '../groups/actor.js';
import type { RecordActor } from '../service-records/record.js';

export interface DisputeGroup { siteCode: string; id: string; regionCode: string; serviceCategories: string[] }

export async function findDisputeGroup(ctx: AppContext, groupId: string, notFound: string): Promise<DisputeGroup> {
  const g = await ctx.db.selectFrom('groups').select(['site_code', 'id', 'region_code', 'service_categories']).where('id', '=', groupId).executeTakeFirst();
  if (!g) throw errors.notFound(notFound);
  return { siteCode: g.site_code, id: g.id, regionCode: g.region_code, serviceCategories: g.service_categories };
}

/**
 * Who handles disputes over a group's records: the organising group itself (谁组织谁记录; its account or a person
 * acting for it, with the record_hours permission), or an authority over the group (a system administrator, or an
 * advanced group whose jurisdiction covers it). Anyone else: 403 with `code`.
 */
export async function disputeHandler(ctx: AppContext, request: FastifyRequest, group: DisputeGroup, code: string, title: string,
  allowAuthority = true): Promise<{ by: RecordActor; authority: boolean }> {
  if (!request.auth) throw errors.unauthenticated();
  const own = await currentGroupActor(ctx, request);
  if (own && own.group.id === group.id) {
    const actor = await requireGroupActor(ctx, request, 'record_hours', group.id);
    return { by: { actor: actor.actor, groupId: actor.group.id, role: actor.role }, authority: false };
  }
  if (allowAuthority) {
    const authority = await isAuthorityOver(ctx, request, { siteCode: group.siteCode, regionCode: group.regionCode, fields: group.serviceCategories });
    if (authority?.kind === 'admin') return { by: { actor: request.auth.account, groupId: null, role: 'admin' }, authority: true };
    if (authority?.kind === 'group') {
      const a = authority.actor;
      return { by: { actor: a.actor, groupId: a.group.id, role: `authority_${a.role}` }, authority: true };
    }
  }
  throw new AppError(403, code, title);
}
