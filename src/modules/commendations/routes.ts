import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { UUID_PATTERN } from '../../platform/ids.js';
import { grantCommendation, groupCommendations, myCommendations, revokeCommendation } from './commendations.js';

const Uuid = Type.String({ pattern: UUID_PATTERN });
const Params = Type.Object({ id: Uuid });
const NullableString = Type.Union([Type.String(), Type.Null()]);
const Paging = { page: Type.Integer({ minimum: 1, default: 1 }), pageSize: Type.Integer({ minimum: 1, maximum: 100, default: 20 }) };
const Level = Type.Union([Type.Literal('national'), Type.Literal('provincial'), Type.Literal('city'), Type.Literal('county'), Type.Literal('group')]);
const GrantedAs = Type.Union([Type.Literal('group'), Type.Literal('authority'), Type.Literal('admin')]);
const Status = Type.Union([Type.Literal('active'), Type.Literal('revoked')]);
const Page = <T extends ReturnType<typeof Type.Object>>(item: T) =>
  Type.Object({ items: Type.Array(item), total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer() });

/** Routes for commendations (表彰). */
export async function commendationRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { ctx } = app;

  app.post('/groups/:id/commendations', {
    schema: {
      tags: ['commendations'],
      summary: '表彰: a group (group level only) or an authority over it (any level) commends a member or a volunteer with records in its projects',
      description: 'Errors: 400 VALIDATION_FAILED; 401; 403 NOT_GROUP_MANAGER (another group, a volunteer), GROUP_LEVEL_INSUFFICIENT; '
        + '404 NOT_FOUND (group); 409 COMMENDATION_EXISTS (same volunteer, title and date); 422 LEVEL_NOT_ALLOWED (a group granting above '
        + 'group level), TITLE_REQUIRED, DATE_INVALID (not a date or in the future), VOLUNTEER_NOT_FOUND, NOT_RELATED (neither a joined member '
        + 'nor a volunteer with a record in the group\'s projects).',
      params: Params,
      body: Type.Object({
        accountId: Uuid,
        title: Type.String({ minLength: 1, maxLength: 100 }),
        level: Level,
        grantedOn: Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' }),
        note: Type.Optional(Type.String({ maxLength: 500 })),
      }, { additionalProperties: false }),
      response: { 201: Type.Object({ id: Type.String(), status: Type.Literal('active') }) },
    },
  }, async (request, reply) => reply.status(201).send(await grantCommendation(ctx, request, request.params.id, request.body)));

  app.get('/groups/:id/commendations', {
    schema: {
      tags: ['commendations'],
      summary: '团体表彰记录: a group\'s commendations, for the group and its authorities; full names',
      description: 'Errors: 401; 403 NOT_GROUP_MANAGER; 404 NOT_FOUND.',
      params: Params,
      querystring: Type.Object({ status: Type.Optional(Status), ...Paging }),
      response: {
        200: Page(Type.Object({
          id: Type.String(), accountId: Type.String(), volunteerName: Type.String(), volunteerNumber: NullableString, title: Type.String(),
          level: Level, levelName: Type.String(), grantedOn: Type.String(), note: NullableString, grantedAs: GrantedAs, status: Status,
          revokedAt: NullableString, revokedReason: NullableString, createdAt: Type.String(),
        })),
      },
    },
  }, async (request) => groupCommendations(ctx, request, request.params.id, request.query.status, request.query.page, request.query.pageSize));

  app.get('/me/commendations', {
    schema: {
      tags: ['commendations'],
      summary: '我的表彰: the signed-in volunteer\'s commendations in force, newest first',
      description: 'Errors: 401; 403 FORBIDDEN (not a volunteer).',
      querystring: Type.Object(Paging),
      response: {
        200: Page(Type.Object({
          id: Type.String(), title: Type.String(), level: Level, levelName: Type.String(), grantedOn: Type.String(), note: NullableString,
          grantedAs: GrantedAs, groupId: Type.String(), groupName: Type.String(), siteCode: Type.String(), createdAt: Type.String(),
        })),
      },
    },
  }, async (request) => myCommendations(ctx, request, request.query.page, request.query.pageSize));

  app.delete('/commendations/:id', {
    schema: {
      tags: ['commendations'],
      summary: '撤销表彰: the granting group or an authority over it revokes a commendation with a reason (audited)',
      description: 'Errors: 400 reason REQUIRED; 401; 403 NOT_GROUP_MANAGER, GRANTOR_ONLY (a group revoking what an authority granted); '
        + '404 NOT_FOUND; 409 ALREADY_REVOKED.',
      params: Params,
      body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false }),
      response: { 204: Type.Null() },
    },
  }, async (request, reply) => {
    await revokeCommendation(ctx, request, request.params.id, request.body.reason);
    return reply.status(204).send(null);
  });
}
