import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { UUID_PATTERN } from '../../platform/ids.js';
import { deleteRecord, recordHours } from './record.js';
import { myHours, mySummary, projectHours } from './listing.js';

const Uuid = Type.String({ pattern: UUID_PATTERN });
const Params = Type.Object({ id: Uuid });
const Paging = { page: Type.Integer({ minimum: 1, default: 1 }), pageSize: Type.Integer({ minimum: 1, maximum: 100, default: 20 }) };
const Status = Type.Union([Type.Literal('effective'), Type.Literal('ineffective'), Type.Literal('deleted')]);
const NullableString = Type.Union([Type.String(), Type.Null()]);
const Page = <T extends ReturnType<typeof Type.Object>>(item: T) =>
  Type.Object({ items: Type.Array(item), total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer() });

// Row fields are checked by the handler rather than the schema, so a bad row is reported by its index with the rest.
const RecordRow = Type.Object({
  volunteerId: Type.String({ maxLength: 64 }),
  positionId: Type.Optional(Type.String({ maxLength: 64 })),
  serviceDate: Type.String({ maxLength: 10, description: 'YYYY-MM-DD, China time' }),
  startTime: Type.String({ maxLength: 5, description: 'HH:MM' }),
  endTime: Type.String({ maxLength: 5, description: 'HH:MM; earlier than startTime: the shift ends the next day' }),
  hours: Type.Number({ description: 'at most the span, two decimals' }),
  note: Type.Optional(Type.String({ maxLength: 500 })),
}, { additionalProperties: false });

/** Routes for service records (服务时长): recording, the public listing, and a volunteer's hours and totals. */
export async function serviceRecordRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { ctx } = app;

  app.post('/projects/:id/hours', {
    bodyLimit: 4 * 1024 * 1024,
    schema: {
      tags: ['hours'],
      summary: '记录服务时长: the organising group records a batch of hours; all rows or none',
      description: 'Errors: 403 NOT_ORGANISER (another group), GROUP_LEVEL_INSUFFICIENT; 404 NOT_FOUND; 422 HOURS_INVALID with ' +
        'errors [{field: "records[3].hours", code}] for each bad row; codes INVALID, HOURS_INVALID, HOURS_EXCEED_SPAN, FUTURE_DATE, ' +
        'OUTSIDE_PROJECT, NOT_ENROLLED, UNKNOWN (positionId), OVERLAP, DAILY_CAP (24 h per China day), EMPTY.',
      params: Params,
      body: Type.Object({ records: Type.Array(RecordRow, { maxItems: 10_000 }) }, { additionalProperties: false }),
      response: { 201: Type.Object({ created: Type.Integer(), ids: Type.Array(Type.String()) }) },
    },
  }, async (request, reply) => reply.status(201).send(await recordHours(ctx, request, request.params.id, request.body.records)));

  app.delete('/hours/:id', {
    schema: {
      tags: ['hours'],
      summary: '删除服务时长: the organising group marks a record deleted with a reason; the row and its history stay',
      description: 'Errors: 400 reason REQUIRED; 403 NOT_ORGANISER; 404 NOT_FOUND; 409 ALREADY_DELETED.',
      params: Params,
      body: Type.Object({ reason: Type.String({ maxLength: 500 }) }, { additionalProperties: false }),
      response: { 204: Type.Null() },
    },
  }, async (request, reply) => {
    await deleteRecord(ctx, request, request.params.id, request.body.reason);
    return reply.status(204).send(null);
  });

  app.get('/projects/:id/hours', {
    schema: {
      tags: ['hours'],
      summary: '时长公示: the public listing of a project\'s effective hours, names masked',
      params: Params,
      querystring: Type.Object(Paging),
      response: {
        200: Page(Type.Object({
          id: Type.String(), volunteerName: Type.String(), volunteerNumber: NullableString, serviceDate: Type.String(),
          startTime: Type.String(), endTime: Type.String(), hours: Type.Number(),
        })),
      },
    },
  }, async (request) => projectHours(ctx, request.params.id, request.query.page, request.query.pageSize));

  app.get('/me/hours', {
    schema: {
      tags: ['hours'],
      summary: '我的服务时长: the signed-in volunteer\'s records by status (default effective)',
      querystring: Type.Object({ status: Type.Optional(Status), ...Paging }),
      response: {
        200: Page(Type.Object({
          id: Type.String(), siteCode: Type.String(), projectId: Type.String(), projectName: Type.String(), serviceDate: Type.String(),
          startTime: Type.String(), endTime: Type.String(), hours: Type.Number(), note: NullableString, status: Status,
          ineffectiveReason: NullableString, deletedAt: NullableString, deletedReason: NullableString,
        })),
      },
    },
  }, async (request) => myHours(ctx, request, request.query.status ?? 'effective', request.query.page, request.query.pageSize));

  app.get('/me/summary', {
    schema: {
      tags: ['hours'],
      summary: '志愿者主页汇总: effective hours, stars (1–5 at 100/300/600/1000/1500 h), joined groups, enrolled projects',
      response: { 200: Type.Object({ totalHours: Type.Number(), stars: Type.Integer(), groups: Type.Integer(), projects: Type.Integer() }) },
    },
  }, async (request) => mySummary(ctx, request));
}
