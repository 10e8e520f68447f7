import type { AppContext } from '../../platform/context.js';
import type { MemberStatus } from '../../platform/database/schema-groups.js';
import { fullName } from '../places/divisions.js';
import { GROUP_LIMIT } from './text.js';

/** The tabs of 我的团体 (seed 002 §2.2.5.3); without a status all three together. */
export type MyGroupsTab = 'joined' | 'pending' | 'rejected';

export async function myGroups(ctx: AppContext, accountId: string, filter: { status?: MyGroupsTab; siteCode?: string }, page: number, pageSize: number) {
  let query = ctx.db
    .selectFrom('group_members as gm')
    .innerJoin('groups as g', (j) => j.onRef('g.site_code', '=', 'gm.site_code').onRef('g.id', '=', 'gm.group_id'))
    .where('gm.account_id', '=', accountId)
    .where('gm.status', 'in', filter.status ? [filter.status] : ['joined', 'pending', 'rejected']);
  if (filter.siteCode) query = query.where('gm.site_code', '=', filter.siteCode);
  const [rows, count] = await Promise.all([
    query
      .select(['gm.group_id', 'g.name', 'g.site_code', 'g.region_code', 'g.member_count', 'gm.status', 'gm.via', 'gm.reason', 'gm.applied_at', 'gm.decided_at'])
      .orderBy('gm.applied_at', 'desc').orderBy('gm.group_id')
      .limit(pageSize).offset((page - 1) * pageSize)
      .execute(),
    query.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    items: rows.map((r) => ({
      groupId: r.group_id,
      groupName: r.name,
      siteCode: r.site_code,
      regionCode: r.region_code,
      regionName: fullName(r.region_code),
      memberCount: r.member_count,
      status: r.status as MemberStatus,
      via: r.via,
      appliedAt: new Date(r.applied_at).toISOString(),
      decidedAt: r.decided_at ? new Date(r.decided_at).toISOString() : null,
      reason: r.status === 'rejected' ? r.reason : null,
    })),
    total: Number(count.n), page, pageSize,
  };
}

/** Joined + pending groups in a site against the limit; counted from the memberships themselves. */
export async function myGroupLimits(ctx: AppContext, accountId: string, siteCode: string) {
  const row = await ctx.db
    .selectFrom('group_members')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('account_id', '=', accountId)
    .where('site_code', '=', siteCode)
    .where('status', 'in', ['joined', 'pending'])
    .executeTakeFirstOrThrow();
  return { siteCode, used: Number(row.n), limit: GROUP_LIMIT };
}
