import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import { AppError, errors } from '../../platform/errors.js';
import { audit } from '../../platform/audit.js';
import { isAuthorityOver } from '../groups/actor.js';
import { loadProject } from './detail.js';
import { TEXT } from './text.js';

/**
 * 项目审核: by a system administrator or an advanced group whose jurisdiction covers the project's region; anyone
 * else (including an advanced group outside it) is told the project does not exist. One conditional UPDATE decides.
 */
export async function reviewProject(ctx: AppContext, request: FastifyRequest, id: string, input: { decision: 'approve' | 'reject'; reason?: string }) {
  if (!request.auth) throw errors.unauthenticated();
  const project = await loadProject(ctx.db, id);
  const authority = await isAuthorityOver(ctx, request, { siteCode: project.site_code, regionCode: project.region_code });
  if (!authority) throw errors.notFound(TEXT.notFound);
  if (authority.kind === 'group' && authority.actor.group.id === project.group_id) throw errors.forbidden(TEXT.cannotReviewOwn);
  const reason = input.reason?.trim() || null;
  if (input.decision === 'reject' && !reason) {
    throw new AppError(422, 'REASON_REQUIRED', TEXT.reasonRequired, { errors: [{ field: 'reason', code: 'REQUIRED' }] });
  }
  const actor = authority.kind === 'admin' ? request.auth.account : authority.actor.actor;
  const role = authority.kind === 'admin' ? 'admin' : authority.actor.role;
  const status = input.decision === 'approve' ? ('recruiting' as const) : ('rejected' as const);
  const now = ctx.now();
  await ctx.db.transaction().execute(async (trx) => {
    const updated = await trx.updateTable('projects')
      .set({ status, review_reason: reason, reviewed_at: now, reviewed_by: actor.id, updated_at: now })
      .where('site_code', '=', project.site_code).where('id', '=', id).where('status', '=', 'pending_review')
      .returning('id').executeTakeFirst();
    if (!updated) throw new AppError(409, 'PROJECT_ALREADY_REVIEWED', TEXT.alreadyReviewed);
    await audit(trx, {
      actor, action: 'project.review', target: { type: 'project', id }, siteCode: project.site_code, ip: request.ip, outcome: 'success',
      detail: { groupId: project.group_id, role, by: authority.kind === 'group' ? authority.actor.group.id : 'admin', decision: input.decision, reason },
    }, now);
  });
  return { id, status };
}
