import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import type { SessionAccount } from '../../platform/sessions.js';
import { audit } from '../../platform/audit.js';
import { AppError, errors } from '../../platform/errors.js';
import { uuidv7 } from '../../platform/ids.js';
import { requireAccount } from '../../platform/auth-guard.js';
import { currentGroupActor } from '../groups/actor.js';
import { maskName } from '../board/names.js';
import { cleanText, offsetOf, throttle, type Page } from '../board/shared.js';
import { COMMENT_LIMIT, COMMENT_WINDOW_SECONDS } from '../board/comments.js';
import { TEXT } from './text.js';

export const DISCUSSION_MAX = 500;

/** Projects the public may see (as GET /projects/{id}): everything but those under review or rejected. */
async function publicProject(ctx: AppContext, projectId: string) {
  const p = await ctx.db.selectFrom('projects').select(['site_code', 'id', 'name', 'group_id', 'status'])
    .where('id', '=', projectId).executeTakeFirst();
  if (!p || p.status === 'pending_review' || p.status === 'rejected') throw errors.notFound(TEXT.projectNotFound);
  return p;
}

/** Any signed-in account may post; same length rule and the same throttle as group board comments. */
export async function postDiscussion(ctx: AppContext, author: SessionAccount, projectId: string, rawBody: string, ip: string) {
  const body = cleanText('body', rawBody, DISCUSSION_MAX, TEXT.tooLong, TEXT.bodyEmpty);
  const project = await publicProject(ctx, projectId);
  if (project.status !== 'recruiting') throw new AppError(409, 'DISCUSSION_CLOSED', TEXT.closed);
  await throttle(ctx, `discussion.post:${author.id}`, COMMENT_WINDOW_SECONDS, COMMENT_LIMIT, 'DISCUSSION_RATE_LIMITED', TEXT.tooMany);
  const now = ctx.now();
  const id = uuidv7(now.getTime());
  await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto('project_discussions').values({
      site_code: project.site_code, id, project_id: project.id, author_account_id: author.id, body, created_at: now,
    }).execute();
    await audit(trx, {
      actor: author, action: 'project.discussion_post', target: { type: 'project_discussion', id }, siteCode: project.site_code, ip,
      outcome: 'success', detail: { projectId: project.id },
    }, now);
  });
  return { id };
}

/**
 * A project's board, newest first, visible posts only. People appear as masked names (the board is public, the name
 * personal); a group account posting is the group itself, whose name is public anyway.
 */
export async function listDiscussions(ctx: AppContext, projectId: string, query: Page) {
  const project = await publicProject(ctx, projectId);
  const base = ctx.db.selectFrom('project_discussions as d')
    .where('d.site_code', '=', project.site_code).where('d.project_id', '=', project.id).where('d.status', '=', 'visible');
  const [rows, count] = await Promise.all([
    base
      .innerJoin('accounts as a', 'a.id', 'd.author_account_id')
      .leftJoin('people as p', 'p.account_id', 'd.author_account_id')
      .select((eb) => ['d.id', 'd.body', 'd.created_at', 'a.type', eb.fn.coalesce('p.name', 'a.display_name').as('author_name')])
      .orderBy('d.created_at', 'desc').orderBy('d.id', 'desc')
      .limit(query.pageSize).offset(offsetOf(query))
      .execute(),
    base.select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    items: rows.map((r) => ({
      id: r.id, body: r.body, authorType: r.type === 'group' ? 'group' as const : 'person' as const,
      authorName: r.type === 'group' ? r.author_name : maskName(r.author_name), createdAt: r.created_at.toISOString(),
    })),
    total: Number(count.n), page: query.page, pageSize: query.pageSize,
  };
}

/**
 * Its author removes a post (status deleted: gone from every view, kept in the table); the organising group hides
 * one (status hidden: the author still sees it in 'my comments', marked hidden), audited with who acted for the group.
 * Anyone else: 403. Repeating the group's decision is harmless.
 */
export async function removeDiscussion(ctx: AppContext, request: FastifyRequest, id: string) {
  const account = requireAccount(request);
  const row = await ctx.db.selectFrom('project_discussions as d')
    .innerJoin('projects as p', (j) => j.onRef('p.site_code', '=', 'd.site_code').onRef('p.id', '=', 'd.project_id'))
    .select(['d.site_code', 'd.id', 'd.project_id', 'd.author_account_id', 'd.status', 'p.group_id'])
    .where('d.id', '=', id).executeTakeFirst();
  if (!row || row.status === 'deleted') throw errors.notFound(TEXT.discussionNotFound);
  const now = ctx.now();
  const byAuthor = row.author_account_id === account.id;
  const groupActor = byAuthor ? null : await currentGroupActor(ctx, request);
  if (!byAuthor && (!groupActor || groupActor.group.id !== row.group_id || groupActor.group.status !== 'approved')) {
    throw errors.forbidden(TEXT.notYours);
  }
  const status = byAuthor ? 'deleted' as const : 'hidden' as const;
  await ctx.db.transaction().execute(async (trx) => {
    const updated = await trx.updateTable('project_discussions')
      .set({ status, moderated_by: byAuthor ? null : groupActor!.actor.id, moderated_at: now })
      .where('site_code', '=', row.site_code).where('id', '=', row.id).where('status', '<>', 'deleted')
      .returning('id').executeTakeFirst();
    if (!updated) throw errors.notFound(TEXT.discussionNotFound);
    await audit(trx, {
      actor: groupActor ? groupActor.actor : account, action: byAuthor ? 'project.discussion_delete' : 'project.discussion_hide',
      target: { type: 'project_discussion', id: row.id }, siteCode: row.site_code, ip: request.ip, outcome: 'success',
      detail: { projectId: row.project_id, ...(groupActor ? { groupId: groupActor.group.id, role: groupActor.role } : {}) },
    }, now);
  });
}
