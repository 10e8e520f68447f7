import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import { AppError, errors } from '../../platform/errors.js';
import { requireAccount } from '../../platform/auth-guard.js';
import { loadTraining, type TrainingRow } from './access.js';
import { TEXT } from './text.js';

function requireCourse(training: TrainingRow) {
  if (training.kind !== 'course') throw new AppError(409, 'NOT_COURSE', TEXT.notCourse);
}

/** One content page of a course; public, like the course itself. */
export async function coursePage(ctx: AppContext, id: string, n: number) {
  const training = await loadTraining(ctx, id);
  requireCourse(training);
  const page = await ctx.db.selectFrom('training_pages').select(['n', 'title', 'body'])
    .where('training_id', '=', training.id).where('n', '=', n).executeTakeFirst();
  if (!page) throw errors.notFound(TEXT.pageNotFound);
  return { trainingId: training.id, n: page.n, pageCount: training.page_count, title: page.title, body: page.body };
}

/** The volunteer's pages read and whether the course is complete. */
export async function courseProgress(ctx: AppContext, training: TrainingRow, accountId: string) {
  const [reads, done] = await Promise.all([
    ctx.db.selectFrom('training_page_reads').select('n')
      .where('site_code', '=', training.site_code).where('training_id', '=', training.id).where('account_id', '=', accountId)
      .orderBy('n').execute(),
    ctx.db.selectFrom('training_completions').select('completed_at')
      .where('site_code', '=', training.site_code).where('training_id', '=', training.id).where('account_id', '=', accountId)
      .executeTakeFirst(),
  ]);
  return {
    trainingId: training.id, pageCount: training.page_count, pagesRead: reads.map((r) => r.n),
    completed: done !== undefined, completedAt: done ? new Date(done.completed_at).toISOString() : null,
  };
}

/**
 * Marks a page read; the course completes when every page is. Each statement commits on its own, so of two parallel
 * marks for the last two pages the later count sees both and completes the course.
 */
export async function markPageRead(ctx: AppContext, request: FastifyRequest, id: string, page: number) {
  const account = requireAccount(request, 'volunteer');
  const training = await loadTraining(ctx, id);
  requireCourse(training);
  if (page > training.page_count) throw errors.validation(TEXT.pageNotFound, [{ field: 'page', code: 'OUT_OF_RANGE' }]);
  const now = ctx.now();
  const key = { site_code: training.site_code, training_id: training.id, account_id: account.id };
  await ctx.db.insertInto('training_page_reads').values({ ...key, n: page, read_at: now })
    .onConflict((oc) => oc.columns(['site_code', 'training_id', 'account_id', 'n']).doNothing()).execute();
  const read = await ctx.db.selectFrom('training_page_reads').select((eb) => eb.fn.countAll<string>().as('n'))
    .where('site_code', '=', training.site_code).where('training_id', '=', training.id).where('account_id', '=', account.id)
    .executeTakeFirstOrThrow();
  if (Number(read.n) >= training.page_count) {
    await ctx.db.insertInto('training_completions').values({ ...key, completed_at: now })
      .onConflict((oc) => oc.columns(['site_code', 'training_id', 'account_id']).doNothing()).execute();
  }
  return courseProgress(ctx, training, account.id);
}
