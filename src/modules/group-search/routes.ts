import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { SERVICE_CATEGORY_CODES } from '../meta/catalog.js';
import { MAX_RESULTS, NAME_TOTAL_CAP, searchGroups, TOTAL_CAP } from './search.js';

const DATE = { pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description: 'YYYY-MM-DD, China time (+08:00), inclusive' };

/** Routes for GET /groups, the group search. */
export async function groupSearchRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { ctx } = app;

  app.get('/groups', {
    schema: {
      tags: ['groups'],
      summary: '志愿团体搜索: approved groups by site, region, category, type, size, id, name and registration date',
      description: `Public. Only approved groups are listed. \`regionCode\` matches the region and everything inside it. ` +
        `\`name\` is a case-insensitive substring (% and _ are literal). \`total\` is exact up to ${TOTAL_CAP} (or up to the end of ` +
        `the requested page when that is deeper; ${NAME_TOTAL_CAP} when searching by name); beyond that it says that many and ` +
        `\`totalCapped\` is true (show "${TOTAL_CAP}+"). A search whose only filter is a county or a one- or two-character name may ` +
        'be reported capped from the database statistics, without counting, when they put it far above the cap. ' +
        `Pages past the first ${MAX_RESULTS} results are refused (400, field page, TOO_DEEP): ` +
        'narrow the filters instead. The first pages of a search may be served from a short cache, so a just-approved or ' +
        'edited group can take a few seconds to appear. Bad filters: 400 VALIDATION_FAILED with `errors` naming each field ' +
        '(UNKNOWN_SITE, UNKNOWN_REGION, NOT_IN_SITE, BAD_DATE, BEFORE_FROM, BELOW_MIN, TOO_DEEP or a schema keyword).',
      security: [],
      querystring: Type.Object({
        siteCode: Type.Optional(Type.String({ pattern: '^[0-9]{2}$' })),
        regionCode: Type.Optional(Type.String({ pattern: '^([0-9]{6}|[0-9]{9})$', description: 'GB/T 2260 code; the region and all inside it' })),
        category: Type.Optional(Type.Union(SERVICE_CATEGORY_CODES.map((c) => Type.Literal(c)), { description: 'one service category code' })),
        type: Type.Optional(Type.Union([Type.Literal('legal'), Type.Literal('non_legal')])),
        minMembers: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000 })),
        maxMembers: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000 })),
        id: Type.Optional(Type.String({ format: 'uuid' })),
        name: Type.Optional(Type.String({ minLength: 1, maxLength: 50, description: 'substring of the name, case-insensitive' })),
        registeredFrom: Type.Optional(Type.String(DATE)),
        registeredTo: Type.Optional(Type.String(DATE)),
        sort: Type.Union([Type.Literal('newest'), Type.Literal('members'), Type.Literal('hours')], { default: 'newest' }),
        page: Type.Integer({ minimum: 1, maximum: TOTAL_CAP, default: 1 }),
        pageSize: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
      }, { additionalProperties: false }),
      response: {
        200: Type.Object({
          items: Type.Array(Type.Object({
            id: Type.String(),
            name: Type.String(),
            type: Type.Union([Type.Literal('legal'), Type.Literal('non_legal')]),
            siteCode: Type.String(),
            regionCode: Type.String(),
            regionName: Type.String(),
            serviceCategories: Type.Array(Type.String()),
            memberCount: Type.Integer(),
            totalHours: Type.Number(),
            level: Type.String(),
            createdAt: Type.String({ format: 'date-time' }),
          })),
          total: Type.Integer({ description: `exact up to ${TOTAL_CAP} (or to the end of a deeper page)` }),
          totalCapped: Type.Boolean({ description: 'true when more groups match than total says' }),
          page: Type.Integer(),
          pageSize: Type.Integer(),
        }),
      },
    },
  }, async (request) => searchGroups(ctx, request.query));
}
