import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireAccount } from '../../platform/auth-guard.js';
import { normalizePhone } from '../identity/documents.js';
import { lookupKey } from '../accounts/lookups.js';
import { AppError } from '../../platform/errors.js';
import { createUnit, getUnit, listUnits, setUnitAdmin } from './units.js';
import { addStaff, getStaff, listStaff } from './staff.js';
import { addPostForExisting, updatePost } from './posts.js';
import { approveResetRequest, dismissResetRequest, listResetRequests } from './reset-requests.js';
import { POST_OPTIONS } from './text.js';

const Uuid = Type.String({ format: 'uuid' });
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const Paging = { page: Type.Integer({ minimum: 1, default: 1 }), pageSize: Type.Integer({ minimum: 1, maximum: 100, default: 20 }) };
const list = <T extends ReturnType<typeof Type.Object>>(item: T) => Type.Object({ items: Type.Array(item), total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer() });

const UnitSchema = Type.Object({
  id: Type.String(), siteCode: Type.String(), name: Type.String(), parentId: Nullable(Type.String()),
  regionCode: Nullable(Type.String()), regionName: Nullable(Type.String()),
});

const PostFields = {
  positionTitle: Type.Optional(Type.String({ maxLength: 50, description: '职务' })),
  staffingCategory: Type.Optional(Type.String({ maxLength: 30, description: '人员编制 (empty string clears)' })),
  rank: Type.Optional(Type.String({ maxLength: 30, description: '职级' })),
  staffRole: Type.Optional(Type.String({ maxLength: 30, description: '人员角色' })),
};
const PostKind = Type.Union([Type.Literal('main'), Type.Literal('part_time')], { description: 'main: 主职; part_time: 兼职/挂职' });

const PostSchema = Type.Object({
  id: Type.String(), unitId: Type.String(), unitName: Type.String(), kind: Type.String(),
  positionTitle: Nullable(Type.String()), staffingCategory: Nullable(Type.String()), rank: Nullable(Type.String()), staffRole: Nullable(Type.String()),
  complete: Type.Boolean(),
});
const StaffSchema = Type.Object({
  accountId: Type.String(), username: Type.String(), name: Type.String(),
  phone: Nullable(Type.String({ description: 'masked: 131****0844' })), idNumber: Type.String({ description: 'masked' }),
  status: Type.String({ description: 'active | inactive (not activated yet) | disabled' }),
  profileComplete: Type.Boolean(), unitAdmin: Type.Boolean(), posts: Type.Array(PostSchema),
});
const RequestSchema = Type.Object({
  id: Type.String(), accountId: Type.String(), username: Type.String(), name: Type.String(), phone: Nullable(Type.String()),
  status: Type.String(), requestedAt: Type.String(), decidedAt: Nullable(Type.String()), profileComplete: Type.Boolean(),
});

