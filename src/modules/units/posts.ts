import type { Kysely } from 'kysely';
import type { AppContext } from '../../platform/context.js';
import type { DB, StaffPostKind } from '../../platform/database/schema.js';
import type { SessionAccount } from '../../platform/sessions.js';
import { AppError } from '../../platform/errors.js';
import { audit } from '../../platform/audit.js';
import { uuidv7 } from '../../platform/ids.js';
import { requireUnitAdmin } from './access.js';
import { loadStaffView, type StaffView } from './staff.js';
import { TEXT } from './text.js';

/**
 * A staff record is complete when the person has at least one post and every post (主职 and 兼职) has its
 * 人员编制, 职级 and 人员角色 (seed 003 §二-§三). Sign-in refuses incomplete staff with 403 PROFILE_INCOMPLETE.
 */
export async function staffProfileComplete(db: Kysely<DB>, accountId: string): Promise<boolean> {
  const row = await db.selectFrom('staff_posts')
    .select((eb) => [
      eb.fn.countAll<number>().as('posts'),
      eb.fn.countAll<number>().filterWhere((w) => w.or([w('staffing_category', 'is', null), w('rank', 'is', null), w('staff_role', 'is', null)])).as('incomplete'),
    ])
    .where('account_id', '=', accountId)
    .executeTakeFirstOrThrow();
  return Number(row.posts) > 0 && Number(row.incomplete) === 0;
}

export const profileIncomplete = () => new AppError(403, 'PROFILE_INCOMPLETE', TEXT.profileIncomplete);

export interface PostPatch {
  positionTitle?: string;
  staffingCategory?: string;
  rank?: string;
  staffRole?: string;
}

const blankToNull = (value: string | undefined) => (value === undefined ? undefined : value.normalize('NFKC').trim() || null);

/**
 * Whether the administrators of `unitId` may edit this post: the post is in their unit, or their unit is the
 * person's main unit (所在单位), whose administrator completes all of a person's posts (seed 003 §三 第五步).
 */
async function mayEditPost(db: Kysely<DB>, unitId: string, post: { unit_id: string; account_id: string }): Promise<boolean> {
  if (post.unit_id === unitId) return true;
  const main = await db.selectFrom('staff_posts').select('unit_id').where('account_id', '=', post.account_id).where('kind', '=', 'main').executeTakeFirst();
  return main?.unit_id === unitId;
}

/** PATCH a post's 人员编制 / 职级 / 人员角色 / 职务 (an empty string clears a field). */
export async function updatePost(
  ctx: AppContext, actor: SessionAccount, ids: { unitId: string; accountId: string; postId: string }, patch: PostPatch, ip: string,
): Promise<StaffView> {
  const unit = await requireUnitAdmin(ctx.db, actor, ids.unitId);
  const post = await ctx.db.selectFrom('staff_posts').select(['id', 'unit_id', 'account_id'])
    .where('id', '=', ids.postId).where('account_id', '=', ids.accountId).executeTakeFirst();
  const member = await ctx.db.selectFrom('staff_posts').select('id').where('unit_id', '=', unit.id).where('account_id', '=', ids.accountId).executeTakeFirst();
  if (!post || !member || (actor.type !== 'admin' && !(await mayEditPost(ctx.db, unit.id, post)))) {
    throw new AppError(404, 'POST_NOT_FOUND', TEXT.postNotFound);
  }
  const set = {
    position_title: blankToNull(patch.positionTitle),
    staffing_category: blankToNull(patch.staffingCategory),
    rank: blankToNull(patch.rank),
    staff_role: blankToNull(patch.staffRole),
  };
  const changed = Object.fromEntries(Object.entries(set).filter(([, v]) => v !== undefined));
  const now = ctx.now();
  await ctx.db.transaction().execute(async (trx) => {
    await trx.updateTable('staff_posts').set({ ...changed, updated_at: now }).where('id', '=', post.id).execute();
    await audit(trx, {
      actor: { id: actor.id, username: actor.username }, action: 'unit.post_update', target: { type: 'staff_post', id: post.id }, siteCode: unit.site_code, ip,
      outcome: 'success', detail: { unitId: unit.id, accountId: ids.accountId, fields: Object.keys(changed) },
    }, now);
  });
  return (await loadStaffView(ctx, unit.id, ids.accountId, actor))!;
}

/** Adds a post in this unit for a staff account that already exists (found by phone + name, as seed 003 searches). */
export async function addPostForExisting(
  ctx: AppContext, actor: SessionAccount, unitId: string,
  input: { phoneKey: string; name: string; kind: StaffPostKind } & PostPatch, ip: string,
): Promise<StaffView> {
  const unit = await requireUnitAdmin(ctx.db, actor, unitId);
  const person = await ctx.db.selectFrom('account_lookups as l').innerJoin('accounts as a', 'a.id', 'l.account_id').innerJoin('people as p', 'p.account_id', 'a.id')
    .select(['a.id', 'a.type', 'p.name']).where('l.kind', '=', 'phone').where('l.lookup', '=', input.phoneKey).executeTakeFirst();
  if (!person || person.type !== 'staff' || person.name !== input.name.trim()) throw new AppError(404, 'NO_MATCH', TEXT.personMismatch);
  const existing = await ctx.db.selectFrom('staff_posts').select(['unit_id', 'kind']).where('account_id', '=', person.id).execute();
  if (existing.some((p) => p.unit_id === unit.id)) throw new AppError(409, 'POST_EXISTS', TEXT.postExists);
  if (input.kind === 'main' && existing.some((p) => p.kind === 'main')) throw new AppError(409, 'MAIN_POST_EXISTS', TEXT.mainPostExists);
  const now = ctx.now();
  const id = uuidv7(now.getTime());
  await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto('staff_posts').values({
      id, account_id: person.id, unit_id: unit.id, kind: input.kind,
      position_title: blankToNull(input.positionTitle) ?? null, staffing_category: blankToNull(input.staffingCategory) ?? null,
      rank: blankToNull(input.rank) ?? null, staff_role: blankToNull(input.staffRole) ?? null, created_at: now, updated_at: now,
    }).execute();
    await audit(trx, {
      actor: { id: actor.id, username: actor.username }, action: 'unit.post_add', target: { type: 'staff_post', id }, siteCode: unit.site_code, ip,
      outcome: 'success', detail: { unitId: unit.id, accountId: person.id, kind: input.kind },
    }, now);
  });
  return (await loadStaffView(ctx, unit.id, person.id, actor))!;
}
