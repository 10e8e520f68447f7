import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { UUID_PATTERN } from '../../platform/ids.js';
import { createEvaluation, myEvaluations, projectEvaluations, updateEvaluation } from './evaluations.js';
import { EDIT_WINDOW_DAYS } from './text.js';

const Uuid = Type.String({ pattern: UUID_PATTERN });
const NullableString = Type.Union([Type.String(), Type.Null()]);
const Paging = { page: Type.Integer({ minimum: 1, default: 1 }), pageSize: Type.Integer({ minimum: 1, maximum: 100, default: 20 }) };
const Rating = Type.Integer({ minimum: 1, maximum: 5 });
const Comment = Type.Optional(Type.String({ maxLength: 500 }));
const Evaluation = Type.Object({
  projectId: Type.String(), accountId: Type.String(), rating: Type.Integer(), comment: NullableString,
  createdAt: Type.String(), updatedAt: Type.String(), editableUntil: Type.String(),
});

/** Routes for evaluations (评价) of volunteers by groups. */
export async function evaluationRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { ctx } = app;

  app.post('/projects/:id/evaluations', {
    schema: {
      tags: ['evaluations'],
      summary: '评价志愿者: the organising group rates a volunteer 1–5 after the project, once per volunteer',
      description: 'The volunteer must have an effective or ineffective record in the project, or an accepted enrolment in a finished '
        + `project. Editable with PUT for ${EDIT_WINDOW_DAYS} days. Errors: 400 VALIDATION_FAILED (rating 1–5, comment ≤ 500); 401; `
        + '403 NOT_ORGANISER (anyone but the organising group), GROUP_LEVEL_INSUFFICIENT; 404 NOT_FOUND (project); 409 EVALUATION_EXISTS; '
        + '422 NOT_ELIGIBLE.',
      params: Type.Object({ id: Uuid }),
      body: Type.Object({ accountId: Uuid, rating: Rating, comment: Comment }, { additionalProperties: false }),
      response: { 201: Evaluation },
    },
  }, async (request, reply) => reply.status(201).send(await createEvaluation(ctx, request, request.params.id, request.body)));

  app.put('/projects/:id/evaluations/:accountId', {
    schema: {
      tags: ['evaluations'],
      summary: '修改评价: the organising group changes its evaluation of a volunteer',
      description: `Only within ${EDIT_WINDOW_DAYS} days of writing it. Errors: 400 VALIDATION_FAILED; 401; 403 NOT_ORGANISER, `
        + 'GROUP_LEVEL_INSUFFICIENT; 404 NOT_FOUND (project or evaluation); 409 EVALUATION_LOCKED.',
      params: Type.Object({ id: Uuid, accountId: Uuid }),
      body: Type.Object({ rating: Rating, comment: Comment }, { additionalProperties: false }),
      response: { 200: Evaluation },
    },
  }, async (request) => updateEvaluation(ctx, request, request.params.id, request.params.accountId, request.body));

  app.get('/projects/:id/evaluations', {
    schema: {
      tags: ['evaluations'],
      summary: '项目评价: a project\'s evaluations, for its group and authorities over the project; full names',
      description: 'Errors: 401; 403 NOT_ORGANISER; 404 NOT_FOUND.',
      params: Type.Object({ id: Uuid }),
      querystring: Type.Object(Paging),
      response: {
        200: Type.Object({
          items: Type.Array(Type.Object({
            accountId: Type.String(), volunteerName: Type.String(), volunteerNumber: NullableString, rating: Type.Integer(),
            comment: NullableString, createdAt: Type.String(), updatedAt: Type.String(), editableUntil: Type.String(),
          })),
          total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer(),
        }),
      },
    },
  }, async (request) => projectEvaluations(ctx, request, request.params.id, request.query.page, request.query.pageSize));

  app.get('/me/evaluations', {
    schema: {
      tags: ['evaluations'],
      summary: '我的评价: the signed-in volunteer\'s evaluations by groups, newest first, with the average rating (home page)',
      description: 'averageRating: one decimal over all evaluations, null when there are none. Errors: 401; 403 FORBIDDEN (not a volunteer).',
      querystring: Type.Object(Paging),
      response: {
        200: Type.Object({
          items: Type.Array(Type.Object({
            projectId: Type.String(), projectName: Type.String(), groupId: Type.String(), groupName: Type.String(), siteCode: Type.String(),
            rating: Type.Integer(), comment: NullableString, createdAt: Type.String(), updatedAt: Type.String(),
          })),
          averageRating: Type.Union([Type.Number(), Type.Null()]),
          total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer(),
        }),
      },
    },
  }, async (request) => myEvaluations(ctx, request, request.query.page, request.query.pageSize));
}
