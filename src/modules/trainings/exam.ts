import type { FastifyRequest } from 'fastify';
import { randomInt } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { AppContext } from '../../platform/context.js';
import type { DB } from '../../platform/database/schema.js';
import type { AttemptStatus, QuestionType } from '../../platform/database/schema-trainings.js';
import { AppError, errors, type FieldProblem } from '../../platform/errors.js';
import { requireAccount } from '../../platform/auth-guard.js';
import { uuidv7 } from '../../platform/ids.js';
import { loadTraining, type TrainingRow } from './access.js';
import { chinaTime, SUBMIT_GRACE_MS, TEXT } from './text.js';

export interface BankQuestion { id: string; type: QuestionType; text: string; options: string[]; answer: number[] }

/**
 * Automatic scoring: a question is right when the chosen indexes are exactly its answer (multiple choice is
 * all-or-nothing); unanswered is wrong. Score is a whole percent; passing compares exactly (correct / count ≥ passMark %).
 */
export function scoreAnswers(questions: BankQuestion[], answers: Record<string, number[]>, passMark: number) {
  const results = questions.map((q) => {
    const chosen = [...new Set(answers[q.id] ?? [])].sort((a, b) => a - b);
    const correct = chosen.length === q.answer.length && chosen.every((c, i) => c === q.answer[i]);
    return { id: q.id, chosen, correct };
  });
  const correctCount = results.filter((r) => r.correct).length;
  const n = questions.length;
  return { results, correctCount, score: Math.round((correctCount * 100) / n), passed: correctCount * 100 >= passMark * n };
}

function requireExam(training: TrainingRow) {
  if (training.kind !== 'exam') throw new AppError(409, 'NOT_EXAM', TEXT.notExam);
}

/** Attempts left open past their time (and the grace) are closed as expired: they count as failed attempts. */
async function closeExpired(db: Kysely<DB>, trainingId: string, accountId: string, now: Date) {
  await db.updateTable('exam_attempts')
    .set({ status: 'expired', finished_at: sql<Date>`expires_at`, score: 0, correct_count: 0 })
    .where('training_id', '=', trainingId).where('account_id', '=', accountId).where('status', '=', 'open')
    .where('expires_at', '<', new Date(now.getTime() - SUBMIT_GRACE_MS)).execute();
}

type AttemptRow = { id: string; training_id: string; question_ids: string[]; started_at: Date; expires_at: Date; status: AttemptStatus;
  finished_at: Date | null; answers: Record<string, number[]> | null; correct_count: number | null; score: number | null };

/** What the volunteer sees of an attempt. Correct answers never leave the server; after it closes, whether each was right. */
async function attemptView(db: Kysely<DB>, training: TrainingRow, attempt: AttemptRow) {
  const rows = await db.selectFrom('training_questions').select(['id', 'type', 'text', 'options', 'answer'])
    .where('training_id', '=', attempt.training_id).where('id', 'in', attempt.question_ids).execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  const questions = attempt.question_ids.map((id) => byId.get(id)!);
  const closed = attempt.status !== 'open';
  const scored = closed ? scoreAnswers(questions, attempt.answers ?? {}, training.pass_mark!) : null;
  return {
    id: attempt.id, trainingId: training.id, title: training.title, status: attempt.status,
    startedAt: new Date(attempt.started_at).toISOString(), expiresAt: new Date(attempt.expires_at).toISOString(),
    finishedAt: attempt.finished_at ? new Date(attempt.finished_at).toISOString() : null,
    questionCount: questions.length, passMark: training.pass_mark!, score: attempt.score, correctCount: attempt.correct_count,
    passed: closed ? attempt.status === 'passed' : null,
    questions: questions.map((q, i) => ({
      id: q.id, type: q.type, text: q.text, options: q.options,
      chosen: scored ? scored.results[i]!.chosen : null, correct: scored ? scored.results[i]!.correct : null,
    })),
  };
}

/** The volunteer's attempts at an exam, oldest first, with expired ones closed. */
export async function attemptsOf(ctx: AppContext, training: TrainingRow, accountId: string) {
  await closeExpired(ctx.db, training.id, accountId, ctx.now());
  return ctx.db.selectFrom('exam_attempts').select(['id', 'status', 'started_at', 'expires_at', 'finished_at', 'score'])
    .where('training_id', '=', training.id).where('account_id', '=', accountId).orderBy('started_at').orderBy('id').execute();
}

