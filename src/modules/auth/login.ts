import type { AppContext } from '../../platform/context.js';
import { AppError, errors } from '../../platform/errors.js';
import { verifyPassword } from '../../platform/passwords.js';
import { audit } from '../../platform/audit.js';
import { createSession, endSession } from '../../platform/sessions.js';
import { checkCaptcha } from '../captcha/captcha.js';
import { classifyIdentifier, lookupKey } from '../accounts/lookups.js';
import { meQuery, toMeView, type MeView } from '../accounts/me.js';
import { meetsCurrentPolicy } from '../password-policy/service.js';
import { addressWait, clearFailures, recordFailure, remainingWait } from './throttle.js';
import { profileIncomplete, staffProfileComplete } from '../units/posts.js';
import { contactUnverified, groupContactVerified } from '../groups/contact.js';
import { TEXT } from './text.js';

export interface LoginInput {
  identifier: string;
  password: string;
  captchaId?: string;
  captchaAnswer?: string;
  tokenMode?: boolean;
}

export interface LoginClient {
  ip: string;
  userAgent: string | null;
  /** The session the browser already had: ended, so every login starts a new session id. */
  previousSessionId: string | null;
}

const invalidCredentials = () => new AppError(401, 'INVALID_CREDENTIALS', TEXT.invalidCredentials);

/**
 * Password sign-in. Unknown identifiers and wrong passwords get the same answer after the same work
 * (one argon2 verification), and both count towards the same doubling wait, so neither the answer,
 * its timing nor the throttle tells whether an account exists.
 */
export async function login(ctx: AppContext, input: LoginInput, client: LoginClient): Promise<{ account: MeView; token: string; expiresAt: Date }> {
  const addressRetry = await addressWait(ctx, client.ip);
  if (addressRetry > 0) throw errors.tooMany('TOO_MANY_ATTEMPTS', TEXT.tooManyFromAddress, addressRetry);
  await checkCaptcha(ctx, input.captchaId, input.captchaAnswer);

  const { kind, value } = classifyIdentifier(input.identifier);
  const key = lookupKey(ctx.cipher, kind, value);
  const row = await meQuery(ctx.db)
    .innerJoin('account_lookups as l', 'l.account_id', 'a.id')
    .where('l.kind', '=', kind)
    .where('l.lookup', '=', key)
    .executeTakeFirst();
  const subject = row ? `account:${row.id}` : `identifier:${kind}:${ctx.cipher.lookup('login-subject', key)}`;

  const { wait, hasRow } = await remainingWait(ctx, subject);
  if (wait > 0) throw errors.tooMany('TOO_MANY_ATTEMPTS', TEXT.tooManyAttempts(wait), wait);

  const ok = await verifyPassword(row?.password_hash ?? null, input.password);
  const now = ctx.now();
  if (!row || !ok) {
    const nextWait = await recordFailure(ctx, subject, client.ip);
    await audit(ctx.db, {
      actor: row ? { id: row.id, username: row.username } : null, action: 'auth.login',
      target: row ? { type: 'account', id: row.id } : null, siteCode: row?.site_code, ip: client.ip, outcome: 'failure',
      detail: { reason: row ? 'wrong_password' : 'unknown_identifier', identifierKind: kind, wait: nextWait },
    }, now);
    throw invalidCredentials();
  }

  const refuse = async (reason: string, error: AppError) => {
    await audit(ctx.db, { actor: { id: row.id, username: row.username }, action: 'auth.login', target: { type: 'account', id: row.id }, siteCode: row.site_code, ip: client.ip, outcome: 'denied', detail: { reason } }, now);
    throw error;
  };
  if (row.status === 'disabled') await refuse('disabled', new AppError(403, 'ACCOUNT_DISABLED', TEXT.accountDisabled));
  if (row.status === 'inactive') await refuse('inactive', new AppError(403, 'ACCOUNT_INACTIVE', TEXT.accountInactive));
  if (row.type === 'staff' && !(await staffProfileComplete(ctx.db, row.id))) await refuse('profile_incomplete', profileIncomplete());
  if (row.type === 'group' && !(await groupContactVerified(ctx.db, row.id))) await refuse('contact_unverified', contactUnverified());
  if (!(await meetsCurrentPolicy(ctx.db, row.site_code, row.type, input.password, row.username))) {
    await refuse('password_policy', new AppError(403, 'PASSWORD_RESET_REQUIRED', TEXT.passwordResetRequired));
  }

  if (hasRow) await clearFailures(ctx, subject);
  if (client.previousSessionId) await endSession(ctx.db, client.previousSessionId, 'replaced_by_login', now);
  const session = await createSession(ctx, ctx.db, {
    accountId: row.id, kind: input.tokenMode ? 'token' : 'cookie', ip: client.ip, userAgent: client.userAgent,
  });
  await audit(ctx.db, {
    actor: { id: row.id, username: row.username }, action: 'auth.login', target: { type: 'account', id: row.id },
    siteCode: row.site_code, ip: client.ip, outcome: 'success', detail: { identifierKind: kind, sessionId: session.id, tokenMode: Boolean(input.tokenMode) },
  }, now);
  return { account: toMeView(row), token: session.token, expiresAt: session.absoluteExpiresAt };
}
