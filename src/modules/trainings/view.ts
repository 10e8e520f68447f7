import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import { requireAccount } from '../../platform/auth-guard.js';
import type { AttemptStatus, TrainingKind } from '../../platform/database/schema-trainings.js';
import { NATIONAL_SITE } from '../places/sites.js';
import { loadTraining, type TrainingRow } from './access.js';
import { courseProgress } from './course.js';
import { attemptsOf, nextAttemptRule, retryAt } from './exam.js';

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

function summary(r: TrainingRow) {
  return {
    id: r.id, kind: r.kind, siteCode: r.site_code, title: r.title, description: r.description,
    provider: { type: r.group_id ? 'group' as const : 'platform' as const, groupId: r.group_id, name: r.provider_name },
    regionCode: r.region_code, startsAt: iso(r.starts_at), endsAt: iso(r.ends_at), address: r.address, capacity: r.capacity,
    registeredCount: r.kind === 'offline' ? r.registered_count : null, pageCount: r.kind === 'course' ? r.page_count : null,
    exam: r.kind === 'exam'
      ? { questionCount: r.question_count!, timeLimitMinutes: r.time_limit_minutes!, passMark: r.pass_mark!, maxAttempts: r.max_attempts!, retakeAfterHours: r.retake_after_hours! }
      : null,
    createdAt: iso(r.created_at)!,
  };
}

export interface ListQuery { siteCode?: string; kind?: TrainingKind; groupId?: string; upcoming?: boolean; page: number; pageSize: number }

/**
 * Public list. siteCode keeps that site's trainings and the platform-wide ones; upcoming keeps offline trainings not yet
 * started, soonest first (otherwise newest first).
 */
export async function listTrainings(ctx: AppContext, q: ListQuery) {
  let query = ctx.db.selectFrom('trainings');
  if (q.siteCode) query = query.where('site_code', 'in', [...new Set([q.siteCode, NATIONAL_SITE.code])]);
  if (q.kind) query = query.where('kind', '=', q.kind);
  if (q.groupId) query = query.where('group_id', '=', q.groupId);
  if (q.upcoming) query = query.where('kind', '=', 'offline').where('starts_at', '>', ctx.now());
  const ordered = q.upcoming ? query.selectAll().orderBy('starts_at').orderBy('id') : query.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc');
  const [rows, count] = await Promise.all([
    ordered.limit(q.pageSize).offset((q.page - 1) * q.pageSize).execute(),
    query.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(summary), total: Number(count.n), page: q.page, pageSize: q.pageSize };
}

/** Detail: page titles of a course, and for a signed-in volunteer where they stand (registration, pages, attempts). */
export async function trainingDetail(ctx: AppContext, request: FastifyRequest, id: string) {
  const training = await loadTraining(ctx, id);
  const pages = training.kind === 'course'
    ? await ctx.db.selectFrom('training_pages').select(['n', 'title']).where('training_id', '=', training.id).orderBy('n').execute()
    : [];
  const account = request.auth?.account.type === 'volunteer' ? request.auth.account : null;
  return { ...summary(training), pages, mine: account ? await mine(ctx, training, account.id) : null };
}

async function mine(ctx: AppContext, training: TrainingRow, accountId: string) {
  const completion = await ctx.db.selectFrom('training_completions').select(['completed_at', 'score'])
    .where('site_code', '=', training.site_code).where('training_id', '=', training.id).where('account_id', '=', accountId).executeTakeFirst();
  const base = { completedAt: iso(completion?.completed_at ?? null), score: completion?.score ?? null,
    registered: null as boolean | null, attended: null as boolean | null, pagesRead: null as number[] | null,
    attempts: null as { id: string; status: AttemptStatus; startedAt: string; finishedAt: string | null; score: number | null }[] | null,
    nextAttempt: null as { allowed: boolean; code: string | null; at: string | null } | null };
  if (training.kind === 'offline') {
    const reg = await ctx.db.selectFrom('training_registrations').select('attended')
      .where('site_code', '=', training.site_code).where('training_id', '=', training.id).where('account_id', '=', accountId).executeTakeFirst();
    return { ...base, registered: reg !== undefined, attended: reg?.attended ?? null };
  }
  if (training.kind === 'course') return { ...base, pagesRead: (await courseProgress(ctx, training, accountId)).pagesRead };
  const attempts = await attemptsOf(ctx, training, accountId);
  const refused = nextAttemptRule(training, attempts);
  const wait = refused ? null : retryAt(training, attempts);
  const at = wait && wait > ctx.now() ? wait.toISOString() : null;
  return {
    ...base,
    attempts: attempts.map((a) => ({ id: a.id, status: a.status, startedAt: iso(a.started_at)!, finishedAt: iso(a.finished_at), score: a.score })),
    nextAttempt: { allowed: !refused && !at, code: refused?.code ?? (at ? 'RETAKE_TOO_SOON' : null), at },
  };
}

/**
 * 'My trainings' (seed 002 §2.1.6.6): completed offline trainings, completed courses and passed exams, newest first.
 * score is the best exam score in percent, null for the other kinds.
 */
export async function myTrainings(ctx: AppContext, request: FastifyRequest, q: { kind?: TrainingKind; page: number; pageSize: number }) {
  const account = requireAccount(request, 'volunteer');
  let query = ctx.db.selectFrom('training_completions as c')
    .innerJoin('trainings as t', (j) => j.onRef('t.site_code', '=', 'c.site_code').onRef('t.id', '=', 'c.training_id'))
    .where('c.account_id', '=', account.id);
  if (q.kind) query = query.where('t.kind', '=', q.kind);
  const [rows, count] = await Promise.all([
    query.select(['t.id', 't.kind', 't.title', 't.group_id', 't.provider_name', 'c.completed_at', 'c.score'])
      .orderBy('c.completed_at', 'desc').orderBy('t.id').limit(q.pageSize).offset((q.page - 1) * q.pageSize).execute(),
    query.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    items: rows.map((r) => ({
      trainingId: r.id, kind: r.kind, title: r.title,
      provider: { type: r.group_id ? 'group' as const : 'platform' as const, groupId: r.group_id, name: r.provider_name },
      completedAt: iso(r.completed_at)!, score: r.score,
    })),
    total: Number(count.n), page: q.page, pageSize: q.pageSize,
  };
}
