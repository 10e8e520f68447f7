import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { UUID_PATTERN } from '../../platform/ids.js';
import { applyForPosition } from './apply.js';
import { cancelEnrollment, decideEnrollment } from './decide.js';
import { requireEnrollmentManager } from './access.js';
import { myProjectLimits, myProjects, projectEnrollments } from './list.js';

const Uuid = Type.String({ pattern: UUID_PATTERN });
const ProjectParams = Type.Object({ id: Uuid });
const EnrollmentParams = Type.Object({ id: Uuid, accountId: Uuid });
const SiteCode = Type.String({ pattern: '^[0-9]{2}$' });
const Paging = { page: Type.Integer({ minimum: 1, default: 1 }), pageSize: Type.Integer({ minimum: 1, maximum: 100, default: 20 }) };
const StatusEnum = Type.Union([Type.Literal('pending'), Type.Literal('enrolled'), Type.Literal('rejected'), Type.Literal('cancelled')]);
const Via = Type.Union([Type.Literal('application'), Type.Literal('exempt_password')]);
const NullableString = Type.Union([Type.String(), Type.Null()]);
const Page = <T extends ReturnType<typeof Type.Object>>(item: T) =>
  Type.Object({ items: Type.Array(item), total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer() });

const MyProjectItem = Type.Object({
  projectId: Type.String(), projectName: Type.String(), siteCode: Type.String(), groupId: Type.String(), startDate: Type.String(),
  endDate: Type.String(), address: Type.String(), projectStatus: Type.String(), positionId: Type.String(), positionName: Type.String(),
  status: StatusEnum, via: Via, reason: NullableString, appliedAt: Type.String(), decidedAt: NullableString,
});
const EnrollmentItem = Type.Object({
  accountId: Type.String(), name: Type.String(), volunteerNumber: NullableString, phone: NullableString, positionId: Type.String(),
  positionName: Type.String(), status: StatusEnum, via: Via, reason: NullableString, appliedAt: Type.String(), decidedAt: NullableString,
});

/** Routes for enrolment in project positions. */
export async function enrollmentRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { ctx } = app;

  app.post('/projects/:id/enrollments', {
    schema: {
      tags: ['projects'],
      summary: '报名志愿项目: the signed-in, real-name verified volunteer applies for a position; a correct 免审密码 enrols at once',
      description: 'Errors: 400 positionId UNKNOWN; 403 REALNAME_REQUIRED, MEMBERS_ONLY; 404 NOT_FOUND; 409 PROJECT_NOT_RECRUITING, ' +
        'ALREADY_ENROLLED, ALREADY_APPLIED, PENDING_PROJECT_LIMIT (5 pending per site), POSITION_FULL; 422 EXEMPT_PASSWORD_WRONG; ' +
        '429 EXEMPT_PASSWORD_THROTTLED (5 tries per hour per project).',
      params: ProjectParams,
      body: Type.Object({ positionId: Uuid, exemptPassword: Type.Optional(Type.String({ maxLength: 64 })) }, { additionalProperties: false }),
      response: { 201: Type.Object({ status: Type.Union([Type.Literal('pending'), Type.Literal('enrolled')]) }) },
    },
  }, async (request, reply) => reply.status(201).send(await applyForPosition(ctx, request, request.params.id, request.body)));

  app.post('/projects/:id/enrollments/:accountId/decision', {
    schema: {
      tags: ['projects'],
      summary: '审核项目报名: approve or reject a pending application (by the project\'s group, or an authority over it)',
      description: 'reason is required when rejecting. Either decision frees the pending slot; approval takes a place. ' +
        'Errors: 404 NOT_FOUND (also another group\'s project); 409 NOT_PENDING, POSITION_FULL.',
      params: EnrollmentParams,
      body: Type.Object({
        decision: Type.Union([Type.Literal('approve'), Type.Literal('reject')]),
        reason: Type.Optional(Type.String({ maxLength: 500 })),
      }, { additionalProperties: false }),
      response: { 200: Type.Object({ status: Type.Union([Type.Literal('enrolled'), Type.Literal('rejected')]) }) },
    },
  }, async (request) => decideEnrollment(ctx, request, request.params.id, request.params.accountId, request.body));

  app.delete('/projects/:id/enrollments/me', {
    schema: {
      tags: ['projects'],
      summary: '取消报名: the volunteer cancels their own pending or accepted enrolment',
      description: 'Errors: 404 NOT_FOUND; 409 NOT_CANCELLABLE (already rejected or cancelled).',
      params: ProjectParams,
      response: { 204: Type.Null() },
    },
  }, async (request, reply) => {
    await cancelEnrollment(ctx, request, request.params.id);
    return reply.status(204).send(null);
  });

  app.get('/projects/:id/enrollments', {
    schema: {
      tags: ['projects'],
      summary: '项目报名列表: by the project\'s group or an authority over it; phone numbers masked',
      params: ProjectParams,
      querystring: Type.Object({ status: Type.Optional(StatusEnum), ...Paging }),
      response: { 200: Page(EnrollmentItem) },
    },
  }, async (request) => {
    const manager = await requireEnrollmentManager(ctx, request, request.params.id);
    return projectEnrollments(ctx, manager, request.query.status, request.query.page, request.query.pageSize);
  });

  app.get('/me/projects', {
    schema: {
      tags: ['projects'],
      summary: '我的项目: the signed-in volunteer\'s enrolments by tab (已报名 enrolled / 待审核 pending / 未通过 rejected)',
      querystring: Type.Object({ status: Type.Optional(StatusEnum), ...Paging }),
      response: { 200: Page(MyProjectItem) },
    },
  }, async (request) => myProjects(ctx, request, request.query.status ?? 'enrolled', request.query.page, request.query.pageSize));

  app.get('/me/projects/limits', {
    schema: {
      tags: ['projects'],
      summary: 'How many pending project applications the volunteer holds in a site, against the limit of 5',
      querystring: Type.Object({ siteCode: Type.Optional(SiteCode) }),
      response: { 200: Type.Object({ siteCode: Type.String(), used: Type.Integer(), limit: Type.Integer() }) },
    },
  }, async (request) => myProjectLimits(ctx, request, request.query.siteCode));
}
