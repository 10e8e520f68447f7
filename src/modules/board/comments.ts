import type { FastifyRequest } from 'fastify';
import { sql, type Kysely } from 'kysely';
import type { AppContext } from '../../platform/context.js';
import type { DB } from '../../platform/database/schema.js';
import type { SessionAccount } from '../../platform/sessions.js';
import { audit } from '../../platform/audit.js';
import { errors } from '../../platform/errors.js';
import { uuidv7 } from '../../platform/ids.js';
import { requireGroupActor } from '../groups/actor.js';
import { myDiscussionSource } from '../discussions/mine.js';
import { maskName } from './names.js';
import { cleanText, findApprovedGroup, offsetOf, throttle, type Page } from './shared.js';
import { TEXT } from './text.js';

export const COMMENT_MAX = 500;
/** 10 comments per 10 minutes per account: enough for a conversation, too few for flooding a board. */
export const COMMENT_WINDOW_SECONDS = 600;
export const COMMENT_LIMIT = 10;

export async function postComment(ctx: AppContext, author: SessionAccount, groupId: string, rawBody: string, ip: string) {
  const body = cleanText('body', rawBody, COMMENT_MAX, TEXT.commentTooLong);
  const group = await findApprovedGroup(ctx, groupId);
  await throttle(ctx, `board.comment:${author.id}`, COMMENT_WINDOW_SECONDS, COMMENT_LIMIT, 'COMMENT_RATE_LIMITED', TEXT.commentTooMany);
  const now = ctx.now();
  const id = uuidv7(now.getTime());
  await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto('group_comments').values({
      site_code: group.siteCode, id, group_id: group.id, author_account_id: author.id, body, created_at: now,
    }).execute();
    await audit(trx, {
      actor: author, action: 'board.comment', target: { type: 'group_comment', id }, siteCode: group.siteCode, ip, outcome: 'success',
      detail: { groupId: group.id },
    }, now);
  });
  return { id };
}

/**
 * The board of a group, newest first. The public sees visible comments only; the group itself (moderate_board)
 * may ask for hidden ones too. Authors appear as a masked name only: a board is public and the name is personal.
 */
export async function listComments(ctx: AppContext, request: FastifyRequest, groupId: string, query: Page & { includeHidden?: boolean }) {
  const group = await findApprovedGroup(ctx, groupId);
  if (query.includeHidden) await requireGroupActor(ctx, request, 'moderate_board', group.id);
  let base = ctx.db
    .selectFrom('group_comments as c')
    .where('c.site_code', '=', group.siteCode)
    .where('c.group_id', '=', group.id);
  if (!query.includeHidden) base = base.where('c.status', '=', 'visible');
  const [rows, count] = await Promise.all([
    base
      .innerJoin('accounts as a', 'a.id', 'c.author_account_id')
      .leftJoin('people as p', 'p.account_id', 'c.author_account_id')
      .select((eb) => ['c.id', 'c.body', 'c.status', 'c.created_at', 'c.moderated_at', eb.fn.coalesce('p.name', 'a.display_name').as('author_name')])
      .orderBy('c.created_at', 'desc').orderBy('c.id', 'desc')
      .limit(query.pageSize).offset(offsetOf(query))
      .execute(),
    base.select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    items: rows.map((r) => ({
      id: r.id, body: r.body, authorName: maskName(r.author_name), status: r.status,
      createdAt: r.created_at.toISOString(), moderatedAt: r.moderated_at?.toISOString() ?? null,
    })),
    total: Number(count.n), page: query.page, pageSize: query.pageSize,
  };
}

/** Hides or shows one comment of the caller's group; repeating the same decision is harmless. */
export async function moderateComment(ctx: AppContext, request: FastifyRequest, groupId: string, commentId: string, status: 'visible' | 'hidden') {
  const actor = await requireGroupActor(ctx, request, 'moderate_board', groupId);
  const now = ctx.now();
  return ctx.db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('group_comments')
      .set({ status, moderated_by: actor.actor.id, moderated_at: now })
      .where('site_code', '=', actor.group.siteCode)
      .where('group_id', '=', actor.group.id)
      .where('id', '=', commentId)
      .returning(['id', 'status'])
      .executeTakeFirst();
    if (!updated) throw errors.notFound(TEXT.commentNotFound);
    await audit(trx, {
      actor: actor.actor, action: status === 'hidden' ? 'group.comment_hide' : 'group.comment_show',
      target: { type: 'group_comment', id: commentId }, siteCode: actor.group.siteCode, ip: request.ip, outcome: 'success',
      detail: { groupId: actor.group.id, role: actor.role },
    }, now);
    return { id: updated.id, status: updated.status };
  });
}

/**
 * Everything a person has written on boards, as rows of one shape: group board comments (留言) and project
 * discussions (讨论, seed 002 §2.1.6.3). listMyComments unions them, so paging and ordering stay in the database;
 * another kind of board joins by adding one more select of the same columns here.
 */
function myCommentSources(db: Kysely<DB>, accountId: string) {
  const groupComments = db
    .selectFrom('group_comments as c')
    .innerJoin('groups as g', (j) => j.onRef('g.site_code', '=', 'c.site_code').onRef('g.id', '=', 'c.group_id'))
    .where('c.author_account_id', '=', accountId)
    .select([
      sql<'group' | 'project'>`'group'::text`.as('target_type'),
      'c.id', 'c.group_id as target_id', 'g.name as target_name', 'c.body', 'c.status', 'c.created_at',
    ]);
  return [groupComments, myDiscussionSource(db, accountId)] as const;
}

export async function listMyComments(ctx: AppContext, account: SessionAccount, query: Page) {
  const [first, ...rest] = myCommentSources(ctx.db, account.id);
  const all = rest.reduce((union, source) => union.unionAll(source), first).as('mine');
  const [rows, count] = await Promise.all([
    ctx.db.selectFrom(all).selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(query.pageSize).offset(offsetOf(query)).execute(),
    ctx.db.selectFrom(all).select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    items: rows.map((r) => ({
      id: r.id, targetType: r.target_type, targetId: r.target_id, targetName: r.target_name, body: r.body, status: r.status,
      createdAt: new Date(r.created_at).toISOString(),
    })),
    total: Number(count.n), page: query.page, pageSize: query.pageSize,
  };
}
