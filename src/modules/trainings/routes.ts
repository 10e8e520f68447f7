import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { UUID_PATTERN } from '../../platform/ids.js';
import { createTraining, editTraining } from './create.js';
import { cancelRegistration, listRegistrations, recordAttendance, register } from './offline.js';
import { coursePage, markPageRead } from './course.js';
import { getAttempt, startAttempt, submitAttempt } from './exam.js';
import { listTrainings, myTrainings, trainingDetail } from './view.js';
import { SUBMIT_GRACE_MS } from './text.js';

const Uuid = Type.String({ pattern: UUID_PATTERN });
const IdParams = Type.Object({ id: Uuid });
const Kind = Type.Union([Type.Literal('offline'), Type.Literal('course'), Type.Literal('exam')]);
const SiteCode = Type.String({ pattern: '^[0-9]{2}$' });
const Instant = Type.String({ format: 'date-time', description: 'ISO 8601 with offset' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Paging = { page: Type.Integer({ minimum: 1, maximum: 10_000, default: 1 }), pageSize: Type.Integer({ minimum: 1, maximum: 100, default: 20 }) };
const QuestionTypeSchema = Type.Union([Type.Literal('single'), Type.Literal('multiple'), Type.Literal('true_false')]);
const AttemptStatusSchema = Type.Union([Type.Literal('open'), Type.Literal('passed'), Type.Literal('failed'), Type.Literal('expired')]);
const Provider = Type.Object({
  type: Type.Union([Type.Literal('group'), Type.Literal('platform')]), groupId: Nullable(Type.String()), name: Type.String(),
});

const Summary = {
  id: Type.String(), kind: Kind, siteCode: Type.String({ description: "'00' for platform-wide trainings" }), title: Type.String(),
  description: Type.String(), provider: Provider, regionCode: Nullable(Type.String()), startsAt: Nullable(Type.String()),
  endsAt: Nullable(Type.String()), address: Nullable(Type.String()), capacity: Nullable(Type.Integer()),
  registeredCount: Nullable(Type.Integer()), pageCount: Nullable(Type.Integer()),
  exam: Nullable(Type.Object({
    questionCount: Type.Integer(), timeLimitMinutes: Type.Integer(), passMark: Type.Integer(), maxAttempts: Type.Integer(),
    retakeAfterHours: Type.Integer(),
  })),
  createdAt: Type.String(),
};
const Mine = Type.Object({
  completedAt: Nullable(Type.String()), score: Nullable(Type.Integer()), registered: Nullable(Type.Boolean()), attended: Nullable(Type.Boolean()),
  pagesRead: Nullable(Type.Array(Type.Integer())),
  attempts: Nullable(Type.Array(Type.Object({
    id: Type.String(), status: AttemptStatusSchema, startedAt: Type.String(), finishedAt: Nullable(Type.String()), score: Nullable(Type.Integer()),
  }))),
  nextAttempt: Nullable(Type.Object({ allowed: Type.Boolean(), code: Nullable(Type.String()), at: Nullable(Type.String()) })),
}, { description: 'the signed-in volunteer\'s standing; fields of other kinds are null' });

const Attempt = Type.Object({
  id: Type.String(), trainingId: Type.String(), title: Type.String(), status: AttemptStatusSchema, startedAt: Type.String(),
  expiresAt: Type.String(), finishedAt: Nullable(Type.String()), questionCount: Type.Integer(), passMark: Type.Integer(),
  score: Nullable(Type.Integer({ description: 'percent' })), correctCount: Nullable(Type.Integer()), passed: Nullable(Type.Boolean()),
  questions: Type.Array(Type.Object({
    id: Type.String(), type: QuestionTypeSchema, text: Type.String(), options: Type.Array(Type.String()),
    chosen: Nullable(Type.Array(Type.Integer())), correct: Nullable(Type.Boolean()),
  })),
}, { description: 'Never carries the correct answers; chosen and correct are null while the attempt is open.' });

const Progress = Type.Object({
  trainingId: Type.String(), pageCount: Type.Integer(), pagesRead: Type.Array(Type.Integer()), completed: Type.Boolean(),
  completedAt: Nullable(Type.String()),
});

/** Routes for trainings, online courses and exams (培训). */
export async function trainingRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { ctx } = app;

  app.post('/trainings', {
    bodyLimit: 2 * 1024 * 1024,
    schema: {
      tags: ['trainings'],
      summary: '发布培训 / 在线课程 / 在线考试: by a group (manage_members) in its own site, or a system administrator (any site or \'00\')',
      description: 'offline needs siteCode, startsAt (future), endsAt, address, capacity; course needs pages; exam needs questions, ' +
        'questionCount (≤ bank), timeLimitMinutes, passMark (%), maxAttempts, retakeAfterHours (default 0). true_false questions ' +
        'have the options 正确/错误 (index 0/1). Errors: 401; 403 FORBIDDEN (not a group or administrator), GROUP_LEVEL_INSUFFICIENT; ' +
        '400 VALIDATION_FAILED naming each field (REQUIRED, NOT_ALLOWED: a field of another kind, NOT_GROUP_SITE, UNKNOWN_SITE, ' +
        'UNKNOWN_REGION, NOT_IN_SITE, IN_PAST, BEFORE_START, TOO_FEW, DUPLICATE, ONE_ANSWER, OUT_OF_RANGE, TRUE_FALSE_OPTIONS, ' +
        'MORE_THAN_BANK or a schema keyword).',
      body: Type.Object({
        kind: Kind,
        title: Type.String({ minLength: 2, maxLength: 100 }),
        siteCode: Type.Optional(SiteCode),
        regionCode: Type.Optional(Type.String({ pattern: '^([0-9]{6}|[0-9]{9})$' })),
        description: Type.Optional(Type.String({ maxLength: 5000 })),
        startsAt: Type.Optional(Instant),
        endsAt: Type.Optional(Instant),
        address: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
        capacity: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
        pages: Type.Optional(Type.Array(Type.Object({
          title: Type.String({ minLength: 1, maxLength: 100 }),
          body: Type.String({ minLength: 1, maxLength: 10_000, description: 'plain text or Markdown' }),
        }, { additionalProperties: false }), { minItems: 1, maxItems: 50 })),
        questions: Type.Optional(Type.Array(Type.Object({
          type: QuestionTypeSchema,
          text: Type.String({ minLength: 1, maxLength: 1000 }),
          options: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 10 })),
          answer: Type.Array(Type.Integer({ minimum: 0, maximum: 9 }), { minItems: 1, maxItems: 10, description: 'indexes of the right options' }),
        }, { additionalProperties: false }), { minItems: 1, maxItems: 500 })),
        questionCount: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
        timeLimitMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 600 })),
        passMark: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
        maxAttempts: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
        retakeAfterHours: Type.Optional(Type.Integer({ minimum: 0, maximum: 8760 })),
      }, { additionalProperties: false }),
      response: { 201: Type.Object({ id: Type.String(), kind: Kind }) },
    },
  }, async (request, reply) => reply.status(201).send(await createTraining(ctx, request, request.body)));

  app.get('/trainings', {
    schema: {
      tags: ['trainings'],
      summary: '培训列表: public; siteCode keeps the site\'s and the platform-wide ones; upcoming keeps offline trainings not yet started',
      security: [],
      querystring: Type.Object({
        siteCode: Type.Optional(SiteCode), kind: Type.Optional(Kind), groupId: Type.Optional(Uuid),
        upcoming: Type.Optional(Type.Boolean()), ...Paging,
      }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(Type.Object(Summary)), total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer() }) },
    },
  }, async (request) => listTrainings(ctx, request.query));

  app.get('/trainings/:id', {
    schema: {
      tags: ['trainings'],
      summary: '培训详情: public; a course lists its page titles; a signed-in volunteer gets `mine`',
      description: 'Never carries an exam\'s questions. Errors: 404 NOT_FOUND.',
      security: [],
      params: IdParams,
      response: { 200: Type.Object({ ...Summary, pages: Type.Array(Type.Object({ n: Type.Integer(), title: Type.String() })), mine: Nullable(Mine) }) },
    },
  }, async (request) => trainingDetail(ctx, request, request.params.id));

  app.patch('/trainings/:id', {
    schema: {
      tags: ['trainings'],
      summary: '修改培训: title and description; place, time and capacity of an offline training; by its provider',
      description: 'Pages and questions cannot change once published. Errors: 401; 403 NOT_PROVIDER (another group, a volunteer), ' +
        'GROUP_LEVEL_INSUFFICIENT; 404; 400 VALIDATION_FAILED (NOT_OFFLINE, TOO_SHORT, IN_PAST, BEFORE_START); 409 CAPACITY_BELOW_REGISTERED.',
      params: IdParams,
      body: Type.Object({
        title: Type.Optional(Type.String({ minLength: 2, maxLength: 100 })),
        description: Type.Optional(Type.String({ maxLength: 5000 })),
        address: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
        capacity: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
        startsAt: Type.Optional(Instant),
        endsAt: Type.Optional(Instant),
      }, { additionalProperties: false, minProperties: 1 }),
      response: { 200: Type.Object({ id: Type.String(), kind: Kind }) },
    },
  }, async (request) => editTraining(ctx, request, request.params.id, request.body));

  app.post('/trainings/:id/registrations', {
    schema: {
      tags: ['trainings'],
      summary: '培训报名: the signed-in volunteer signs up for an offline training before it starts',
      description: 'Errors: 401; 403 (not a volunteer); 404; 409 NOT_OFFLINE, TRAINING_STARTED, ALREADY_REGISTERED, TRAINING_FULL ' +
        '(capacity holds under parallel sign-ups).',
      params: IdParams,
      response: { 201: Type.Object({ trainingId: Type.String(), registeredAt: Type.String() }) },
    },
  }, async (request, reply) => reply.status(201).send(await register(ctx, request, request.params.id)));

  app.delete('/trainings/:id/registrations/me', {
    schema: {
      tags: ['trainings'],
      summary: '取消培训报名: the volunteer withdraws before the training starts',
      description: 'Errors: 401; 404 (also when not registered); 409 NOT_OFFLINE, TRAINING_STARTED.',
      params: IdParams,
      response: { 204: Type.Null() },
    },
  }, async (request, reply) => {
    await cancelRegistration(ctx, request, request.params.id);
    return reply.status(204).send(null);
  });

  app.get('/trainings/:id/registrations', {
    schema: {
      tags: ['trainings'],
      summary: '培训报名名单: for the provider, with attendance (null: not recorded)',
      description: 'Errors: 401; 403 NOT_PROVIDER; 404; 409 NOT_OFFLINE.',
      params: IdParams,
      response: {
        200: Type.Object({
          items: Type.Array(Type.Object({
            accountId: Type.String(), name: Type.String(), volunteerNumber: Nullable(Type.String()), registeredAt: Type.String(),
            attended: Nullable(Type.Boolean()),
          })),
          total: Type.Integer(), capacity: Type.Integer(),
        }),
      },
    },
  }, async (request) => listRegistrations(ctx, request, request.params.id));

  app.post('/trainings/:id/attendance', {
    schema: {
      tags: ['trainings'],
      summary: '培训出勤: the provider marks registered volunteers as attended (a completed training) or absent, once it has started',
      description: 'Errors: 401; 403 NOT_PROVIDER, GROUP_LEVEL_INSUFFICIENT; 404; 409 NOT_OFFLINE, TRAINING_NOT_STARTED; 400 ' +
        'VALIDATION_FAILED (accountIds.<i> NOT_REGISTERED).',
      params: IdParams,
      body: Type.Object({
        accountIds: Type.Array(Uuid, { minItems: 1, maxItems: 1000 }),
        attended: Type.Boolean(),
      }, { additionalProperties: false }),
      response: { 200: Type.Object({ updated: Type.Integer(), attended: Type.Boolean() }) },
    },
  }, async (request) => recordAttendance(ctx, request, request.params.id, request.body));

  app.get('/trainings/:id/pages/:n', {
    schema: {
      tags: ['trainings'],
      summary: '课程内容: one page of an online course (public)',
      description: 'Errors: 404 (no such course or page); 409 NOT_COURSE.',
      security: [],
      params: Type.Object({ id: Uuid, n: Type.Integer({ minimum: 1, maximum: 1000 }) }),
      response: { 200: Type.Object({ trainingId: Type.String(), n: Type.Integer(), pageCount: Type.Integer(), title: Type.String(), body: Type.String() }) },
    },
  }, async (request) => coursePage(ctx, request.params.id, request.params.n));

  app.post('/trainings/:id/progress', {
    schema: {
      tags: ['trainings'],
      summary: '课程学习进度: the volunteer marks a page read; the course completes when every page is read',
      description: 'Repeating a page is harmless. Errors: 401; 403 (not a volunteer); 404; 409 NOT_COURSE; 400 page OUT_OF_RANGE.',
      params: IdParams,
      body: Type.Object({ page: Type.Integer({ minimum: 1, maximum: 1000 }) }, { additionalProperties: false }),
      response: { 200: Progress },
    },
  }, async (request) => markPageRead(ctx, request, request.params.id, request.body.page));

  app.post('/trainings/:id/attempts', {
    schema: {
      tags: ['trainings'],
      summary: '开始在线考试: draws questionCount questions (without answers) and sets expiresAt',
      description: 'One open attempt at a time (parallel starts: one wins). Errors: 401; 403 (not a volunteer); 404; 409 NOT_EXAM, ' +
        'ATTEMPT_OPEN (attemptId), ALREADY_PASSED, MAX_ATTEMPTS_REACHED, RETAKE_TOO_SOON (retryAt; the title gives the time, China time).',
      params: IdParams,
      response: { 201: Attempt },
    },
  }, async (request, reply) => reply.status(201).send(await startAttempt(ctx, request, request.params.id)));

  app.get('/attempts/:id', {
    schema: {
      tags: ['trainings'],
      summary: '考试记录: one of the volunteer\'s own attempts (resume an open one, or read the result)',
      description: 'Another person\'s attempt: 404.',
      params: IdParams,
      response: { 200: Attempt },
    },
  }, async (request) => getAttempt(ctx, request, request.params.id));

  app.post('/attempts/:id/submit', {
    schema: {
      tags: ['trainings'],
      summary: '交卷: automatic scoring (multiple choice all-or-nothing); passed when score ≥ passMark',
      description: `answers maps question id → chosen option indexes; unanswered questions are wrong. Accepted until expiresAt + ` +
        `${SUBMIT_GRACE_MS / 1000} s; later: 409 ATTEMPT_EXPIRED and the attempt counts as failed. Errors: 401; 404 (also another ` +
        'person\'s attempt); 409 ATTEMPT_CLOSED, ATTEMPT_EXPIRED; 400 VALIDATION_FAILED (answers.<id> UNKNOWN_QUESTION, ONE_ANSWER, OUT_OF_RANGE).',
      params: IdParams,
      body: Type.Object({
        answers: Type.Record(Type.String({ pattern: UUID_PATTERN }), Type.Array(Type.Integer({ minimum: 0, maximum: 9 }), { maxItems: 10 }),
          { maxProperties: 200 }),
      }, { additionalProperties: false }),
      response: { 200: Attempt },
    },
  }, async (request) => submitAttempt(ctx, request, request.params.id, request.body.answers));

  app.get('/me/trainings', {
    schema: {
      tags: ['trainings'],
      summary: '我的培训: completed offline trainings, completed courses and passed exams, newest first',
      description: 'score: best exam score in percent, null for other kinds. Errors: 401; 403 (not a volunteer).',
      querystring: Type.Object({ kind: Type.Optional(Kind), ...Paging }, { additionalProperties: false }),
      response: {
        200: Type.Object({
          items: Type.Array(Type.Object({
            trainingId: Type.String(), kind: Kind, title: Type.String(), provider: Provider, completedAt: Type.String(), score: Nullable(Type.Integer()),
          })),
          total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer(),
        }),
      },
    },
  }, async (request) => myTrainings(ctx, request, request.query));
}
