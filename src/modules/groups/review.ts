import type { FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import type { AppContext } from '../../platform/context.js';
import { AppError, errors } from '../../platform/errors.js';
import { audit } from '../../platform/audit.js';
import { enqueueMessage } from '../../platform/outbox/outbox.js';
import { fullName } from '../places/divisions.js';
import { currentGroupActor } from './actor.js';
import { jurisdictionOf, regionPrefix } from './jurisdiction.js';
import { groupMay } from './permissions.js';
import { actorOf, loadGroup, refuse, relationTo } from './access.js';
import { TEXT } from './text.js';

/**
 * 团体审核 (seed 002 §2.2.5.3): by a system administrator, an advanced group whose jurisdiction covers the
 * group, or the liaison group it chose. One conditional UPDATE decides, so two reviewers cannot both decide.
 * Approved legal-person groups start as intermediate, others as basic (seed 002 §1.2).
 */
export async function reviewGroup(ctx: AppContext, request: FastifyRequest, id: string, input: { decision: 'approve' | 'reject'; reason?: string }) {
  if (!request.auth) throw errors.unauthenticated();
  const group = await loadGroup(ctx.db, id);
  const rel = await relationTo(ctx, request, group);
  if (!rel.authority && !rel.liaison) refuse(group, rel, TEXT.cannotReview);
  const reason = input.reason?.trim() || null;
  if (input.decision === 'reject' && !reason) {
    throw new AppError(422, 'REASON_REQUIRED', TEXT.reasonRequired, { errors: [{ field: 'reason', code: 'REQUIRED' }] });
  }
  const who = actorOf(request, rel);
  const now = ctx.now();
  const level = input.decision === 'approve' ? (group.legal_person ? 'intermediate' : 'basic') : 'pending';
  const status = input.decision === 'approve' ? 'approved' : 'rejected';
  await ctx.db.transaction().execute(async (trx) => {
    const updated = await trx.updateTable('groups')
      .set({ status, level, review_reason: reason, reviewed_at: now, reviewed_by: who.actor.id, updated_at: now })
      .where('site_code', '=', group.site_code).where('id', '=', id).where('status', '=', 'pending')
      .returning('id').executeTakeFirst();
    if (!updated) throw new AppError(409, 'GROUP_ALREADY_REVIEWED', TEXT.alreadyReviewed);
    const params = { groupName: group.name, decision: input.decision, reason };
    await enqueueMessage(trx, ctx, { channel: 'sms', to: ctx.cipher.decrypt(group.contact_phone_enc), template: 'group_review_result', params });
    await enqueueMessage(trx, ctx, { channel: 'email', to: group.email, template: 'group_review_result', params });
    await audit(trx, {
      actor: who.actor, action: 'group.review', target: { type: 'group', id }, siteCode: group.site_code, ip: request.ip, outcome: 'success',
      detail: { groupId: id, role: who.role, by: who.by, decision: input.decision, level, reason },
    }, now);
  });
  return { id, status, level };
}

/**
 * What the caller may review, newest first: an administrator every pending group (of a site when asked);
 * an advanced group the pending groups inside its jurisdiction; any group those that chose it as liaison.
 */
export async function pendingReviews(ctx: AppContext, request: FastifyRequest, query: { siteCode?: string; page: number; pageSize: number }) {
  if (!request.auth) throw errors.unauthenticated();
  let q = ctx.db.selectFrom('groups').where('status', '=', 'pending');
  if (request.auth.account.type === 'admin') {
    if (query.siteCode) q = q.where('site_code', '=', query.siteCode);
  } else {
    const actor = await currentGroupActor(ctx, request);
    if (!actor || actor.group.status !== 'approved') throw errors.forbidden(TEXT.cannotReview);
    const prefixes = groupMay(actor.group.level, 'review_groups_in_jurisdiction')
      ? (await jurisdictionOf(ctx.db, actor.group.siteCode, actor.group.id)).regions.map((r) => `${regionPrefix(r)}%`)
      : [];
    q = q.where((eb) => eb.or([
      eb('liaison_group_id', '=', actor.group.id),
      ...(prefixes.length > 0
        ? [eb.and([eb('site_code', '=', actor.group.siteCode), sql<boolean>`region_code like any(${sql.val(prefixes)}::text[])`])]
        : []),
    ]));
  }
  const [rows, count] = await Promise.all([
    q.select(['id', 'site_code', 'name', 'legal_person', 'region_code', 'liaison_group_id', 'parent_group_id', 'created_at'])
      .orderBy('created_at', 'desc').orderBy('id', 'desc')
      .limit(query.pageSize).offset((query.page - 1) * query.pageSize).execute(),
    q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    items: rows.map((r) => ({
      id: r.id, siteCode: r.site_code, name: r.name, type: r.legal_person ? 'legal' : 'non_legal', regionCode: r.region_code,
      regionName: fullName(r.region_code), liaisonGroupId: r.liaison_group_id, parentGroupId: r.parent_group_id, createdAt: r.created_at.toISOString(),
    })),
    total: Number(count.n), page: query.page, pageSize: query.pageSize,
  };
}
