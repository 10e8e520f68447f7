import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireAccount } from '../../platform/auth-guard.js';
import { UUID_PATTERN } from '../../platform/ids.js';
import { createFaceProvider, type FaceProvider } from './face-provider.js';
import { decideFaceCheck, listFaceChecks, readFacePhoto, submitFaceCheck } from './face.js';
import { openTicket, requireTicket, TICKET_MINUTES } from './tickets.js';
import { viewAccount } from './account.js';
import { resetPasswordBySelfService } from './password.js';
import { changeContact } from './contact.js';
import { changeUsername } from './username.js';
import { changeName } from './name.js';

/** The OpenAPI security scheme of the ticket header (declared in app.ts). */
const TICKET = [{ selfServiceTicket: [] }];
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
/** Two photos of up to 2 MB each, in base64 (4/3), with room for the rest of the JSON. */
const FACE_BODY_LIMIT = 6 * 1024 * 1024;

const TICKET_NOTE = 'Needs the ticket of POST /self-service/identity in header `X-Self-Service-Ticket` (never in the URL). ' +
  '401 TICKET_REQUIRED / TICKET_INVALID (unknown, expired after 15 minutes, or ended); 403 REALNAME_REQUIRED; ';

export interface SelfServiceOptions {
  /** Tests may pass their own provider; by default FACE_PROVIDER decides. */
  faceProvider?: FaceProvider;
}

/**
 * 自助服务 (seed 002 §2.1.5, §2.2.3, §2.2.8; seed 001 §三, 修改姓名): identity check → face check → see the
 * username, reset the password, change e-mail or phone, change the username, change the name. For people who
 * cannot sign in, so no session is needed: the ticket is the credential. Administrators review the photos the
 * local-review provider keeps.
 */