/** Why no further attempt may start (an open one, a pass, no attempts left), or null. */
export function nextAttemptRule(training: TrainingRow, attempts: Awaited<ReturnType<typeof attemptsOf>>): { code: string; title: string; extra: Record<string, unknown> } | null {
  const open = attempts.find((a) => a.status === 'open');
  if (open) return { code: 'ATTEMPT_OPEN', title: TEXT.attemptOpen, extra: { attemptId: open.id } };
  if (attempts.some((a) => a.status === 'passed')) return { code: 'ALREADY_PASSED', title: TEXT.alreadyPassed, extra: {} };
  if (attempts.length >= training.max_attempts!) {
    return { code: 'MAX_ATTEMPTS_REACHED', title: TEXT.maxAttempts(training.max_attempts!), extra: { maxAttempts: training.max_attempts } };
  }
  return null;
}

export function retryAt(training: TrainingRow, attempts: Awaited<ReturnType<typeof attemptsOf>>): Date | null {
  const last = attempts.at(-1);
  if (!last) return null;
  return new Date(new Date(last.finished_at ?? last.expires_at).getTime() + training.retake_after_hours! * 3_600_000);
}

/**
 * Starts an attempt: questionCount questions drawn at random from the bank, without their answers. One open attempt
 * at a time is a partial unique index, so of parallel starts one wins and the others get 409 ATTEMPT_OPEN; the
 * attempt count and the retake wait are read after closing expired attempts, and hold because only one can be open.
 */
export async function startAttempt(ctx: AppContext, request: FastifyRequest, id: string) {
  const account = requireAccount(request, 'volunteer');
  const training = await loadTraining(ctx, id);
  requireExam(training);
  const now = ctx.now();
  const attempts = await attemptsOf(ctx, training, account.id);
  const refused = nextAttemptRule(training, attempts);
  if (refused) throw new AppError(409, refused.code, refused.title, { extra: refused.extra });
  const wait = retryAt(training, attempts);
  if (wait && wait > now) {
    throw new AppError(409, 'RETAKE_TOO_SOON', TEXT.retakeTooSoon(chinaTime(wait)), { extra: { retryAt: wait.toISOString() } });
  }
  const bank = (await ctx.db.selectFrom('training_questions').select('id').where('training_id', '=', training.id).execute()).map((q) => q.id);
  for (let i = bank.length - 1; i > 0; i -= 1) {
    const j = randomInt(i + 1);
    [bank[i], bank[j]] = [bank[j]!, bank[i]!];
  }
  const questionIds = bank.slice(0, training.question_count!);
  const attempt: AttemptRow = {
    id: uuidv7(now.getTime()), training_id: training.id, question_ids: questionIds, started_at: now,
    expires_at: new Date(now.getTime() + training.time_limit_minutes! * 60_000), status: 'open', finished_at: null, answers: null,
    correct_count: null, score: null,
  };
  try {
    await ctx.db.insertInto('exam_attempts').values({
      site_code: training.site_code, id: attempt.id, training_id: training.id, account_id: account.id,
      question_ids: JSON.stringify(questionIds), started_at: now, expires_at: attempt.expires_at, status: 'open',
    }).execute();
  } catch (error) {
    const e = error as { code?: string; constraint?: string; message?: string };
    if (e?.code === '23505' && (e.constraint === 'exam_attempts_one_open' || (e.message ?? '').includes('exam_attempts_one_open'))) {
      throw new AppError(409, 'ATTEMPT_OPEN', TEXT.attemptOpen);
    }
    throw error;
  }
  return attemptView(ctx.db, training, attempt);
}

async function ownAttempt(db: Kysely<DB>, accountId: string, attemptId: string, lock: boolean) {
  let query = db.selectFrom('exam_attempts')
    .select(['site_code', 'id', 'training_id', 'account_id', 'question_ids', 'started_at', 'expires_at', 'status', 'finished_at', 'answers', 'correct_count', 'score'])
    .where('id', '=', attemptId);
  if (lock) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  // Another person's attempt is as unknown as a missing one.
  if (!row || row.account_id !== accountId) throw errors.notFound(TEXT.attemptNotFound);
  return row;
}