export async function unitRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { ctx } = app;
  const unitParams = Type.Object({ unitId: Uuid });

  app.post('/units', {
    schema: {
      tags: ['units'], summary: 'Creates a government unit (系统管理员)',
      description: 'Errors: 403 FORBIDDEN; 422 SITE_UNKNOWN, PARENT_INVALID, REGION_INVALID.',
      body: Type.Object({
        siteCode: Type.String({ pattern: '^[0-9]{2}$' }), name: Type.String({ minLength: 1, maxLength: 100 }),
        parentId: Type.Optional(Uuid), regionCode: Type.Optional(Type.String({ pattern: '^[0-9]{6,12}$' })),
      }),
      response: { 201: UnitSchema },
    },
  }, async (request, reply) => reply.status(201).send(await createUnit(ctx, requireAccount(request), request.body, request.ip)));

  app.get('/units', {
    schema: {
      tags: ['units'], summary: 'Units you administer (system administrators: every unit)',
      querystring: Type.Object({ siteCode: Type.Optional(Type.String({ pattern: '^[0-9]{2}$' })), q: Type.Optional(Type.String({ maxLength: 50 })), ...Paging }),
      response: { 200: list(UnitSchema) },
    },
  }, async (request) => listUnits(ctx, requireAccount(request), request.query));

  app.get('/units/post-options', {
    schema: {
      tags: ['units'], summary: 'Suggested values for 人员编制, 职级 and 人员角色 (free text is accepted too)',
      response: { 200: Type.Object({ staffingCategory: Type.Array(Type.String()), rank: Type.Array(Type.String()), staffRole: Type.Array(Type.String()) }) },
    },
  }, async (request) => {
    requireAccount(request);
    return { staffingCategory: [...POST_OPTIONS.staffingCategory], rank: [...POST_OPTIONS.rank], staffRole: [...POST_OPTIONS.staffRole] };
  });

  app.get('/units/:unitId', {
    schema: {
      tags: ['units'], summary: 'A unit: its administrators, number of staff and of incomplete records',
      description: '404 UNIT_NOT_FOUND when it does not exist or you do not administer it.',
      params: unitParams,
      response: {
        200: Type.Object({
          ...UnitSchema.properties,
          admins: Type.Array(Type.Object({ accountId: Type.String(), username: Type.String(), name: Type.String() })),
          staffCount: Type.Integer(), incompleteCount: Type.Integer(),
        }),
      },
    },
  }, async (request) => getUnit(ctx, requireAccount(request), request.params.unitId));

  for (const method of ['PUT', 'DELETE'] as const) {
    app.route({
      method, url: '/units/:unitId/admins/:accountId',
      schema: {
        tags: ['units'], summary: method === 'PUT' ? 'Appoints one of the unit\'s staff as its administrator (系统管理员)' : 'Removes a unit administrator (系统管理员)',
        description: 'Errors: 403 FORBIDDEN; 404 UNIT_NOT_FOUND; 422 NOT_UNIT_STAFF.',
        params: Type.Object({ unitId: Uuid, accountId: Uuid }),
        response: { 204: Type.Null() },
      },
      handler: async (request, reply) => {
        const params = request.params as { unitId: string; accountId: string };
        await setUnitAdmin(ctx, requireAccount(request), params.unitId, params.accountId, method === 'PUT', request.ip);
        return reply.status(204).send(null);
      },
    });
  }

  app.get('/units/:unitId/staff', {
    schema: {
      tags: ['units'], summary: '工作人员管理: the unit\'s staff; search by phone, ID number, username or name (phones and ID numbers masked)',
      params: unitParams,
      querystring: Type.Object({
        q: Type.Optional(Type.String({ maxLength: 50, description: 'a full phone or ID number (exact), a username (exact) or part of a name' })),
        incomplete: Type.Optional(Type.Boolean({ description: 'only people whose 人员编制/职级/人员角色 are missing somewhere' })),
        ...Paging,
      }),
      response: { 200: list(StaffSchema) },
    },
  }, async (request) => listStaff(ctx, requireAccount(request), request.params.unitId, request.query));

  app.post('/units/:unitId/staff', {
    schema: {
      tags: ['units'],
      summary: 'Adds one staff member: an inactive staff account with a post in this unit; the person gets an SMS to activate',
      description: 'Same checks as an import row. Errors: 422 STAFF_INVALID (every problem in errors); 409 ID_NUMBER_REGISTERED, PHONE_REGISTERED, USERNAME_TAKEN; 404 UNIT_NOT_FOUND.',
      params: unitParams,
      body: Type.Object({
        name: Type.String({ minLength: 1, maxLength: 50 }),
        idType: Type.Optional(Type.Union([Type.Literal('resident_id'), Type.Literal('passport'), Type.Literal('hk_macao_permit'), Type.Literal('taiwan_permit')])),
        idNumber: Type.String({ minLength: 1, maxLength: 32 }),
        phone: Type.String({ minLength: 1, maxLength: 20 }),
        email: Type.Optional(Type.String({ maxLength: 254 })),
        username: Type.Optional(Type.String({ maxLength: 64, description: 'generated (zy + 8 characters) when absent' })),
        post: Type.Optional(Type.Object({ kind: Type.Optional(PostKind), ...PostFields })),
      }),
      response: { 201: Type.Object({ id: Type.String(), username: Type.String(), status: Type.String() }) },
    },
  }, async (request, reply) => reply.status(201).send(await addStaff(ctx, requireAccount(request), request.params.unitId, request.body, request.ip)));

  app.post('/units/:unitId/posts', {
    schema: {
      tags: ['units'],
      summary: 'Adds a post in this unit for an existing staff account, found by phone + name (e.g. a 兼职/挂职)',
      description: 'Errors: 404 NO_MATCH; 409 POST_EXISTS, MAIN_POST_EXISTS.',
      params: unitParams,
      body: Type.Object({ phone: Type.String({ minLength: 1, maxLength: 20 }), name: Type.String({ minLength: 1, maxLength: 50 }), kind: Type.Optional(PostKind), ...PostFields }),
      response: { 201: StaffSchema },
    },
  }, async (request, reply) => {
    const phone = normalizePhone(request.body.phone);
    if (!phone) throw new AppError(404, 'NO_MATCH', '未找到手机号码和姓名都匹配的工作人员账号');
    const view = await addPostForExisting(ctx, requireAccount(request), request.params.unitId, {
      ...request.body, phoneKey: lookupKey(ctx.cipher, 'phone', phone), kind: request.body.kind ?? 'part_time',
    }, request.ip);
    return reply.status(201).send(view);
  });

  app.get('/units/:unitId/staff/:accountId', {
    schema: {
      tags: ['units'], summary: 'One staff member of the unit, with every post',
      params: Type.Object({ unitId: Uuid, accountId: Uuid }),
      response: { 200: StaffSchema },
    },
  }, async (request) => getStaff(ctx, requireAccount(request), request.params.unitId, request.params.accountId));

  app.patch('/units/:unitId/staff/:accountId/posts/:postId', {
    schema: {
      tags: ['units'],
      summary: '完善数据: sets a post\'s 人员编制, 职级, 人员角色 (and 职务)',
      description:
        'The administrators of the post\'s unit, or of the person\'s main unit (所在单位), may edit it. Once every post has all three, ' +
        'the person can sign in (until then 403 PROFILE_INCOMPLETE). Errors: 404 UNIT_NOT_FOUND, POST_NOT_FOUND.',
      params: Type.Object({ unitId: Uuid, accountId: Uuid, postId: Uuid }),
      body: Type.Object(PostFields),
      response: { 200: StaffSchema },
    },
  }, async (request) => updatePost(ctx, requireAccount(request), request.params, request.body, request.ip));

  app.get('/units/:unitId/reset-requests', {
    schema: {
      tags: ['units'], summary: '通过管理员找回密码: requests from the unit\'s staff',
      params: unitParams,
      querystring: Type.Object({
        status: Type.Union([Type.Literal('pending'), Type.Literal('approved'), Type.Literal('dismissed')], { default: 'pending' }),
        ...Paging,
      }),
      response: { 200: list(RequestSchema) },
    },
  }, async (request) => listResetRequests(ctx, requireAccount(request), request.params.unitId, request.query));

  app.post('/units/:unitId/reset-requests/:id/approve', {
    schema: {
      tags: ['units'],
      summary: 'Approves a request: the account must be activated again (SMS code + new password); the person is told by SMS',
      description: 'Errors: 404 REQUEST_NOT_FOUND (also for another unit\'s requests); 409 PROFILE_INCOMPLETE (complete the posts first).',
      params: Type.Object({ unitId: Uuid, id: Uuid }),
      response: { 200: Type.Object({ status: Type.String(), sentTo: Nullable(Type.String()) }) },
    },
  }, async (request) => approveResetRequest(ctx, requireAccount(request), request.params.unitId, request.params.id, request.ip));

  app.post('/units/:unitId/reset-requests/:id/dismiss', {
    schema: {
      tags: ['units'], summary: 'Closes a request without re-opening the account',
      params: Type.Object({ unitId: Uuid, id: Uuid }),
      response: { 204: Type.Null() },
    },
  }, async (request, reply) => {
    await dismissResetRequest(ctx, requireAccount(request), request.params.unitId, request.params.id, request.ip);
    return reply.status(204).send(null);
  });
}