export async function selfServiceRoutes(fastify: FastifyInstance, options: SelfServiceOptions = {}) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { ctx } = app;
  const provider = options.faceProvider ?? createFaceProvider(ctx.config);

  app.post('/self-service/identity', {
    schema: {
      tags: ['self-service'],
      summary: '身份核验: name + ID number of a verified volunteer → a ticket for 15 minutes',
      description:
        'The ticket goes in header `X-Self-Service-Ticket` on every later self-service call. Errors: 404 NO_MATCH (unknown number or other name, ' +
        'one answer for both), 403 REALNAME_REQUIRED (未通过实名认证，无法使用自助服务; people whose check had no result get a ticket for the face check ' +
        'only, whose pass verifies them), 403 ACCOUNT_DISABLED / ACCOUNT_INACTIVE, 422 CAPTCHA_INVALID, 429 TOO_MANY_ATTEMPTS (30 an hour per address, ' +
        '5 an hour per ID number). `faceCheckId`: the number of a face check an administrator passed (local-review in production); the ticket is then ' +
        'face-checked at once (one use, 7 days), else 422 FACE_CHECK_ID_INVALID.',
      security: [],
      body: Type.Object({
        name: Type.String({ minLength: 1, maxLength: 50 }),
        idNumber: Type.String({ minLength: 1, maxLength: 32 }),
        captchaId: Type.Optional(Type.String({ maxLength: 64 })),
        captchaAnswer: Type.Optional(Type.String({ maxLength: 16 })),
        faceCheckId: Type.Optional(Type.String({ pattern: UUID_PATTERN })),
      }),
      response: {
        201: Type.Object({
          ticket: Type.String({ description: `send as X-Self-Service-Ticket; good for ${TICKET_MINUTES} minutes` }),
          expiresAt: Type.String(),
          faceChecked: Type.Boolean(),
          realNameStatus: Type.String({ description: 'verified, or no_result (face check only)' }),
        }),
      },
    },
  }, async (request, reply) => {
    const opened = await openTicket(ctx, request.body, request.ip);
    return reply.status(201).send({ ...opened, expiresAt: opened.expiresAt.toISOString() });
  });

  app.post('/self-service/face', {
    bodyLimit: FACE_BODY_LIMIT,
    schema: {
      tags: ['self-service'],
      summary: `人脸核验 with the ticket: a front-facing photo (JPEG or PNG, at most 2 MB), checked by the FACE_PROVIDER (now: ${provider.name})`,
      description: TICKET_NOTE +
        '`photo` and `idCardPhoto` are data URLs (`data:image/jpeg;base64,…`) or bare base64; the bytes must be JPEG or PNG (422 PHOTO_INVALID), ' +
        'at most 2 MB each (413 PHOTO_TOO_LARGE). 200 `pass`; 202 `pending_review` (local-review in production: photos kept encrypted for an ' +
        'administrator, `idCardPhoto` required, 422 ID_CARD_PHOTO_REQUIRED; come back with `faceCheckId` once passed); 409 FACE_REVIEW_PENDING while ' +
        'one waits; 422 FACE_CHECK_FAILED with `triesLeft`; 429 TOO_MANY_FACE_CHECKS (3 per ticket, 10 per account and day); 503 ' +
        'FACE_PROVIDER_UNAVAILABLE (the try is given back). local-review outside production compares nothing and passes: `autoPassed: true` and a ' +
        'warning in `message`.',
      security: TICKET,
      body: Type.Object({
        photo: Type.String({ minLength: 1, maxLength: 3_000_000, description: 'the face, data URL or base64' }),
        idCardPhoto: Type.Optional(Type.String({ minLength: 1, maxLength: 3_000_000, description: 'the portrait side of the ID card (for a reviewer)' })),
      }),
      response: {
        '2xx': Type.Object({
          outcome: Type.Union([Type.Literal('pass'), Type.Literal('pending_review')]),
          checkId: Type.String(),
          provider: Type.Union([Type.Literal('local-review'), Type.Literal('http')]),
          autoPassed: Type.Boolean(),
          message: Nullable(Type.String()),
          realNameStatus: Type.String(),
        }),
      },
    },
  }, async (request, reply) => {
    const holder = await requireTicket(ctx, request, { face: false });
    const answer = await submitFaceCheck(ctx, provider, holder, request.body, request.ip);
    return reply.status(answer.outcome === 'pass' ? 200 : 202).send(answer);
  });

  app.post('/self-service/account', {
    schema: {
      tags: ['self-service'],
      summary: '查看用户名: the username, name, volunteer number and masked contacts (POST so the ticket never travels in a URL)',
      description: `${TICKET_NOTE}403 FACE_CHECK_REQUIRED. \`usernameChangeableAt\`: null when the username may change now.`,
      security: TICKET,
      response: {
        200: Type.Object({
          username: Type.String(), name: Type.String(), volunteerNumber: Nullable(Type.String()),
          maskedPhone: Nullable(Type.String()), maskedEmail: Nullable(Type.String()), usernameChangeableAt: Nullable(Type.String()),
        }),
      },
    },
  }, async (request) => viewAccount(ctx, await requireTicket(ctx, request, { face: true }), request.ip));

  app.post('/self-service/password', {
    schema: {
      tags: ['self-service'],
      summary: '重置密码: a new password under the account\'s policy; every session of the account ends',
      description: `${TICKET_NOTE}403 FACE_CHECK_REQUIRED, 422 PASSWORD_POLICY (each broken rule in \`errors\`).`,
      security: TICKET,
      body: Type.Object({ newPassword: Type.String({ minLength: 1, maxLength: 256 }) }),
      response: { 204: Type.Null() },
    },
  }, async (request, reply) => {
    await resetPasswordBySelfService(ctx, await requireTicket(ctx, request, { face: true }), request.body.newPassword, request.ip);
    return reply.status(204).send(null);
  });

  app.post('/self-service/contact', {
    schema: {
      tags: ['self-service'],
      summary: '修改联络信息: a new e-mail and/or a new phone (with an SMS code of purpose change_phone sent to the new number)',
      description: `${TICKET_NOTE}403 FACE_CHECK_REQUIRED, 409 PHONE_REGISTERED (another account holds the number), 422 SMS_CODE_INVALID, 422 PHONE_INVALID. ` +
        'The old phone number stops working for sign-in at once.',
      security: TICKET,
      body: Type.Object({
        email: Type.Optional(Type.String({ minLength: 3, maxLength: 254 })),
        phone: Type.Optional(Type.String({ minLength: 1, maxLength: 20 })),
        smsCode: Type.Optional(Type.String({ pattern: '^[0-9]{6}$' })),
      }),
      response: { 200: Type.Object({ maskedPhone: Nullable(Type.String()), maskedEmail: Nullable(Type.String()) }) },
    },
  }, async (request) => changeContact(ctx, await requireTicket(ctx, request, { face: true }), request.body, request.ip));

  app.post('/self-service/username', {
    schema: {
      tags: ['self-service'],
      summary: '修改用户名: once per 180 days',
      description: `${TICKET_NOTE}403 FACE_CHECK_REQUIRED, 422 USERNAME_INVALID / USERNAME_UNCHANGED, 409 USERNAME_TAKEN, ` +
        '409 USERNAME_CHANGE_TOO_SOON with `changeableAt` (the title gives the date).',
      security: TICKET,
      body: Type.Object({ username: Type.String({ minLength: 1, maxLength: 64 }) }),
      response: { 200: Type.Object({ username: Type.String(), usernameChangeableAt: Type.String() }) },
    },
  }, async (request) => changeUsername(ctx, await requireTicket(ctx, request, { face: true }), request.body.username, request.ip));

  app.post('/self-service/name', {
    schema: {
      tags: ['self-service'],
      summary: '修改姓名: the name changes and real-name verification starts again (status pending); the volunteer number stays',
      description: `${TICKET_NOTE}403 FACE_CHECK_REQUIRED, 422 NAME_INVALID / NAME_UNCHANGED. Afterwards the ticket can do nothing more until the person is verified again.`,
      security: TICKET,
      body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 50 }) }),
      response: { 200: Type.Object({ name: Type.String(), realNameStatus: Type.Literal('pending') }) },
    },
  }, async (request) => changeName(ctx, await requireTicket(ctx, request, { face: true }), request.body.name, request.ip));

  // --- Administration ---------------------------------------------------------------------------------------

  const FaceCheckStatus = Type.Union([Type.Literal('pending_review'), Type.Literal('passed'), Type.Literal('failed'), Type.Literal('error')]);

  app.get('/admin/face-checks', {
    schema: {
      tags: ['admin'],
      summary: 'Face checks, oldest first (the review queue of the local-review provider); system administrators only',
      querystring: Type.Object({
        status: Type.Optional(FaceCheckStatus),
        page: Type.Integer({ minimum: 1, maximum: 10000, default: 1 }),
        pageSize: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
      }),
      response: {
        200: Type.Object({
          items: Type.Array(Type.Object({
            id: Type.String(), accountId: Type.String(), username: Type.String(), siteCode: Type.String(), name: Type.String(),
            idNumberMasked: Type.String(), realNameStatus: Type.String(), provider: Type.String(), status: Type.String(),
            score: Type.Union([Type.Number(), Type.Null()]), reason: Nullable(Type.String()), createdAt: Type.String(),
            decidedAt: Nullable(Type.String()), decidedBy: Nullable(Type.String()), decisionNote: Nullable(Type.String()),
            hasPhoto: Type.Boolean(), hasIdCardPhoto: Type.Boolean(),
          })),
          total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer(),
        }),
      },
    },
  }, async (request) => {
    requireAccount(request, 'admin');
    return listFaceChecks(ctx, request.query);
  });

  app.get('/admin/face-checks/:id/photo', {
    schema: {
      tags: ['admin'],
      summary: 'A photo kept by the local-review provider (face, or the ID card), for the reviewer; every look is audited',
      description: '404 FACE_CHECK_NOT_FOUND; 404 FACE_PHOTO_NOT_KEPT (the http provider keeps none; photos are deleted 30 days after the decision).',
      params: Type.Object({ id: Type.String({ pattern: UUID_PATTERN }) }),
      querystring: Type.Object({ kind: Type.Union([Type.Literal('face'), Type.Literal('id_card')], { default: 'face' }) }),
    },
  }, async (request, reply) => {
    const admin = requireAccount(request, 'admin');
    const photo = await readFacePhoto(ctx, admin, request.params.id, request.query.kind, request.ip);
    return reply.header('cache-control', 'no-store').header('x-content-type-options', 'nosniff').type(photo.mime).send(photo.bytes);
  });

  app.post('/admin/face-checks/:id', {
    schema: {
      tags: ['admin'],
      summary: 'Decides a face check waiting for review: pass sets the person\'s face check (real-name level advanced) and verifies a person whose real-name check had no result',
      description: '404 FACE_CHECK_NOT_FOUND, 409 FACE_CHECK_DECIDED. Audited as admin.face_check.decide.',
      params: Type.Object({ id: Type.String({ pattern: UUID_PATTERN }) }),
      body: Type.Object({
        result: Type.Union([Type.Literal('pass'), Type.Literal('fail')]),
        reason: Type.Optional(Type.String({ maxLength: 200 })),
      }),
      response: { 200: Type.Object({ id: Type.String(), status: Type.String() }) },
    },
  }, async (request) => {
    const admin = requireAccount(request, 'admin');
    return decideFaceCheck(ctx, admin, request.params.id, request.body, request.ip);
  });
}
