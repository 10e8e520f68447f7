import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { UUID_PATTERN } from '../../platform/ids.js';
import { registerGroup } from './register.js';
import { pendingReviews, reviewGroup } from './review.js';
import { changeLevel, getJurisdiction, setJurisdiction } from './levels.js';
import { groupDetail } from './detail.js';
import { editGroup } from './edit.js';
import { confirmGroupContact } from './contact.js';

const IdParams = Type.Object({ id: Type.String({ pattern: UUID_PATTERN, description: 'group id' }) });
const Categories = Type.Array(Type.String({ maxLength: 40 }), { minItems: 1, maxItems: 20, uniqueItems: true });
const PersonName = Type.String({ minLength: 1, maxLength: 50 });
const Level = Type.Union(['basic', 'primary_group', 'primary_project', 'intermediate', 'advanced'].map((l) => Type.Literal(l)));
const JurisdictionBody = Type.Object({
  regions: Type.Array(Type.String({ pattern: '^[0-9]{6,12}$' }), { maxItems: 200, uniqueItems: true }),
  fields: Type.Array(Type.String({ maxLength: 40 }), { maxItems: 50, uniqueItems: true }),
  universities: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 200, uniqueItems: true }),
});
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

const GroupView = Type.Object({
  id: Type.String(), siteCode: Type.String(), name: Type.String(),
  type: Type.Union([Type.Literal('legal'), Type.Literal('non_legal')]),
  creditCode: Nullable(Type.String()), regionCode: Type.String(), regionName: Type.String(),
  serviceCategories: Type.Array(Type.String()), introduction: Type.String(),
  memberCount: Type.Number(), projectCount: Type.Number(), totalHours: Type.Number(),
  level: Type.String(), levelName: Type.String(), status: Type.String(), createdAt: Type.String(),
  contactName: Type.String(), contactPhone: Type.String({ description: 'masked: 138****5678' }),
  liaisonGroupId: Nullable(Type.String()), parentGroupId: Nullable(Type.String()),
  leaderName: Type.Optional(Type.String()), leaderIdNumber: Type.Optional(Type.String({ description: 'masked' })),
  email: Type.Optional(Type.String()), contactVerified: Type.Optional(Type.Boolean()), hasExemptPassword: Type.Optional(Type.Boolean()),
  review: Type.Optional(Type.Object({ reason: Nullable(Type.String()), reviewedAt: Nullable(Type.String()) })),
}, { description: 'leaderName, leaderIdNumber, email, contactVerified, hasExemptPassword and review only to the group itself, its authorities and its liaison group' });

