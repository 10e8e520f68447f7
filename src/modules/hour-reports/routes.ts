import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { UUID_PATTERN } from '../../platform/ids.js';
import { decideReport } from './decide.js';
import { groupReports, myReports } from './listing.js';
import { submitReport } from './submit.js';
import { REASON_MAX } from './text.js';

const Uuid = Type.String({ pattern: UUID_PATTERN });
const Params = Type.Object({ id: Uuid });
const Paging = { page: Type.Integer({ minimum: 1, default: 1 }), pageSize: Type.Integer({ minimum: 1, maximum: 100, default: 20 }) };
const Status = Type.Union([Type.Literal('pending'), Type.Literal('upheld'), Type.Literal('rejected')]);
const NullableString = Type.Union([Type.String(), Type.Null()]);
const Page = <T extends ReturnType<typeof Type.Object>>(item: T) =>
  Type.Object({ items: Type.Array(item), total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer() });
const Reason = Type.String({ maxLength: REASON_MAX * 2, description: `1–${REASON_MAX} characters after trimming` });

/** Routes for reports (举报) on service records. */
export async function hourReportRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { ctx } = app;

  app.post('/hours/:id/reports', {
    schema: {
      tags: ['hours'],
      summary: '举报: a signed-in account reports a service record with a reason',
      description: 'Errors: 400 reason REQUIRED / TOO_LONG; 401 UNAUTHENTICATED; 404 NOT_FOUND; 409 RECORD_DELETED, ' +
        'REPORT_EXISTS (this account already has a pending report on the record); 429 REPORT_RATE_LIMITED (10 a day).',
      params: Params,
      body: Type.Object({ reason: Reason }, { additionalProperties: false }),
      response: { 201: Type.Object({ id: Type.String(), status: Type.Literal('pending') }) },
    },
  }, async (request, reply) => reply.status(201).send(await submitReport(ctx, request, request.params.id, request.body.reason)));

  app.get('/me/hour-reports', {
    schema: {
      tags: ['hours'],
      summary: '我的举报: the caller\'s reports on service records, with status and outcome',
      description: 'Errors: 401 UNAUTHENTICATED.',
      querystring: Type.Object(Paging),
      response: {
        200: Page(Type.Object({
          id: Type.String(), recordId: Type.String(), projectId: Type.String(), projectName: Type.String(), serviceDate: Type.String(),
          startTime: Type.String(), endTime: Type.String(), hours: Type.Number(), volunteerName: Type.String({ description: 'masked' }),
          reason: Type.String(), status: Status, outcome: NullableString, decidedAt: NullableString, createdAt: Type.String(),
        })),
      },
    },
  }, async (request) => myReports(ctx, request, request.query));

  app.get('/groups/:id/hour-reports', {
    schema: {
      tags: ['hours'],
      summary: '时长举报处理: reports on a group\'s records, for the group or an authority over it (reporter masked)',
      description: 'Errors: 401 UNAUTHENTICATED; 403 NOT_GROUP_OR_AUTHORITY, GROUP_LEVEL_INSUFFICIENT; 404 NOT_FOUND.',
      params: Params,
      querystring: Type.Object({ status: Type.Optional(Status), ...Paging }),
      response: {
        200: Page(Type.Object({
          id: Type.String(),
          record: Type.Object({
            id: Type.String(), projectId: Type.String(), projectName: Type.String(), serviceDate: Type.String(), startTime: Type.String(),
            endTime: Type.String(), hours: Type.Number(), status: Type.String(), deletedReason: NullableString,
            volunteerName: Type.String({ description: 'whole for the group, masked for an authority' }), volunteerNumber: NullableString,
          }),
          reporterName: Type.String({ description: 'masked' }), reason: Type.String(), status: Status, decisionReason: NullableString,
          decidedAt: NullableString, createdAt: Type.String(),
        })),
      },
    },
  }, async (request) => groupReports(ctx, request, request.params.id, request.query));

  app.post('/hour-reports/:id/decision', {
    schema: {
      tags: ['hours'],
      summary: '处理举报: the organising group or an authority upholds (record deleted with the reason) or rejects a report',
      description: 'Upholding closes every pending report on the record as upheld; each reporter is told by SMS or e-mail. ' +
        'Errors: 400 reason REQUIRED / TOO_LONG; 401 UNAUTHENTICATED; 403 NOT_GROUP_OR_AUTHORITY, GROUP_LEVEL_INSUFFICIENT; ' +
        '404 NOT_FOUND; 409 REPORT_ALREADY_DECIDED.',
      params: Params,
      body: Type.Object({ decision: Type.Union([Type.Literal('uphold'), Type.Literal('reject')]), reason: Reason }, { additionalProperties: false }),
      response: { 200: Type.Object({ id: Type.String(), status: Type.Union([Type.Literal('upheld'), Type.Literal('rejected')]), recordDeleted: Type.Boolean() }) },
    },
  }, async (request) => decideReport(ctx, request, request.params.id, request.body.decision, request.body.reason));
}
