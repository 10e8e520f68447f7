import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { UUID_PATTERN } from '../../platform/ids.js';
import { audit } from '../../platform/audit.js';
import { requireAccount } from '../../platform/auth-guard.js';
import { applyToGroup } from './apply.js';
import { decideApplication, leaveGroup, removeMember } from './decide.js';
import { requireMemberManager } from './access.js';
import { exportMembers, listMembers } from './list.js';
import { myGroupLimits, myGroups } from './my-groups.js';
import { EXPORT_FILE_NAME } from './text.js';

const Uuid = Type.String({ pattern: UUID_PATTERN });
const GroupParams = Type.Object({ id: Uuid });
const MemberParams = Type.Object({ id: Uuid, accountId: Uuid });
const SiteCode = Type.String({ pattern: '^[0-9]{2}$' });
const Paging = { page: Type.Integer({ minimum: 1, default: 1 }), pageSize: Type.Integer({ minimum: 1, maximum: 100, default: 20 }) };
const MemberStatusEnum = Type.Union([Type.Literal('pending'), Type.Literal('joined'), Type.Literal('rejected'), Type.Literal('left'), Type.Literal('removed')]);
const Via = Type.Union([Type.Literal('application'), Type.Literal('exempt_password'), Type.Literal('import')]);
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

const MemberItem = Type.Object({
  accountId: Type.String(), name: Type.String(), username: Type.String(), volunteerNumber: Nullable(Type.String()),
  gender: Type.Union([Type.Literal('male'), Type.Literal('female'), Type.Null()]), phone: Nullable(Type.String()),
  status: MemberStatusEnum, via: Via, reason: Nullable(Type.String()), appliedAt: Type.String(), decidedAt: Nullable(Type.String()),
});
const MyGroupItem = Type.Object({
  groupId: Type.String(), groupName: Type.String(), siteCode: Type.String(), regionCode: Type.String(), regionName: Type.String(),
  memberCount: Type.Integer(), status: MemberStatusEnum, via: Via, appliedAt: Type.String(), decidedAt: Nullable(Type.String()),
  reason: Nullable(Type.String()),
});
const MemberQuery = {
  status: Type.Optional(MemberStatusEnum),
  q: Type.Optional(Type.String({ maxLength: 50, description: 'name, username, volunteer number or phone number' })),
};