/**
 * Submits the answer sheet: scored at once, passed when the score reaches the pass mark (a pass is a completion, best
 * score kept). After expiresAt + SUBMIT_GRACE_MS the sheet is refused (409 ATTEMPT_EXPIRED) and the attempt closes
 * as expired, a failed attempt.
 */
export async function submitAttempt(ctx: AppContext, request: FastifyRequest, attemptId: string, answers: Record<string, number[]>) {
  const account = requireAccount(request, 'volunteer');
  const now = ctx.now();
  const outcome = await ctx.db.transaction().execute(async (trx) => {
    const attempt = await ownAttempt(trx, account.id, attemptId, true);
    if (attempt.status !== 'open') throw new AppError(409, 'ATTEMPT_CLOSED', TEXT.attemptClosed);
    const training = await trx.selectFrom('trainings').selectAll().where('id', '=', attempt.training_id).executeTakeFirstOrThrow();
    const key = (q: any) => q.where('site_code', '=', attempt.site_code).where('id', '=', attempt.id);
    if (now.getTime() > new Date(attempt.expires_at).getTime() + SUBMIT_GRACE_MS) {
      await key(trx.updateTable('exam_attempts').set({ status: 'expired', finished_at: attempt.expires_at, score: 0, correct_count: 0 })).execute();
      return { expired: true as const };
    }
    const rows = await trx.selectFrom('training_questions').select(['id', 'type', 'text', 'options', 'answer'])
      .where('training_id', '=', attempt.training_id).where('id', 'in', attempt.question_ids).execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    const problems: FieldProblem[] = [];
    for (const [qid, chosen] of Object.entries(answers)) {
      const q = byId.get(qid);
      if (!q) problems.push({ field: `answers.${qid}`, code: 'UNKNOWN_QUESTION' });
      else if (q.type !== 'multiple' && new Set(chosen).size > 1) problems.push({ field: `answers.${qid}`, code: 'ONE_ANSWER' });
      else if (chosen.some((c) => c >= q.options.length)) problems.push({ field: `answers.${qid}`, code: 'OUT_OF_RANGE' });
    }
    if (problems.length > 0) throw errors.validation(TEXT.answersInvalid, problems);
    const questions = attempt.question_ids.map((id) => byId.get(id)!);
    const scored = scoreAnswers(questions, answers, training.pass_mark!);
    const status = scored.passed ? 'passed' as const : 'failed' as const;
    const kept = Object.fromEntries(attempt.question_ids.filter((q) => answers[q]).map((q) => [q, answers[q]!]));
    await key(trx.updateTable('exam_attempts').set({
      status, finished_at: now, answers: JSON.stringify(kept), correct_count: scored.correctCount, score: scored.score,
    })).execute();
    if (scored.passed) {
      await trx.insertInto('training_completions')
        .values({ site_code: training.site_code, training_id: training.id, account_id: account.id, completed_at: now, score: scored.score })
        .onConflict((oc) => oc.columns(['site_code', 'training_id', 'account_id'])
          .doUpdateSet({ score: sql<number>`greatest(training_completions.score, excluded.score)` }))
        .execute();
    }
    return {
      expired: false as const, training,
      attempt: { ...attempt, status, finished_at: now, answers: kept, correct_count: scored.correctCount, score: scored.score },
    };
  });
  if (outcome.expired) throw new AppError(409, 'ATTEMPT_EXPIRED', TEXT.attemptExpired);
  return attemptView(ctx.db, outcome.training, outcome.attempt);
}

/** One of the volunteer's attempts: to resume an open one (still without answers) or to read a result. */
export async function getAttempt(ctx: AppContext, request: FastifyRequest, attemptId: string) {
  const account = requireAccount(request, 'volunteer');
  const first = await ownAttempt(ctx.db, account.id, attemptId, false);
  await closeExpired(ctx.db, first.training_id, account.id, ctx.now());
  const attempt = await ownAttempt(ctx.db, account.id, attemptId, false);
  const training = await loadTraining(ctx, attempt.training_id);
  return attemptView(ctx.db, training, attempt);
}


