import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import { AppError, errors, type FieldProblem } from '../../platform/errors.js';
import { audit } from '../../platform/audit.js';
import { uuidv7 } from '../../platform/ids.js';
import type { QuestionType, TrainingKind } from '../../platform/database/schema-trainings.js';
import { getRegion, getSite, provinceCodeOf } from '../places/divisions.js';
import { NATIONAL_SITE } from '../places/sites.js';
import { loadTraining, requireProvider, requireTrainingProvider } from './access.js';
import { TEXT, TRUE_FALSE_OPTIONS } from './text.js';

export interface QuestionInput { type: QuestionType; text: string; options?: string[]; answer: number[] }

export interface CreateInput {
  kind: TrainingKind;
  title: string;
  siteCode?: string;
  regionCode?: string;
  description?: string;
  startsAt?: string;
  endsAt?: string;
  address?: string;
  capacity?: number;
  pages?: { title: string; body: string }[];
  questions?: QuestionInput[];
  questionCount?: number;
  timeLimitMinutes?: number;
  passMark?: number;
  maxAttempts?: number;
  retakeAfterHours?: number;
}

const OFFLINE_FIELDS = ['startsAt', 'endsAt', 'address', 'capacity'] as const;
const EXAM_FIELDS = ['questions', 'questionCount', 'timeLimitMinutes', 'passMark', 'maxAttempts'] as const;
const FIELDS_OF: Record<TrainingKind, readonly string[]> = {
  offline: OFFLINE_FIELDS,
  course: ['pages'],
  exam: [...EXAM_FIELDS, 'retakeAfterHours'],
};
const REQUIRED_OF: Record<TrainingKind, readonly string[]> = { offline: OFFLINE_FIELDS, course: ['pages'], exam: EXAM_FIELDS };

/** Checks one question of an exam's bank and gives its options (true/false ones are fixed). */
function checkQuestion(q: QuestionInput, i: number, problems: FieldProblem[]): string[] {
  const field = `questions.${i}`;
  if (!q.text.trim()) problems.push({ field: `${field}.text`, code: 'REQUIRED' });
  let options = (q.options ?? []).map((o) => o.trim());
  if (q.type === 'true_false') {
    if (q.options && (options.length !== 2 || options.some((o, k) => o !== TRUE_FALSE_OPTIONS[k]))) {
      problems.push({ field: `${field}.options`, code: 'TRUE_FALSE_OPTIONS' });
    }
    options = TRUE_FALSE_OPTIONS;
  } else {
    if (options.length < 2) problems.push({ field: `${field}.options`, code: 'TOO_FEW' });
    options.forEach((o, k) => {
      if (!o) problems.push({ field: `${field}.options.${k}`, code: 'REQUIRED' });
      else if (options.indexOf(o) !== k) problems.push({ field: `${field}.options.${k}`, code: 'DUPLICATE' });
    });
  }
  if (new Set(q.answer).size !== q.answer.length) problems.push({ field: `${field}.answer`, code: 'DUPLICATE' });
  else if (q.type !== 'multiple' && q.answer.length !== 1) problems.push({ field: `${field}.answer`, code: 'ONE_ANSWER' });
  else if (q.answer.length === 0) problems.push({ field: `${field}.answer`, code: 'REQUIRED' });
  else if (q.answer.some((a) => a >= options.length)) problems.push({ field: `${field}.answer`, code: 'OUT_OF_RANGE' });
  return options;
}

/**
 * Publishes a training: a group in its own site (manage_members), or a system administrator in any site or platform-wide
 * (site '00'). Fields of another kind are refused rather than ignored, so a client's mistake shows.
 */