/** Routes for group membership: apply, decide, leave, remove, my groups, member lists. */
export async function memberRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { ctx } = app;

  app.post('/groups/:id/members', {
    schema: {
      tags: ['groups'],
      summary: '申请加入志愿团体: the signed-in, real-name verified volunteer applies; a correct 免审密码 joins at once',
      description: 'Errors: 403 REALNAME_REQUIRED; 404 NOT_FOUND; 409 GROUP_NOT_ACCEPTING, ALREADY_MEMBER, ALREADY_APPLIED, ' +
        'GROUP_LIMIT_REACHED (20 groups joined + pending per site); 422 EXEMPT_PASSWORD_WRONG; 429 EXEMPT_PASSWORD_THROTTLED (5 tries per hour per group).',
      params: GroupParams,
      body: Type.Object({ exemptPassword: Type.Optional(Type.String({ maxLength: 64 })) }, { additionalProperties: false }),
      response: { 201: Type.Object({ status: Type.Union([Type.Literal('pending'), Type.Literal('joined')]) }) },
    },
    // The usual "我要加入" click sends no body at all.
    preValidation: async (request) => { request.body ??= {}; },
  }, async (request, reply) => reply.status(201).send(await applyToGroup(ctx, request, request.params.id, request.body?.exemptPassword)));

  app.post('/groups/:id/members/:accountId/decision', {
    schema: {
      tags: ['groups'],
      summary: '审核入团申请: approve or reject a pending application (by the group, or an authority over it)',
      description: 'reason is required when rejecting; a rejection frees the volunteer\'s slot. Errors: 404 NOT_FOUND (also outside a jurisdiction); 409 NOT_PENDING.',
      params: MemberParams,
      body: Type.Object({
        decision: Type.Union([Type.Literal('approve'), Type.Literal('reject')]),
        reason: Type.Optional(Type.String({ maxLength: 500 })),
      }, { additionalProperties: false }),
      response: { 200: Type.Object({ status: Type.Union([Type.Literal('joined'), Type.Literal('rejected')]) }) },
    },
  }, async (request) => decideApplication(ctx, request, request.params.id, request.params.accountId, request.body));

  app.delete('/groups/:id/members/me', {
    schema: {
      tags: ['groups'],
      summary: '退出志愿团体: the volunteer leaves a group or withdraws a pending application',
      params: GroupParams,
      response: { 204: Type.Null() },
    },
  }, async (request, reply) => {
    await leaveGroup(ctx, request, request.params.id);
    return reply.status(204).send(null);
  });

  app.delete('/groups/:id/members/:accountId', {
    schema: {
      tags: ['groups'],
      summary: '移除团体成员: the group (or an authority over it) removes a joined member, with a reason',
      description: 'Errors: 400 VALIDATION_FAILED (reason); 404 NOT_FOUND; 409 NOT_MEMBER.',
      params: MemberParams,
      body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false }),
      response: { 204: Type.Null() },
    },
  }, async (request, reply) => {
    await removeMember(ctx, request, request.params.id, request.params.accountId, request.body.reason);
    return reply.status(204).send(null);
  });

  app.get('/me/groups', {
    schema: {
      tags: ['groups'],
      summary: '我的团体: the signed-in volunteer\'s groups by tab (已加入 joined / 申请中 pending / 被拒绝 rejected)',
      querystring: Type.Object({
        status: Type.Optional(Type.Union([Type.Literal('joined'), Type.Literal('pending'), Type.Literal('rejected')])),
        siteCode: Type.Optional(SiteCode),
        ...Paging,
      }),
      response: { 200: Type.Object({ items: Type.Array(MyGroupItem), total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer() }) },
    },
  }, async (request) => {
    const account = requireAccount(request, 'volunteer');
    const { status, siteCode, page, pageSize } = request.query;
    return myGroups(ctx, account.id, { status, siteCode }, page, pageSize);
  });

  app.get('/me/groups/limits', {
    schema: {
      tags: ['groups'],
      summary: 'How many groups (joined + pending) the volunteer holds in a site, against the limit of 20',
      querystring: Type.Object({ siteCode: Type.Optional(SiteCode) }),
      response: { 200: Type.Object({ siteCode: Type.String(), used: Type.Integer(), limit: Type.Integer() }) },
    },
  }, async (request) => {
    const account = requireAccount(request, 'volunteer');
    return myGroupLimits(ctx, account.id, request.query.siteCode ?? account.siteCode);
  });

  app.get('/groups/:id/members', {
    schema: {
      tags: ['groups'],
      summary: '团体成员列表: by the group (manage_members) or an authority over it; phone numbers masked',
      description: 'q searches name and username (contains), volunteer number and phone number (exact). Others get 404.',
      params: GroupParams,
      querystring: Type.Object({ ...MemberQuery, ...Paging }),
      response: { 200: Type.Object({ items: Type.Array(MemberItem), total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer() }) },
    },
  }, async (request) => {
    const manager = await requireMemberManager(ctx, request, request.params.id);
    const { status, q, page, pageSize } = request.query;
    return listMembers(ctx, manager.group, { status, q }, page, pageSize);
  });

  app.get('/groups/:id/members/export.xlsx', {
    schema: {
      tags: ['groups'],
      summary: '导出团体成员: the member list as an .xlsx workbook (Chinese headers, masked phone numbers, at most 50,000 rows)',
      description: 'Errors: 404 NOT_FOUND; 422 EXPORT_TOO_LARGE.',
      params: GroupParams,
      querystring: Type.Object(MemberQuery),
      produces: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    },
  }, async (request, reply) => {
    const manager = await requireMemberManager(ctx, request, request.params.id);
    const { status, q } = request.query;
    const { buffer, rows } = await exportMembers(ctx, manager.group, { status, q });
    // Exporting personal data is itself recorded, with who did it and how many rows left the system.
    await audit(ctx.db, {
      actor: manager.actor, action: 'group.member.export', target: { type: 'group', id: manager.group.id }, siteCode: manager.group.siteCode,
      ip: request.ip, outcome: 'success', detail: { groupId: manager.group.id, role: manager.role, authorityGroupId: manager.authorityGroupId, rows, status: status ?? null },
    }, ctx.now());
    return reply
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', `attachment; filename="members.xlsx"; filename*=UTF-8''${encodeURIComponent(EXPORT_FILE_NAME)}`)
      .header('cache-control', 'no-store')
      .send(buffer);
  });
}
