import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { applyForRole, decideApplication } from './applications.js';
import { designateLegalRepresentative, grantRole, revokeRole } from './grants.js';
import { listActingPeople } from './list.js';
import { listSpaces, switchSpace } from './spaces.js';

const Uuid = Type.String({ format: 'uuid' });
const GroupParams = Type.Object({ id: Uuid });
const PersonParams = Type.Object({ id: Uuid, personAccountId: Uuid });
const Role = Type.Union([Type.Literal('legal_representative'), Type.Literal('administrator'), Type.Literal('operator')]);
const Status = Type.Union([Type.Literal('pending'), Type.Literal('active'), Type.Literal('rejected'), Type.Literal('revoked')]);
const RoleResult = Type.Object({
  groupId: Type.String(),
  personAccountId: Type.String(),
  username: Type.Optional(Type.String()),
  role: Role,
  status: Status,
  previous: Type.Optional(Type.Array(Type.String())),
});
const Space = Type.Union([Type.Null(), Type.Object({ groupId: Type.String(), name: Type.String(), role: Role })]);

/** Routes for people acting for groups and the organisation space (seed 004 §五). */
export async function actingRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { ctx } = app;

  app.post('/groups/:id/acting/applications', {
    schema: {
      tags: ['acting'],
      summary: '申请团体授权: a signed-in person asks to act for the group as operator (经办人) or administrator (管理员)',
      description: 'Errors: 403 ACTING_PERSON_ONLY (group and administrator accounts), 404 group unknown, 422 REALNAME_REQUIRED, 409 ACTING_ROLE_EXISTS (already pending or active).',
      params: GroupParams,
      body: Type.Object({ role: Type.Union([Type.Literal('operator'), Type.Literal('administrator')]) }),
      response: { 201: RoleResult },
    },
  }, async (request, reply) => reply.status(201).send(await applyForRole(ctx, request, request.params.id, request.body.role)));

  app.post('/groups/:id/acting/legal-representative', {
    schema: {
      tags: ['acting'],
      summary: '指定法定代表人: the group account (its registered leader only) or a system administrator designates a person; the previous one loses the role',
      description: 'Errors: 422 PERSON_MISMATCH (username, name and ID number do not belong together), 422 LEADER_MISMATCH (not the registered leader), 422 REALNAME_REQUIRED, 403 ACTING_ROLE_INSUFFICIENT.',
      params: GroupParams,
      body: Type.Object({
        username: Type.String({ minLength: 1, maxLength: 64 }),
        name: Type.String({ minLength: 1, maxLength: 50 }),
        idNumber: Type.String({ minLength: 1, maxLength: 32 }),
      }),
      response: { 201: RoleResult },
    },
  }, async (request, reply) => reply.status(201).send(await designateLegalRepresentative(ctx, request, request.params.id, request.body)));

  app.post('/groups/:id/acting/grants', {
    schema: {
      tags: ['acting'],
      summary: '授权: legal representative grants administrators and operators, an administrator grants operators; active at once',
      description: 'Errors: 403 ACTING_ROLE_INSUFFICIENT, 404 PERSON_NOT_FOUND, 422 REALNAME_REQUIRED, 409 ACTING_ROLE_EXISTS.',
      params: GroupParams,
      body: Type.Object({
        username: Type.String({ minLength: 1, maxLength: 64 }),
        role: Type.Union([Type.Literal('administrator'), Type.Literal('operator')]),
      }),
      response: { 201: RoleResult },
    },
  }, async (request, reply) => reply.status(201).send(await grantRole(ctx, request, request.params.id, request.body)));

  app.post('/groups/:id/acting/:personAccountId/decision', {
    schema: {
      tags: ['acting'],
      summary: '审核授权申请: administrator applications by the legal representative or group account; operator applications also by administrators',
      description: 'Errors: 403 ACTING_ROLE_INSUFFICIENT, 404 no such application, 409 ACTING_NOT_PENDING.',
      params: PersonParams,
      body: Type.Object({
        decision: Type.Union([Type.Literal('approve'), Type.Literal('reject')]),
        reason: Type.Optional(Type.String({ maxLength: 500 })),
      }),
      response: { 200: RoleResult },
    },
  }, async (request) => decideApplication(ctx, request, request.params.id, request.params.personAccountId, request.body));

  app.delete('/groups/:id/acting/:personAccountId', {
    schema: {
      tags: ['acting'],
      summary: '取消授权: who may grant a role may revoke it; a person may give up their own role or withdraw an application',
      description: "The person's sessions leave the group's space at once. Errors: 403 ACTING_ROLE_INSUFFICIENT, 404 no active role or pending application.",
      params: PersonParams,
      response: { 204: Type.Null() },
    },
  }, async (request, reply) => {
    await revokeRole(ctx, request, request.params.id, request.params.personAccountId);
    return reply.status(204).send(null);
  });

  app.get('/groups/:id/acting', {
    schema: {
      tags: ['acting'],
      summary: "团体授权人员: the group's legal representative, administrators and operators with their applications; numbers masked",
      description: 'For the group account, its legal representative and administrators (operators: 403); other groups: 404.',
      params: GroupParams,
      querystring: Type.Object({
        status: Type.Optional(Status),
        page: Type.Integer({ minimum: 1, default: 1 }),
        pageSize: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
      }),
      response: {
        200: Type.Object({
          items: Type.Array(Type.Object({
            personAccountId: Type.String(), username: Type.String(), name: Type.String(),
            idNumber: Type.Union([Type.String(), Type.Null()]), phone: Type.Union([Type.String(), Type.Null()]),
            role: Role, status: Status, requestedAt: Type.String({ format: 'date-time' }),
            decidedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]), decidedBy: Type.Union([Type.String(), Type.Null()]),
          })),
          total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer(),
        }),
      },
    },
  }, async (request) => listActingPeople(ctx, request, request.params.id, request.query));

  app.get('/me/spaces', {
    schema: {
      tags: ['acting'],
      summary: '我的空间: the group spaces this person may enter (active roles) and the one the current session is in (null = personal space)',
      response: {
        200: Type.Object({
          current: Space,
          items: Type.Array(Type.Object({ groupId: Type.String(), name: Type.String(), siteCode: Type.String(), role: Role })),
        }),
      },
    },
  }, async (request) => listSpaces(ctx, request));

  app.post('/me/space', {
    schema: {
      tags: ['acting'],
      summary: '切换空间: moves the current session into a group space (groupId) or back to personal space (null)',
      description: 'Errors: 404 no active role for that group; 403 ACTING_PERSON_ONLY for group and administrator accounts.',
      // Null first: with body coercion a null must not be turned into an empty string by the string branch.
      body: Type.Object({ groupId: Type.Union([Type.Null(), Uuid]) }),
      response: { 200: Type.Object({ current: Space }) },
    },
  }, async (request) => switchSpace(ctx, request, request.body.groupId));
}
