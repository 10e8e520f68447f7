import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { myTransfers, transferRecords } from './transfer.js';
import { TRANSFER_INTERVAL_DAYS } from './text.js';

const NullableString = Type.Union([Type.String(), Type.Null()]);
const Paging = { page: Type.Integer({ minimum: 1, default: 1 }), pageSize: Type.Integer({ minimum: 1, maximum: 100, default: 20 }) };
const Transfer = Type.Object({
  id: Type.String(),
  fromSiteCode: Type.String(), fromSiteName: Type.String(), fromRegionCode: NullableString, fromRegionName: NullableString,
  toSiteCode: Type.String(), toSiteName: Type.String(), toRegionCode: Type.String(), toRegionName: Type.String(),
  reason: NullableString, createdAt: Type.String(),
});

/** Routes for record transfers (记录转移). */
export async function recordTransferRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { ctx } = app;

  app.post('/me/transfers', {
    schema: {
      tags: ['record-transfers'],
      summary: '记录转移: a verified volunteer moves home site and service region; every record follows, no approval',
      description: 'The service region must be a county, town or a city without counties inside the chosen site. Records, enrolments '
        + 'and memberships stay where they were organised and keep showing to the volunteer; per-site limits are those of the organiser\'s '
        + 'site, so pending applications in the old site stay counted there. GET /me and the next sign-in show the new site (the session '
        + `stays valid). At most one transfer per ${TRANSFER_INTERVAL_DAYS} days. Errors: 401; 403 FORBIDDEN (not a volunteer), `
        + 'REALNAME_REQUIRED; 422 SITE_INVALID, REGION_INVALID, SAME_REGION; 429 TRANSFER_TOO_SOON (retryAfter seconds).',
      body: Type.Object({
        siteCode: Type.String({ pattern: '^[0-9]{2}$' }),
        regionCode: Type.String({ pattern: '^([0-9]{6}|[0-9]{9})$', description: 'GB/T 2260 county (6 digits) or town (9 digits)' }),
        reason: Type.Optional(Type.String({ maxLength: 200 })),
      }, { additionalProperties: false }),
      response: { 201: Transfer },
    },
  }, async (request, reply) => reply.status(201).send(await transferRecords(ctx, request, request.body)));

  app.get('/me/transfers', {
    schema: {
      tags: ['record-transfers'],
      summary: '转移记录: the signed-in volunteer\'s record transfers, newest first',
      description: 'Errors: 401; 403 FORBIDDEN (not a volunteer).',
      querystring: Type.Object(Paging),
      response: { 200: Type.Object({ items: Type.Array(Transfer), total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer() }) },
    },
  }, async (request) => myTransfers(ctx, request, request.query.page, request.query.pageSize));
}
