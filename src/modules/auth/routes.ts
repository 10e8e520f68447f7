import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireAccount } from '../../platform/auth-guard.js';
import { endSession, SESSION_COOKIE } from '../../platform/sessions.js';
import { AppError } from '../../platform/errors.js';
import { audit } from '../../platform/audit.js';
import { MeSchema } from '../accounts/schemas.js';
import { login } from './login.js';
import { changePassword } from './password-change.js';
import { TEXT } from './text.js';

const NoContent = { 204: Type.Null() };

function secureCookies(app: FastifyInstance, request: FastifyRequest): boolean {
  return request.protocol === 'https' || Boolean(app.ctx.config.publicUrl?.startsWith('https:'));
}

function clearSessionCookie(app: FastifyInstance, request: FastifyRequest, reply: FastifyReply) {
  reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure: secureCookies(app, request) });
}

export async function authRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { ctx } = app;

  app.post('/auth/login', {
    schema: {
      tags: ['auth'],
      summary: 'Signs in with username, volunteer number, ID-card number or phone, and password',
      description: 'Sets an HttpOnly session cookie, or with `tokenMode` returns a bearer token instead. Errors: 401 INVALID_CREDENTIALS, 422 CAPTCHA_INVALID, 429 TOO_MANY_ATTEMPTS (retryAfter), 403 PASSWORD_RESET_REQUIRED, ACCOUNT_DISABLED, ACCOUNT_INACTIVE.',
      security: [],
      body: Type.Object({
        identifier: Type.String({ minLength: 1, maxLength: 64 }),
        password: Type.String({ minLength: 1, maxLength: 256 }),
        captchaId: Type.Optional(Type.String({ maxLength: 64 })),
        captchaAnswer: Type.Optional(Type.String({ maxLength: 16 })),
        siteCode: Type.Optional(Type.String({ pattern: '^[0-9]{2}$' })),
        tokenMode: Type.Optional(Type.Boolean()),
      }),
      response: { 200: Type.Object({ account: MeSchema, token: Type.Optional(Type.String()), expiresAt: Type.Optional(Type.String()) }) },
    },
  }, async (request, reply) => {
    const result = await login(ctx, request.body, {
      ip: request.ip,
      userAgent: request.headers['user-agent'] ?? null,
      previousSessionId: request.auth?.sessionId ?? null,
    });
    if (request.body.tokenMode) return { account: result.account, token: result.token, expiresAt: result.expiresAt.toISOString() };
    reply.setCookie(SESSION_COOKIE, result.token, {
      path: '/', httpOnly: true, sameSite: 'lax', secure: secureCookies(app, request),
      maxAge: ctx.config.sessionAbsoluteHours * 3600,
    });
    return { account: result.account };
  });

  app.post('/auth/logout', {
    schema: { tags: ['auth'], summary: 'Ends the current session', response: NoContent },
  }, async (request, reply) => {
    if (request.auth) {
      await endSession(ctx.db, request.auth.sessionId, 'logout', ctx.now());
      await audit(ctx.db, { actor: request.auth.account, action: 'auth.logout', target: { type: 'session', id: request.auth.sessionId }, ip: request.ip, outcome: 'success' }, ctx.now());
    }
    clearSessionCookie(app, request, reply);
    return reply.status(204).send(null);
  });

  app.get('/me/sessions', {
    schema: {
      tags: ['auth'],
      summary: "The signed-in account's open sessions",
      querystring: Type.Object({ page: Type.Integer({ minimum: 1, default: 1 }), pageSize: Type.Integer({ minimum: 1, maximum: 100, default: 20 }) }),
      response: {
        200: Type.Object({
          items: Type.Array(Type.Object({
            id: Type.String(), kind: Type.String(), createdAt: Type.String(), lastSeenAt: Type.String(),
            ip: Type.Union([Type.String(), Type.Null()]), userAgent: Type.Union([Type.String(), Type.Null()]), current: Type.Boolean(),
          })),
          total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer(),
        }),
      },
    },
  }, async (request) => {
    const account = requireAccount(request);
    const { page, pageSize } = request.query;
    const now = ctx.now();
    const open = ctx.db
      .selectFrom('sessions')
      .where('account_id', '=', account.id)
      .where('ended_at', 'is', null)
      .where('idle_expires_at', '>', now)
      .where('absolute_expires_at', '>', now);
    const [rows, count] = await Promise.all([
      open.select(['id', 'kind', 'created_at', 'last_seen_at', 'ip', 'user_agent']).orderBy('created_at', 'desc').limit(pageSize).offset((page - 1) * pageSize).execute(),
      open.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return {
      items: rows.map((s) => ({
        id: s.id, kind: s.kind, createdAt: s.created_at.toISOString(), lastSeenAt: s.last_seen_at.toISOString(),
        ip: s.ip, userAgent: s.user_agent, current: s.id === request.auth!.sessionId,
      })),
      total: Number(count.n), page, pageSize,
    };
  });

  app.delete('/me/sessions/:id', {
    schema: {
      tags: ['auth'],
      summary: 'Ends one of your own sessions (ending the current one signs you out)',
      params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
      response: NoContent,
    },
  }, async (request, reply) => {
    const account = requireAccount(request);
    const result = await ctx.db
      .updateTable('sessions')
      .set({ ended_at: ctx.now(), end_reason: 'ended_by_owner' })
      .where('id', '=', request.params.id)
      .where('account_id', '=', account.id)
      .where('ended_at', 'is', null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw new AppError(404, 'SESSION_NOT_FOUND', TEXT.sessionNotFound);
    await audit(ctx.db, { actor: account, action: 'auth.session_end', target: { type: 'session', id: request.params.id }, ip: request.ip, outcome: 'success' }, ctx.now());
    if (request.params.id === request.auth!.sessionId) clearSessionCookie(app, request, reply);
    return reply.status(204).send(null);
  });

  app.post('/me/password', {
    schema: {
      tags: ['auth'],
      summary: 'Changes your password; every other session ends',
      description: 'Errors: 422 OLD_PASSWORD_WRONG, PASSWORD_POLICY (each broken rule in errors), PASSWORD_UNCHANGED; 429 TOO_MANY_ATTEMPTS.',
      body: Type.Object({ oldPassword: Type.String({ minLength: 1, maxLength: 256 }), newPassword: Type.String({ minLength: 1, maxLength: 256 }) }),
      response: NoContent,
    },
  }, async (request, reply) => {
    requireAccount(request);
    await changePassword(ctx, request.auth!, request.body, request.ip);
    return reply.status(204).send(null);
  });
}
