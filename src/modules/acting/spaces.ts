import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import type { ActingRole } from '../../platform/database/schema-groups.js';
import { audit } from '../../platform/audit.js';
import { AppError, errors } from '../../platform/errors.js';
import { TEXT } from './text.js';

export interface SpaceItem {
  groupId: string;
  name: string;
  siteCode: string;
  role: ActingRole;
}

async function activeSpaces(ctx: AppContext, personAccountId: string, groupId?: string): Promise<SpaceItem[]> {
  let query = ctx.db
    .selectFrom('acting_roles as r')
    .innerJoin('groups as g', (j) => j.onRef('g.site_code', '=', 'r.site_code').onRef('g.id', '=', 'r.group_id'))
    .select(['g.id', 'g.name', 'g.site_code', 'r.role'])
    .where('r.person_account_id', '=', personAccountId)
    .where('r.status', '=', 'active');
  if (groupId) query = query.where('r.group_id', '=', groupId);
  const rows = await query.orderBy('g.name').execute();
  return rows.map((r) => ({ groupId: r.id, name: r.name, siteCode: r.site_code, role: r.role }));
}

const current = (items: SpaceItem[], actingGroupId: string | null) => {
  const item = actingGroupId ? items.find((i) => i.groupId === actingGroupId) : undefined;
  return item ? { groupId: item.groupId, name: item.name, role: item.role } : null;
};

/**
 * The spaces a person can enter (active roles only) and the one this session is in. A session whose role was
 * revoked shows personal space, whatever the session row still remembers.
 */
export async function listSpaces(ctx: AppContext, request: FastifyRequest) {
  const auth = request.auth;
  if (!auth) throw errors.unauthenticated();
  if (auth.account.type !== 'volunteer' && auth.account.type !== 'staff') return { current: null, items: [] };
  const items = await activeSpaces(ctx, auth.account.id);
  return { current: current(items, auth.actingGroupId), items };
}

/** Moves this session (only this one: other devices keep their own space) into a group's space or back to personal space. */
export async function switchSpace(ctx: AppContext, request: FastifyRequest, groupId: string | null) {
  const auth = request.auth;
  if (!auth) throw errors.unauthenticated();
  if (auth.account.type !== 'volunteer' && auth.account.type !== 'staff') throw new AppError(403, 'ACTING_PERSON_ONLY', TEXT.spacePersonOnly);
  const items = groupId ? await activeSpaces(ctx, auth.account.id, groupId) : [];
  if (groupId && items.length === 0) throw errors.notFound(TEXT.spaceNotFound);
  const now = ctx.now();
  await ctx.db.transaction().execute(async (trx) => {
    await trx.updateTable('sessions').set({ acting_group_id: groupId }).where('id', '=', auth.sessionId).execute();
    await audit(trx, {
      actor: { id: auth.account.id, username: auth.account.username },
      action: 'acting.space_switch',
      target: groupId ? { type: 'group', id: groupId } : null,
      siteCode: items[0]?.siteCode ?? auth.account.siteCode,
      ip: request.ip,
      outcome: 'success',
      detail: { groupId, role: items[0]?.role ?? null, from: auth.actingGroupId },
    }, now);
  });
  return { current: current(items, groupId) };
}
