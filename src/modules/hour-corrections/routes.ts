import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { UUID_PATTERN } from '../../platform/ids.js';
import { decideCorrection } from './decide.js';
import { groupCorrections, myCorrections } from './listing.js';
import { submitCorrection } from './submit.js';

const Uuid = Type.String({ pattern: UUID_PATTERN });
const Params = Type.Object({ id: Uuid });
const Paging = { page: Type.Integer({ minimum: 1, default: 1 }), pageSize: Type.Integer({ minimum: 1, maximum: 100, default: 20 }) };
const Status = Type.Union([Type.Literal('pending'), Type.Literal('accepted'), Type.Literal('rejected')]);
const NullableString = Type.Union([Type.String(), Type.Null()]);
const Page = <T extends ReturnType<typeof Type.Object>>(item: T) =>
  Type.Object({ items: Type.Array(item), total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer() });
const Reason = Type.String({ maxLength: 1000, description: '1–500 characters after trimming' });
const Proposed = {
  serviceDate: Type.Optional(Type.String({ maxLength: 10, description: 'YYYY-MM-DD, China time' })),
  startTime: Type.Optional(Type.String({ maxLength: 5, description: 'HH:MM' })),
  endTime: Type.Optional(Type.String({ maxLength: 5, description: 'HH:MM; earlier than startTime: the service ends the next day' })),
  hours: Type.Optional(Type.Number({ description: 'at most the span, two decimals' })),
};
const Item = {
  id: Type.String(),
  record: Type.Object({
    id: Type.String(), projectId: Type.String(), projectName: Type.String(), serviceDate: Type.String(), startTime: Type.String(),
    endTime: Type.String(), hours: Type.Number(), status: Type.String(),
  }),
  proposed: Type.Object(Proposed),
  reason: Type.String(), status: Status, decisionReason: NullableString, decidedAt: NullableString, createdAt: Type.String(),
};
const RULES = 'INVALID, HOURS_INVALID, HOURS_EXCEED_SPAN, FUTURE_DATE, OUTSIDE_PROJECT';

/** Routes for volunteers' correction requests on their service records. */
export async function hourCorrectionRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { ctx } = app;

  app.post('/hours/:id/corrections', {
    schema: {
      tags: ['hours'],
      summary: '更正申请: the record\'s volunteer asks the organising group to correct it; omitted fields stay as they are',
      description: `Errors: 400 reason REQUIRED / TOO_LONG, nothing to correct; 401; 403 NOT_RECORD_OWNER; 404 NOT_FOUND; 409 RECORD_DELETED, ` +
        `CORRECTION_EXISTS (one pending per record); 422 CORRECTION_INVALID with errors [{field, code}], codes ${RULES}.`,
      params: Params,
      body: Type.Object({ reason: Reason, ...Proposed }, { additionalProperties: false }),
      response: { 201: Type.Object({ id: Type.String(), status: Type.Literal('pending') }) },
    },
  }, async (request, reply) => reply.status(201).send(await submitCorrection(ctx, request, request.params.id, request.body)));

  app.get('/me/hour-corrections', {
    schema: {
      tags: ['hours'],
      summary: '我的更正申请: the caller\'s correction requests with status and outcome',
      description: 'Errors: 401 UNAUTHENTICATED.',
      querystring: Type.Object(Paging),
      response: { 200: Page(Type.Object(Item)) },
    },
  }, async (request) => myCorrections(ctx, request, request.query));

  app.get('/groups/:id/hour-corrections', {
    schema: {
      tags: ['hours'],
      summary: '时长更正申请: correction requests on a group\'s records, for the group or an authority over it (read-only)',
      description: 'Errors: 401 UNAUTHENTICATED; 403 NOT_GROUP_OR_AUTHORITY, GROUP_LEVEL_INSUFFICIENT; 404 NOT_FOUND.',
      params: Params,
      querystring: Type.Object({ status: Type.Optional(Status), ...Paging }),
      response: { 200: Page(Type.Object({ ...Item, volunteerName: Type.String(), volunteerNumber: NullableString })) },
    },
  }, async (request) => groupCorrections(ctx, request, request.params.id, request.query));

  app.post('/hour-corrections/:id/decision', {
    schema: {
      tags: ['hours'],
      summary: '处理更正申请: the organising group accepts (the record is changed through the recording rules) or rejects with a reason',
      description: `Errors: 400 reason REQUIRED (reject) / TOO_LONG; 401; 403 NOT_ORGANISER, GROUP_LEVEL_INSUFFICIENT; 404 NOT_FOUND; ` +
        `409 CORRECTION_ALREADY_DECIDED, RECORD_DELETED; 422 CORRECTION_INVALID (request stays pending), codes ${RULES}, OVERLAP, DAILY_CAP.`,
      params: Params,
      body: Type.Object({ decision: Type.Union([Type.Literal('accept'), Type.Literal('reject')]), reason: Type.Optional(Reason) }, { additionalProperties: false }),
      response: { 200: Type.Object({ id: Type.String(), status: Type.Union([Type.Literal('accepted'), Type.Literal('rejected')]) }) },
    },
  }, async (request) => decideCorrection(ctx, request, request.params.id, request.body.decision, request.body.reason));
}