export async function createTraining(ctx: AppContext, request: FastifyRequest, input: CreateInput) {
  const provider = await requireProvider(ctx, request);
  const now = ctx.now();
  const problems: FieldProblem[] = [];
  const given = input as unknown as Record<string, unknown>;
  for (const kind of ['offline', 'course', 'exam'] as const) {
    if (kind === input.kind) continue;
    for (const f of FIELDS_OF[kind]) if (given[f] !== undefined && !FIELDS_OF[input.kind].includes(f)) problems.push({ field: f, code: 'NOT_ALLOWED' });
  }
  for (const f of REQUIRED_OF[input.kind]) if (given[f] === undefined) problems.push({ field: f, code: 'REQUIRED' });
  if (input.kind === 'offline' && input.siteCode === undefined) problems.push({ field: 'siteCode', code: 'REQUIRED' });

  const title = input.title.trim();
  if (title.length < 2) problems.push({ field: 'title', code: 'TOO_SHORT' });
  const siteCode = input.siteCode ?? provider.groupSiteCode ?? NATIONAL_SITE.code;
  if (provider.groupSiteCode !== null && siteCode !== provider.groupSiteCode) problems.push({ field: 'siteCode', code: 'NOT_GROUP_SITE' });
  else if (siteCode !== NATIONAL_SITE.code && !getSite(siteCode)) problems.push({ field: 'siteCode', code: 'UNKNOWN_SITE' });
  if (input.regionCode !== undefined) {
    if (!getRegion(input.regionCode)) problems.push({ field: 'regionCode', code: 'UNKNOWN_REGION' });
    else if (provinceCodeOf(input.regionCode) !== siteCode) problems.push({ field: 'regionCode', code: 'NOT_IN_SITE' });
  }

  let startsAt: Date | null = null;
  let endsAt: Date | null = null;
  if (input.kind === 'offline' && input.startsAt && input.endsAt) {
    startsAt = new Date(input.startsAt);
    endsAt = new Date(input.endsAt);
    if (Number.isNaN(startsAt.getTime())) problems.push({ field: 'startsAt', code: 'BAD_FORMAT' });
    else if (startsAt <= now) problems.push({ field: 'startsAt', code: 'IN_PAST' });
    if (Number.isNaN(endsAt.getTime())) problems.push({ field: 'endsAt', code: 'BAD_FORMAT' });
    else if (endsAt <= startsAt) problems.push({ field: 'endsAt', code: 'BEFORE_START' });
  }
  const address = input.address?.trim();
  if (input.kind === 'offline' && input.address !== undefined && !address) problems.push({ field: 'address', code: 'REQUIRED' });

  const pages = (input.pages ?? []).map((p) => ({ title: p.title.trim(), body: p.body.trim() }));
  pages.forEach((p, i) => {
    if (!p.title) problems.push({ field: `pages.${i}.title`, code: 'REQUIRED' });
    if (!p.body) problems.push({ field: `pages.${i}.body`, code: 'REQUIRED' });
  });
  const questions = (input.questions ?? []).map((q, i) => ({ ...q, text: q.text.trim(), options: checkQuestion(q, i, problems) }));
  if (input.kind === 'exam' && input.questionCount !== undefined && input.questions && input.questionCount > questions.length) {
    problems.push({ field: 'questionCount', code: 'MORE_THAN_BANK' });
  }
  if (problems.length > 0) throw errors.validation(TEXT.invalid, problems);

  const id = uuidv7(now.getTime());
  await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto('trainings').values({
      site_code: siteCode, id, kind: input.kind, group_id: provider.groupId, provider_name: provider.name, title,
      description: input.description?.trim() ?? '', region_code: input.regionCode ?? null, starts_at: startsAt, ends_at: endsAt,
      address: address ?? null, capacity: input.capacity ?? null, page_count: pages.length,
      question_count: input.questionCount ?? null, time_limit_minutes: input.timeLimitMinutes ?? null, pass_mark: input.passMark ?? null,
      max_attempts: input.maxAttempts ?? null, retake_after_hours: input.kind === 'exam' ? input.retakeAfterHours ?? 0 : null,
      created_by: provider.actor.id, created_at: now, updated_at: now,
    }).execute();
    if (pages.length > 0) {
      await trx.insertInto('training_pages').values(pages.map((p, i) => ({ training_id: id, n: i + 1, title: p.title, body: p.body }))).execute();
    }
    if (questions.length > 0) {
      await trx.insertInto('training_questions').values(questions.map((q, i) => ({
        training_id: id, id: uuidv7(now.getTime()), position: i + 1, type: q.type, text: q.text,
        options: JSON.stringify(q.options), answer: JSON.stringify([...q.answer].sort((a, b) => a - b)),
      }))).execute();
    }
    await audit(trx, {
      actor: provider.actor, action: 'training.create', target: { type: 'training', id }, siteCode, ip: request.ip, outcome: 'success',
      detail: { groupId: provider.groupId, role: provider.role, kind: input.kind, pages: pages.length, questions: questions.length },
    }, now);
  });
  return { id, kind: input.kind };
}

export interface EditInput { title?: string; description?: string; address?: string; capacity?: number; startsAt?: string; endsAt?: string }

/**
 * The provider changes what people read and, for an offline training, the place, time and capacity. Pages and the
 * question bank stay as published: people's progress and attempts refer to them.
 */
export async function editTraining(ctx: AppContext, request: FastifyRequest, id: string, input: EditInput) {
  const training = await loadTraining(ctx, id);
  const provider = await requireTrainingProvider(ctx, request, training);
  const now = ctx.now();
  const problems: FieldProblem[] = [];
  if (training.kind !== 'offline') {
    for (const f of ['address', 'capacity', 'startsAt', 'endsAt'] as const) if (input[f] !== undefined) problems.push({ field: f, code: 'NOT_OFFLINE' });
  }
  const title = input.title?.trim();
  if (title !== undefined && title.length < 2) problems.push({ field: 'title', code: 'TOO_SHORT' });
  const address = input.address?.trim();
  if (address !== undefined && !address) problems.push({ field: 'address', code: 'REQUIRED' });
  const startsAt = input.startsAt ? new Date(input.startsAt) : training.starts_at;
  const endsAt = input.endsAt ? new Date(input.endsAt) : training.ends_at;
  if (input.startsAt && startsAt! <= now) problems.push({ field: 'startsAt', code: 'IN_PAST' });
  if (startsAt && endsAt && endsAt <= startsAt) problems.push({ field: 'endsAt', code: 'BEFORE_START' });
  if (problems.length > 0) throw errors.validation(TEXT.invalid, problems);

  await ctx.db.transaction().execute(async (trx) => {
    let update = trx.updateTable('trainings').set({
      updated_at: now,
      ...(title !== undefined ? { title } : {}),
      ...(input.description !== undefined ? { description: input.description.trim() } : {}),
      ...(address !== undefined ? { address } : {}),
      ...(input.capacity !== undefined ? { capacity: input.capacity } : {}),
      ...(input.startsAt ? { starts_at: startsAt } : {}),
      ...(input.endsAt ? { ends_at: endsAt } : {}),
    }).where('site_code', '=', training.site_code).where('id', '=', training.id);
    // Conditional on the counter, so a registration racing the change cannot end up over the new capacity.
    if (input.capacity !== undefined) update = update.where('registered_count', '<=', input.capacity);
    const result = await update.executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw new AppError(409, 'CAPACITY_BELOW_REGISTERED', TEXT.capacityBelowRegistered);
    await audit(trx, {
      actor: provider.actor, action: 'training.edit', target: { type: 'training', id }, siteCode: training.site_code, ip: request.ip,
      outcome: 'success', detail: { groupId: training.group_id, role: provider.role, fields: Object.keys(input) },
    }, now);
  });
  return { id, kind: training.kind };
}
