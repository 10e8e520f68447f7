import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import { AppError, errors } from '../../platform/errors.js';
import { audit } from '../../platform/audit.js';
import { requireAccount } from '../../platform/auth-guard.js';
import { hitWindow } from '../../platform/rate-limit.js';
import { verifyPassword } from '../../platform/passwords.js';
import { chinaToday, projectStatus } from '../projects/status.js';
import { lockPersonRow } from '../accounts/person-lock.js';
import { addPendingProjects, lockPendingProjects, movePlaces } from './counters.js';
import { PENDING_PROJECT_LIMIT, TEXT } from './text.js';

const EXEMPT_WINDOW_SECONDS = 3600;
const EXEMPT_ATTEMPTS = 5;

/**
 * A volunteer applies for a position (seed 002 §2.1.8.1): pending until the group decides, or enrolled at once
 * with the project's exempt-review password. Pending applications are limited per site; places only when taken.
 */
export async function applyForPosition(
  ctx: AppContext, request: FastifyRequest, projectId: string, input: { positionId: string; exemptPassword?: string },
): Promise<{ status: 'pending' | 'enrolled' }> {
  const account = requireAccount(request, 'volunteer');
  const project = await ctx.db.selectFrom('projects').selectAll().where('id', '=', projectId).executeTakeFirst();
  // Unpublished projects are not public: the same 404 as an unknown id.
  if (!project || project.status === 'pending_review' || project.status === 'rejected') throw errors.notFound(TEXT.projectNotFound);
  const today = chinaToday(ctx.now());
  if (projectStatus(project.status, project.start_date, project.end_date, today) !== 'recruiting'
    || today < project.recruit_from || today > project.recruit_to) {
    throw new AppError(409, 'PROJECT_NOT_RECRUITING', TEXT.notRecruiting);
  }
  const position = await ctx.db.selectFrom('positions').select('id')
    .where('site_code', '=', project.site_code).where('project_id', '=', project.id).where('id', '=', input.positionId).executeTakeFirst();
  if (!position) throw errors.validation(TEXT.positionNotFound, [{ field: 'positionId', code: 'UNKNOWN' }]);

  const person = await ctx.db.selectFrom('people').select('realname_status').where('account_id', '=', account.id).executeTakeFirst();
  if (person?.realname_status !== 'verified') throw new AppError(403, 'REALNAME_REQUIRED', TEXT.realnameRequired);
  if (project.enrollment_scope === 'members') {
    const member = await ctx.db.selectFrom('group_members').select('status')
      .where('site_code', '=', project.site_code).where('group_id', '=', project.group_id).where('account_id', '=', account.id)
      .executeTakeFirst();
    if (member?.status !== 'joined') throw new AppError(403, 'MEMBERS_ONLY', TEXT.membersOnly);
  }

  const base = { actor: account, target: { type: 'project', id: project.id }, siteCode: project.site_code, ip: request.ip };
  let via: 'application' | 'exempt_password' = 'application';
  if (input.exemptPassword) {
    // Counted before checking so that guessing costs an attempt whether or not it is right.
    const hit = await hitWindow(ctx.db, `project-exempt:${project.id}:${account.id}`, EXEMPT_WINDOW_SECONDS, EXEMPT_ATTEMPTS, ctx.now());
    if (!hit.allowed) throw errors.tooMany('EXEMPT_PASSWORD_THROTTLED', TEXT.exemptThrottled, hit.retryAfter);
    if (!project.exempt_password_hash || !(await verifyPassword(project.exempt_password_hash, input.exemptPassword))) {
      await audit(ctx.db, { ...base, action: 'project.enrollment.apply', outcome: 'failure', detail: { groupId: project.group_id, role: 'volunteer', reason: 'exempt_password_wrong' } }, ctx.now());
      throw new AppError(422, 'EXEMPT_PASSWORD_WRONG', TEXT.exemptWrong, { errors: [{ field: 'exemptPassword', code: 'WRONG' }] });
    }
    via = 'exempt_password';
  }
  const status: 'pending' | 'enrolled' = via === 'exempt_password' ? 'enrolled' : 'pending';
  const now = ctx.now();

  await ctx.db.transaction().execute(async (trx) => {
    // The person first (as a record transfer does), then the site counter: a transfer never interleaves with this.
    await lockPersonRow(trx, account.id);
    const pending = await lockPendingProjects(trx, project.site_code, account.id);
    const existing = await trx.selectFrom('enrollments').select('status')
      .where('site_code', '=', project.site_code).where('project_id', '=', project.id).where('account_id', '=', account.id)
      .forUpdate().executeTakeFirst();
    if (existing?.status === 'enrolled') throw new AppError(409, 'ALREADY_ENROLLED', TEXT.alreadyEnrolled);
    if (existing?.status === 'pending') throw new AppError(409, 'ALREADY_APPLIED', TEXT.alreadyApplied);
    if (status === 'pending' && pending >= PENDING_PROJECT_LIMIT) {
      throw new AppError(409, 'PENDING_PROJECT_LIMIT', TEXT.limitReached, { extra: { limit: PENDING_PROJECT_LIMIT, used: pending, siteCode: project.site_code } });
    }
    if (status === 'enrolled' && !(await movePlaces(trx, project.site_code, project.id, input.positionId, 1))) {
      throw new AppError(409, 'POSITION_FULL', TEXT.positionFull);
    }
    const row = { position_id: input.positionId, status, via, reason: null, applied_at: now, decided_at: status === 'enrolled' ? now : null, decided_by: null };
    await trx.insertInto('enrollments')
      .values({ site_code: project.site_code, project_id: project.id, account_id: account.id, ...row })
      .onConflict((oc) => oc.columns(['site_code', 'project_id', 'account_id']).doUpdateSet(row))
      .execute();
    if (status === 'pending') await addPendingProjects(trx, project.site_code, account.id, 1);
    await audit(trx, { ...base, action: 'project.enrollment.apply', outcome: 'success', detail: { groupId: project.group_id, role: 'volunteer', positionId: input.positionId, status, via } }, now);
  });
  return { status };
}
