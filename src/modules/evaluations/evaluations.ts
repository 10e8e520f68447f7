import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import { AppError, errors } from '../../platform/errors.js';
import { audit } from '../../platform/audit.js';
import { requireAccount } from '../../platform/auth-guard.js';
import { currentGroupActor, isAuthorityOver, requireGroupActor } from '../groups/actor.js';
import { chinaToday, projectStatus } from '../projects/status.js';
import { EDIT_WINDOW_DAYS, TEXT } from './text.js';

const DAY_MS = 86_400_000;
const iso = (d: Date | string) => new Date(d).toISOString();

/** The average rating as shown: one decimal, null with no evaluations. */
export const shownAverage = (count: number, avg: number | string | null | undefined) =>
  count > 0 && avg != null ? Math.round(Number(avg) * 10) / 10 : null;
const editableUntil = (createdAt: Date | string) => new Date(new Date(createdAt).getTime() + EDIT_WINDOW_DAYS * DAY_MS).toISOString();

async function loadProject(ctx: AppContext, projectId: string) {
  const project = await ctx.db.selectFrom('projects').select(['site_code', 'id', 'group_id', 'region_code', 'status', 'start_date', 'end_date'])
    .where('id', '=', projectId).executeTakeFirst();
  if (!project) throw errors.notFound(TEXT.projectNotFound);
  return project;
}

/** The organising group only (level permitting record_hours); anyone else 403 NOT_ORGANISER. */
async function requireOrganiser(ctx: AppContext, request: FastifyRequest, project: { group_id: string }) {
  if (!request.auth) throw errors.unauthenticated();
  const own = await currentGroupActor(ctx, request);
  if (own?.group.id !== project.group_id) throw new AppError(403, 'NOT_ORGANISER', TEXT.notOrganiser);
  return requireGroupActor(ctx, request, 'record_hours', project.group_id);
}

/**
 * 评价: after a project the organising group rates a volunteer 1–5 with a comment, once per volunteer and project.
 * Who may be rated: a volunteer with an effective or ineffective record in the project (they served, whenever the
 * project ends), or one whose enrolment was accepted once the project has finished.
 */
export async function createEvaluation(ctx: AppContext, request: FastifyRequest, projectId: string, input: { accountId: string; rating: number; comment?: string }) {
  const project = await loadProject(ctx, projectId);
  const actor = await requireOrganiser(ctx, request, project);
  const now = ctx.now();
  const [record, enrollment] = await Promise.all([
    ctx.db.selectFrom('service_records').select('id')
      .where('site_code', '=', project.site_code).where('project_id', '=', project.id).where('account_id', '=', input.accountId)
      .where('status', 'in', ['effective', 'ineffective']).limit(1).executeTakeFirst(),
    ctx.db.selectFrom('enrollments').select('status')
      .where('site_code', '=', project.site_code).where('project_id', '=', project.id).where('account_id', '=', input.accountId).executeTakeFirst(),
  ]);
  const finished = projectStatus(project.status, project.start_date, project.end_date, chinaToday(now)) === 'finished';
  if (!record && !(enrollment?.status === 'enrolled' && finished)) {
    throw new AppError(422, 'NOT_ELIGIBLE', TEXT.notEligible, { errors: [{ field: 'accountId', code: 'NOT_ELIGIBLE' }] });
  }
  const comment = input.comment?.trim() || null;
  await ctx.db.transaction().execute(async (trx) => {
    const inserted = await trx.insertInto('evaluations').values({
      site_code: project.site_code, project_id: project.id, account_id: input.accountId, group_id: project.group_id, rating: input.rating,
      comment, created_by: actor.actor.id, created_at: now, updated_at: now,
    }).onConflict((oc) => oc.columns(['site_code', 'project_id', 'account_id']).doNothing()).returning('account_id').executeTakeFirst();
    if (!inserted) throw new AppError(409, 'EVALUATION_EXISTS', TEXT.exists);
    await audit(trx, {
      actor: actor.actor, action: 'evaluation.create', target: { type: 'project', id: project.id }, siteCode: project.site_code, ip: request.ip,
      outcome: 'success', detail: { groupId: project.group_id, accountId: input.accountId, rating: input.rating, role: actor.role },
    }, now);
  });
  return { projectId: project.id, accountId: input.accountId, rating: input.rating, comment, createdAt: iso(now), updatedAt: iso(now), editableUntil: editableUntil(now) };
}

