import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AccountType } from './database/schema.js';
import { AppError, errors } from './errors.js';
import { resolveSession, SESSION_COOKIE, type AuthState } from './sessions.js';

declare module 'fastify' {
  interface FastifyRequest {
    auth: AuthState | null;
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Browsers cannot add a custom header to a cross-site request without a CORS preflight, which we never allow. */
export const CSRF_HEADER = 'x-requested-with';
export const CSRF_VALUE = 'zhiyuan-web';

export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match ? match[1] : null;
}

/** Resolves the caller's session from `Authorization: Bearer` or the session cookie, before any route runs. */
export function registerAuthGuard(app: FastifyInstance) {
  app.decorateRequest('auth', null);
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/')) return;
    const bearer = bearerToken(request);
    const cookie = request.cookies?.[SESSION_COOKIE];
    const token = bearer ?? cookie;
    if (!token) return;
    const state = await resolveSession(app.ctx, token);
    if (!state) return;
    if (!bearer && UNSAFE.has(request.method) && request.headers[CSRF_HEADER] !== CSRF_VALUE) {
      throw new AppError(403, 'CSRF_REJECTED', '请求来源无法确认，请刷新页面后重试');
    }
    request.auth = state;
  });
}

/** The signed-in account, or 401; with `types`, 403 for any other kind of account. */
export function requireAccount(request: FastifyRequest, ...types: AccountType[]) {
  const auth = request.auth;
  if (!auth) throw errors.unauthenticated();
  if (types.length > 0 && !types.includes(auth.account.type)) throw errors.forbidden();
  return auth.account;
}
