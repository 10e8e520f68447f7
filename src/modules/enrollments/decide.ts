import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import { AppError, errors } from '../../platform/errors.js';
import { audit } from '../../platform/audit.js';
import { requireAccount } from '../../platform/auth-guard.js';
import { requireEnrollmentManager } from './access.js';
import { addPendingProjects, lockPendingProjects, movePlaces } from './counters.js';
import { TEXT } from './text.js';

/** Enrolments are never deleted, so one seen here is still there inside the transaction (and its account exists). */
async function requireEnrollment(ctx: AppContext, siteCode: string, projectId: string, accountId: string) {
  const row = await ctx.db.selectFrom('enrollments').select('status')
    .where('site_code', '=', siteCode).where('project_id', '=', projectId).where('account_id', '=', accountId).executeTakeFirst();
  if (!row) throw errors.notFound(TEXT.enrollmentNotFound);
}

/**
 * The group (or an authority over it) approves or rejects a pending application. Either way the pending slot is
 * freed; an approval takes a place under the position lock and is refused with POSITION_FULL when none is left.
 */
export async function decideEnrollment(
  ctx: AppContext, request: FastifyRequest, projectId: string, accountId: string,
  input: { decision: 'approve' | 'reject'; reason?: string },
): Promise<{ status: 'enrolled' | 'rejected' }> {
  const reason = input.reason?.trim() || null;
  if (input.decision === 'reject' && !reason) throw errors.validation(TEXT.reasonRequired, [{ field: 'reason', code: 'REQUIRED' }]);
  const manager = await requireEnrollmentManager(ctx, request, projectId);
  const { project } = manager;
  await requireEnrollment(ctx, project.site_code, project.id, accountId);
  const status = input.decision === 'approve' ? 'enrolled' : 'rejected';
  const now = ctx.now();
  await ctx.db.transaction().execute(async (trx) => {
    // Same lock order as applying: counter, enrolment, position.
    await lockPendingProjects(trx, project.site_code, accountId);
    const existing = await trx.selectFrom('enrollments').select(['status', 'position_id'])
      .where('site_code', '=', project.site_code).where('project_id', '=', project.id).where('account_id', '=', accountId)
      .forUpdate().executeTakeFirstOrThrow();
    if (existing.status !== 'pending') throw new AppError(409, 'NOT_PENDING', TEXT.notPending, { extra: { enrollmentStatus: existing.status } });
    if (status === 'enrolled' && !(await movePlaces(trx, project.site_code, project.id, existing.position_id, 1))) {
      throw new AppError(409, 'POSITION_FULL', TEXT.positionFull);
    }
    await trx.updateTable('enrollments')
      .set({ status, reason: status === 'rejected' ? reason : null, decided_at: now, decided_by: manager.actor.id })
      .where('site_code', '=', project.site_code).where('project_id', '=', project.id).where('account_id', '=', accountId)
      .execute();
    await addPendingProjects(trx, project.site_code, accountId, -1);
    await audit(trx, {
      actor: manager.actor, action: 'project.enrollment.decide', target: { type: 'account', id: accountId }, siteCode: project.site_code, ip: request.ip,
      outcome: 'success',
      detail: { groupId: project.group_id, projectId: project.id, role: manager.role, authorityGroupId: manager.authorityGroupId, decision: input.decision },
    }, now);
  });
  return { status };
}

/** The volunteer cancels their own pending or accepted enrolment, freeing the pending slot or the place. */
export async function cancelEnrollment(ctx: AppContext, request: FastifyRequest, projectId: string): Promise<void> {
  const account = requireAccount(request, 'volunteer');
  const project = await ctx.db.selectFrom('projects').select(['site_code', 'id', 'group_id']).where('id', '=', projectId).executeTakeFirst();
  if (!project) throw errors.notFound(TEXT.projectNotFound);
  await requireEnrollment(ctx, project.site_code, project.id, account.id);
  const now = ctx.now();
  await ctx.db.transaction().execute(async (trx) => {
    await lockPendingProjects(trx, project.site_code, account.id);
    const existing = await trx.selectFrom('enrollments').select(['status', 'position_id'])
      .where('site_code', '=', project.site_code).where('project_id', '=', project.id).where('account_id', '=', account.id)
      .forUpdate().executeTakeFirstOrThrow();
    if (existing.status === 'pending') await addPendingProjects(trx, project.site_code, account.id, -1);
    else if (existing.status === 'enrolled') await movePlaces(trx, project.site_code, project.id, existing.position_id, -1);
    else throw new AppError(409, 'NOT_CANCELLABLE', TEXT.notCancellable, { extra: { enrollmentStatus: existing.status } });
    await trx.updateTable('enrollments')
      .set({ status: 'cancelled', decided_at: now, decided_by: account.id })
      .where('site_code', '=', project.site_code).where('project_id', '=', project.id).where('account_id', '=', account.id)
      .execute();
    await audit(trx, {
      actor: account, action: 'project.enrollment.cancel', target: { type: 'project', id: project.id }, siteCode: project.site_code, ip: request.ip,
      outcome: 'success', detail: { groupId: project.group_id, role: 'volunteer', was: existing.status },
    }, now);
  });
}
