import type { FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import type { AppContext } from '../../platform/context.js';
import { AppError, errors, type FieldProblem } from '../../platform/errors.js';
import { audit } from '../../platform/audit.js';
import { hashPassword } from '../../platform/passwords.js';
import { publishingActor, checkRecruitment } from './publish.js';
import { loadProject } from './detail.js';
import { chinaToday, inChina, projectStatus } from './status.js';
import { TEXT } from './text.js';
import { addPendingProjects, lockPendingProjects } from '../enrollments/counters.js';
import { enqueueMessages, normaliseRecipient, type OutboxMessageInput } from '../../platform/outbox/outbox.js';
import type { TemplateParams } from '../../platform/outbox/templates.js';
import type { Database } from '../../platform/database/database.js';

export interface EditInput {
  description?: string;
  address?: string;
  location?: { lat: number; lng: number } | null;
  recruitFrom?: string;
  recruitTo?: string;
  exemptPassword?: string | null;
  positions?: { id: string; quota: number }[];
}

/** The project as its own group may change it: another group's project does not exist for it. */
async function ownProject(ctx: AppContext, request: FastifyRequest, id: string) {
  const { actor } = await publishingActor(ctx, request);
  const project = await loadProject(ctx.db, id);
  if (project.group_id !== actor.group.id) throw errors.notFound(TEXT.notFound);
  return { actor, project };
}

/**
 * The few things a group may change after publishing: the description, where, the recruitment window, the exempt
 * password and position quotas (never below those already enrolled). Name, dates and category would change what
 * reviewers and enrolled volunteers agreed to, so they stay.
 */
export async function editProject(ctx: AppContext, request: FastifyRequest, id: string, input: EditInput) {
  const { actor, project } = await ownProject(ctx, request, id);
  const now = ctx.now();
  const shown = projectStatus(project.status, project.start_date, project.end_date, chinaToday(now));
  if (!['pending_review', 'recruiting', 'in_progress'].includes(shown)) throw new AppError(409, 'PROJECT_NOT_EDITABLE', TEXT.notEditable);
  const problems: FieldProblem[] = [];
  if (input.address !== undefined && !input.address.trim()) problems.push({ field: 'address', code: 'REQUIRED' });
  if (input.location && !inChina(input.location)) problems.push({ field: 'location', code: 'OUTSIDE_CHINA' });
  const recruitFrom = input.recruitFrom ?? project.recruit_from;
  const recruitTo = input.recruitTo ?? project.recruit_to;
  if (input.recruitFrom !== undefined || input.recruitTo !== undefined) checkRecruitment(problems, recruitFrom, recruitTo, project.end_date);
  if (problems.length > 0) throw errors.validation(TEXT.invalid, problems);
  const exemptHash = input.exemptPassword === undefined ? undefined : input.exemptPassword === null ? null : await hashPassword(input.exemptPassword);

  await ctx.db.transaction().execute(async (trx) => {
    // Locked so a quota change and an enrolment cannot pass each other.
    await trx.selectFrom('projects').select('id').where('site_code', '=', project.site_code).where('id', '=', id).forUpdate().executeTakeFirstOrThrow();
    for (const [i, p] of (input.positions ?? []).entries()) {
      const row = await trx.selectFrom('positions').select(['quota', 'enrolled_count'])
        .where('site_code', '=', project.site_code).where('project_id', '=', id).where('id', '=', p.id).forUpdate().executeTakeFirst();
      if (!row) throw errors.validation(TEXT.invalid, [{ field: `positions.${i}.id`, code: 'UNKNOWN_POSITION' }]);
      if (p.quota < row.enrolled_count) {
        throw new AppError(409, 'QUOTA_BELOW_ENROLLED', TEXT.quotaBelowEnrolled, { errors: [{ field: `positions.${i}.quota`, code: 'BELOW_ENROLLED' }] });
      }
      await trx.updateTable('positions').set({ quota: p.quota })
        .where('site_code', '=', project.site_code).where('project_id', '=', id).where('id', '=', p.id).execute();
    }
    await trx.updateTable('projects').set({
      ...(input.description !== undefined ? { description: input.description.trim() } : {}),
      ...(input.address !== undefined ? { address: input.address.trim() } : {}),
      ...(input.location !== undefined ? { lat: input.location?.lat ?? null, lng: input.location?.lng ?? null } : {}),
      ...(exemptHash !== undefined ? { exempt_password_hash: exemptHash } : {}),
      recruit_from: recruitFrom, recruit_to: recruitTo, updated_at: now,
      total_quota: sql<number>`(select sum(quota) from positions where site_code = ${project.site_code} and project_id = ${id})`,
    }).where('site_code', '=', project.site_code).where('id', '=', id).execute();
    await audit(trx, {
      actor: actor.actor, action: 'project.edit', target: { type: 'project', id }, siteCode: project.site_code, ip: request.ip, outcome: 'success',
      detail: { groupId: actor.group.id, role: actor.role, fields: Object.keys(input).filter((k) => (input as Record<string, unknown>)[k] !== undefined) },
    }, now);
  });
  return { id };
}

/**
 * Cancelling by the group, with a reason shown on the project. Pending applications end with it and give their
 * volunteers' pending slots back; locks follow the enrolment order (volunteer counters, then rows, then project).
 */
export async function cancelProject(ctx: AppContext, request: FastifyRequest, id: string, input: { reason: string }) {
  const { actor, project } = await ownProject(ctx, request, id);
  const reason = input.reason.trim();
  if (!reason) throw new AppError(422, 'REASON_REQUIRED', TEXT.cancelReasonRequired, { errors: [{ field: 'reason', code: 'REQUIRED' }] });
  const now = ctx.now();
  const today = chinaToday(now);
  await ctx.db.transaction().execute(async (trx) => {
    const pending = await trx.selectFrom('enrollments').select('account_id')
      .where('site_code', '=', project.site_code).where('project_id', '=', id).where('status', '=', 'pending')
      .orderBy('account_id').execute();
    for (const p of pending) await lockPendingProjects(trx, project.site_code, p.account_id);
    const updated = await trx.updateTable('projects').set({ status: 'cancelled', cancel_reason: reason, updated_at: now })
      .where('site_code', '=', project.site_code).where('id', '=', id)
      .where((eb) => eb.or([eb('status', '=', 'pending_review'), eb.and([eb('status', '=', 'recruiting'), eb('end_date', '>=', today)])]))
      .returning('id').executeTakeFirst();
    if (!updated) throw new AppError(409, 'PROJECT_NOT_CANCELLABLE', TEXT.notCancellable);
    // Before the pending applications close, so the enrolled and those still waiting both hear it with the cancellation.
    const told = await tellEnrolled(trx, ctx, project.site_code, id, { projectName: project.name, groupName: actor.group.name, reason });
    if (pending.length > 0) {
      await trx.updateTable('enrollments').set({ status: 'cancelled', reason, decided_at: now })
        .where('site_code', '=', project.site_code).where('project_id', '=', id).where('status', '=', 'pending').execute();
      for (const p of pending) await addPendingProjects(trx, project.site_code, p.account_id, -1);
    }
    await audit(trx, {
      actor: actor.actor, action: 'project.cancel', target: { type: 'project', id }, siteCode: project.site_code, ip: request.ip, outcome: 'success',
      detail: { groupId: actor.group.id, role: actor.role, reason, releasedApplications: pending.length, told },
    }, now);
  });
  return { id, status: 'cancelled' as const };
}

/**
 * One message to each enrolled or pending volunteer, in the cancelling transaction: SMS to their phone, else e-mail.
 * Someone with neither is counted as unreachable for the audit entry.
 */
async function tellEnrolled(trx: Database, ctx: AppContext, siteCode: string, projectId: string, params: TemplateParams['project_cancelled']) {
  const people = await trx.selectFrom('enrollments as e')
    .leftJoin('people as p', 'p.account_id', 'e.account_id')
    .select(['e.account_id', 'p.phone_enc', 'p.email'])
    .where('e.site_code', '=', siteCode).where('e.project_id', '=', projectId).where('e.status', 'in', ['enrolled', 'pending'])
    .orderBy('e.account_id').execute();
  const messages: OutboxMessageInput<'project_cancelled'>[] = [];
  for (const person of people) {
    const phone = person.phone_enc ? ctx.cipher.decrypt(person.phone_enc) : null;
    if (phone && normaliseRecipient('sms', phone)) messages.push({ channel: 'sms', to: phone, template: 'project_cancelled', params });
    else if (person.email && normaliseRecipient('email', person.email)) messages.push({ channel: 'email', to: person.email, template: 'project_cancelled', params });
  }
  await enqueueMessages(trx, ctx, messages);
  return { messages: messages.length, unreachable: people.length - messages.length };
}