/** Routes for registration, review, levels, detail and edits of volunteer groups. */
export async function groupRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { ctx } = app;

  app.post('/groups', {
    schema: {
      tags: ['groups'],
      summary: 'Registers a volunteer group (志愿团体注册); a sub-group when parentGroupId names the signed-in group',
      description: 'Errors: 422 CAPTCHA_INVALID, SITE_UNKNOWN, NAME_INVALID, CREDIT_CODE_REQUIRED, CREDIT_CODE_INVALID, REGION_INVALID, CATEGORY_INVALID, '
        + 'ID_NUMBER_INVALID, PHONE_INVALID, EMAIL_INVALID, USERNAME_INVALID, LIAISON_INVALID, PARENT_INVALID, PASSWORD_POLICY, SMS_CODE_INVALID; '
        + '409 USERNAME_TAKEN, CREDIT_CODE_REGISTERED, GROUP_NAME_TAKEN; with parentGroupId 401/404/403 GROUP_LEVEL_INSUFFICIENT.',
      body: Type.Object({
        siteCode: Type.String({ pattern: '^[0-9]{2}$' }),
        name: Type.String({ minLength: 1, maxLength: 100 }),
        legalPerson: Type.Boolean(),
        creditCode: Type.Optional(Type.String({ maxLength: 32, description: '统一社会信用代码; required when legalPerson' })),
        regionCode: Type.String({ pattern: '^[0-9]{6,12}$' }),
        serviceCategories: Categories,
        leaderName: PersonName,
        leaderIdNumber: Type.String({ minLength: 1, maxLength: 32 }),
        contactName: PersonName,
        contactPhone: Type.String({ minLength: 1, maxLength: 20 }),
        contactSmsCode: Type.String({ pattern: '^[0-9]{6}$', description: 'from POST /sms-codes, purpose contact' }),
        email: Type.String({ minLength: 3, maxLength: 254 }),
        username: Type.String({ minLength: 1, maxLength: 64 }),
        password: Type.String({ minLength: 1, maxLength: 256 }),
        liaisonGroupId: Type.Optional(Type.String({ pattern: UUID_PATTERN })),
        exemptPassword: Type.Optional(Type.String({ minLength: 4, maxLength: 32, description: '免审密码 for volunteers joining' })),
        parentGroupId: Type.Optional(Type.String({ pattern: UUID_PATTERN })),
        captchaId: Type.Optional(Type.String({ maxLength: 64 })),
        captchaAnswer: Type.Optional(Type.String({ maxLength: 16 })),
      }),
      response: { 201: Type.Object({ id: Type.String(), status: Type.Literal('pending') }) },
    },
  }, async (request, reply) => reply.status(201).send(await registerGroup(ctx, request, request.body)));

  app.get('/groups/pending-reviews', {
    schema: {
      tags: ['groups'],
      summary: 'Pending group registrations the caller may review (admin: all, optionally of one site; advanced group: its jurisdiction; any group: those that chose it as liaison)',
      querystring: Type.Object({
        siteCode: Type.Optional(Type.String({ pattern: '^[0-9]{2}$' })),
        page: Type.Integer({ minimum: 1, maximum: 100000, default: 1 }),
        pageSize: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
      }),
      response: {
        200: Type.Object({
          items: Type.Array(Type.Object({
            id: Type.String(), siteCode: Type.String(), name: Type.String(), type: Type.String(), regionCode: Type.String(), regionName: Type.String(),
            liaisonGroupId: Nullable(Type.String()), parentGroupId: Nullable(Type.String()), createdAt: Type.String(),
          })),
          total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer(),
        }),
      },
    },
  }, async (request) => pendingReviews(ctx, request, request.query));

  app.post('/groups/contact-verification', {
    schema: {
      tags: ['groups'],
      summary: 'Confirms a group\'s contact phone with a contact SMS code, for a group refused sign-in with CONTACT_UNVERIFIED',
      description: 'Errors: 422 CONTACT_VERIFICATION_FAILED (one answer for any mismatch); 429 TOO_MANY_ATTEMPTS.',
      security: [],
      body: Type.Object({
        username: Type.String({ minLength: 1, maxLength: 64 }),
        contactPhone: Type.String({ minLength: 1, maxLength: 20 }),
        smsCode: Type.String({ pattern: '^[0-9]{6}$' }),
      }),
      response: { 204: Type.Null() },
    },
  }, async (request, reply) => {
    await confirmGroupContact(ctx, request.body, request.ip);
    return reply.status(204).send(null);
  });

  app.get('/groups/:id', {
    schema: {
      tags: ['groups'], summary: 'A group\'s record (pending and rejected groups: only to themselves, their authorities and liaison)',
      params: IdParams, response: { 200: GroupView },
    },
  }, async (request) => groupDetail(ctx, request, request.params.id));

  app.patch('/groups/:id', {
    schema: {
      tags: ['groups'],
      summary: 'Edits the group\'s own record (by the group); a new contact phone needs contactSmsCode sent to it; exemptPassword null clears it',
      description: 'Errors: 422 SMS_CODE_REQUIRED, SMS_CODE_INVALID, PHONE_INVALID, EMAIL_INVALID, CATEGORY_INVALID, NAME_INVALID, ID_NUMBER_INVALID; 404 for another group.',
      params: IdParams,
      body: Type.Object({
        introduction: Type.Optional(Type.String({ maxLength: 5000 })),
        serviceCategories: Type.Optional(Categories),
        email: Type.Optional(Type.String({ minLength: 3, maxLength: 254 })),
        contactName: Type.Optional(PersonName),
        contactPhone: Type.Optional(Type.String({ minLength: 1, maxLength: 20 })),
        contactSmsCode: Type.Optional(Type.String({ pattern: '^[0-9]{6}$' })),
        exemptPassword: Type.Optional(Type.Union([Type.String({ minLength: 4, maxLength: 32 }), Type.Null()])),
        leaderName: Type.Optional(PersonName),
        leaderIdNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
      }),
      response: { 204: Type.Null() },
    },
  }, async (request, reply) => {
    await editGroup(ctx, request, request.params.id, request.body);
    return reply.status(204).send(null);
  });

  app.post('/groups/:id/review', {
    schema: {
      tags: ['groups'],
      summary: 'Approves or rejects a pending group (admin, advanced group over it, or its liaison group); the group is told by SMS and e-mail',
      description: 'Errors: 404 when the caller cannot see the group, 403 when they can but may not review it, 409 GROUP_ALREADY_REVIEWED, 422 REASON_REQUIRED.',
      params: IdParams,
      body: Type.Object({
        decision: Type.Union([Type.Literal('approve'), Type.Literal('reject')]),
        reason: Type.Optional(Type.String({ maxLength: 500 })),
      }),
      response: { 200: Type.Object({ id: Type.String(), status: Type.String(), level: Type.String() }) },
    },
  }, async (request) => reviewGroup(ctx, request, request.params.id, request.body));

  app.post('/groups/:id/level', {
    schema: {
      tags: ['groups'],
      summary: 'Promotes or demotes an approved group (admin or an advanced group over it; only admins grant or remove advanced)',
      description: 'Errors: 403 ADVANCED_ADMIN_ONLY, FORBIDDEN; 404 outside the caller\'s jurisdiction; 409 GROUP_NOT_APPROVED, LEVEL_UNCHANGED; 422 REASON_REQUIRED.',
      params: IdParams,
      body: Type.Object({ level: Level, reason: Type.String({ minLength: 1, maxLength: 500 }) }),
      response: { 200: Type.Object({ id: Type.String(), level: Type.String(), previousLevel: Type.String() }) },
    },
  }, async (request) => changeLevel(ctx, request, request.params.id, request.body as { level: 'basic'; reason: string }));

  app.get('/groups/:id/jurisdiction', {
    schema: { tags: ['groups'], summary: 'An advanced group\'s jurisdiction: regions, service fields, universities', params: IdParams, response: { 200: JurisdictionBody } },
  }, async (request) => getJurisdiction(ctx, request, request.params.id));

  app.put('/groups/:id/jurisdiction', {
    schema: {
      tags: ['groups'],
      summary: 'Sets an advanced group\'s jurisdiction (system administrators only); regions must lie inside the group\'s site',
      description: 'Errors: 409 GROUP_NOT_ADVANCED; 422 REGION_INVALID, FIELD_INVALID.',
      params: IdParams, body: JurisdictionBody, response: { 200: JurisdictionBody },
    },
  }, async (request) => setJurisdiction(ctx, request, request.params.id, request.body));
}