/** Changes an evaluation, by the organising group, within EDIT_WINDOW_DAYS of writing it. */
export async function updateEvaluation(ctx: AppContext, request: FastifyRequest, projectId: string, accountId: string, input: { rating: number; comment?: string }) {
  const project = await loadProject(ctx, projectId);
  const actor = await requireOrganiser(ctx, request, project);
  const now = ctx.now();
  const comment = input.comment?.trim() || null;
  return ctx.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('evaluations').select(['rating', 'created_at'])
      .where('site_code', '=', project.site_code).where('project_id', '=', project.id).where('account_id', '=', accountId)
      .forUpdate().executeTakeFirst();
    if (!row) throw errors.notFound(TEXT.notFound);
    if (now.getTime() > new Date(row.created_at).getTime() + EDIT_WINDOW_DAYS * DAY_MS) throw new AppError(409, 'EVALUATION_LOCKED', TEXT.locked);
    await trx.updateTable('evaluations').set({ rating: input.rating, comment, updated_by: actor.actor.id, updated_at: now })
      .where('site_code', '=', project.site_code).where('project_id', '=', project.id).where('account_id', '=', accountId).execute();
    await audit(trx, {
      actor: actor.actor, action: 'evaluation.update', target: { type: 'project', id: project.id }, siteCode: project.site_code, ip: request.ip,
      outcome: 'success', detail: { groupId: project.group_id, accountId, rating: input.rating, previousRating: row.rating, role: actor.role },
    }, now);
    return { projectId: project.id, accountId, rating: input.rating, comment, createdAt: iso(row.created_at), updatedAt: iso(now), editableUntil: editableUntil(row.created_at) };
  });
}

/** A project's evaluations for its group, or an authority over the project; anyone else 403. */
export async function projectEvaluations(ctx: AppContext, request: FastifyRequest, projectId: string, page: number, pageSize: number) {
  if (!request.auth) throw errors.unauthenticated();
  const project = await loadProject(ctx, projectId);
  const own = await currentGroupActor(ctx, request);
  if (own?.group.id !== project.group_id && !(await isAuthorityOver(ctx, request, { siteCode: project.site_code, regionCode: project.region_code }))) {
    throw new AppError(403, 'NOT_ORGANISER', TEXT.notOrganiserView);
  }
  const base = ctx.db.selectFrom('evaluations as e').where('e.site_code', '=', project.site_code).where('e.project_id', '=', project.id);
  const [rows, count] = await Promise.all([
    base.innerJoin('accounts as a', 'a.id', 'e.account_id').leftJoin('people as p', 'p.account_id', 'e.account_id')
      .leftJoin('volunteer_profiles as v', 'v.account_id', 'e.account_id')
      .select(['e.account_id', 'p.name', 'a.display_name', 'v.volunteer_number', 'e.rating', 'e.comment', 'e.created_at', 'e.updated_at'])
      .orderBy('e.created_at', 'desc').orderBy('e.account_id').limit(pageSize).offset((page - 1) * pageSize).execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    items: rows.map((r) => ({
      accountId: r.account_id, volunteerName: r.name ?? r.display_name, volunteerNumber: r.volunteer_number ?? null, rating: Number(r.rating),
      comment: r.comment, createdAt: iso(r.created_at), updatedAt: iso(r.updated_at), editableUntil: editableUntil(r.created_at),
    })),
    total: Number(count.n), page, pageSize,
  };
}

/** 我的评价, for the volunteer's home page: every evaluation of the signed-in volunteer and their average rating. */
export async function myEvaluations(ctx: AppContext, request: FastifyRequest, page: number, pageSize: number) {
  const account = requireAccount(request, 'volunteer');
  const base = ctx.db.selectFrom('evaluations as e').where('e.account_id', '=', account.id);
  const [rows, summary] = await Promise.all([
    base.innerJoin('projects as pr', (j) => j.onRef('pr.site_code', '=', 'e.site_code').onRef('pr.id', '=', 'e.project_id'))
      .innerJoin('groups as g', (j) => j.onRef('g.site_code', '=', 'e.site_code').onRef('g.id', '=', 'e.group_id'))
      .select(['e.project_id', 'pr.name as project_name', 'e.group_id', 'g.name as group_name', 'e.site_code', 'e.rating', 'e.comment', 'e.created_at', 'e.updated_at'])
      .orderBy('e.created_at', 'desc').orderBy('e.project_id').limit(pageSize).offset((page - 1) * pageSize).execute(),
    base.select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.avg<number | null>('e.rating').as('avg')]).executeTakeFirstOrThrow(),
  ]);
  const n = Number(summary.n);
  return {
    items: rows.map((r) => ({
      projectId: r.project_id, projectName: r.project_name, groupId: r.group_id, groupName: r.group_name, siteCode: r.site_code,
      rating: Number(r.rating), comment: r.comment, createdAt: iso(r.created_at), updatedAt: iso(r.updated_at),
    })),
    averageRating: shownAverage(n, summary.avg),
    total: n, page, pageSize,
  };
}
