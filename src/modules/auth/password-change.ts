import type { AppContext } from '../../platform/context.js';
import { AppError, errors } from '../../platform/errors.js';
import { hashPassword, verifyPassword } from '../../platform/passwords.js';
import { audit } from '../../platform/audit.js';
import { setPasswordHash } from '../accounts/set-password.js';
import type { AuthState } from '../../platform/sessions.js';
import { enforcePasswordPolicy } from '../password-policy/service.js';
import { clearFailures, recordFailure, remainingWait } from './throttle.js';
import { TEXT } from './text.js';

/**
 * Changes the signed-in account's password (seed 002 §2.1.6.5). Wrong old passwords count towards the
 * same wait as failed sign-ins, so a stolen session cannot be used to guess the password. Every other
 * session of the account ends; the one that made the change stays.
 */
export async function changePassword(ctx: AppContext, auth: AuthState, input: { oldPassword: string; newPassword: string }, ip: string) {
  const { account } = auth;
  const subject = `account:${account.id}`;
  const { wait } = await remainingWait(ctx, subject);
  if (wait > 0) throw errors.tooMany('TOO_MANY_ATTEMPTS', TEXT.tooManyAttempts(wait), wait);

  const row = await ctx.db.selectFrom('accounts').select('password_hash').where('id', '=', account.id).executeTakeFirstOrThrow();
  const now = ctx.now();
  if (!(await verifyPassword(row.password_hash, input.oldPassword))) {
    await recordFailure(ctx, subject, ip);
    await audit(ctx.db, { actor: account, action: 'auth.password_change', target: { type: 'account', id: account.id }, siteCode: account.siteCode, ip, outcome: 'failure', detail: { reason: 'old_password_wrong' } }, now);
    throw new AppError(422, 'OLD_PASSWORD_WRONG', TEXT.oldPasswordWrong, { errors: [{ field: 'oldPassword', code: 'OLD_PASSWORD_WRONG' }] });
  }
  await clearFailures(ctx, subject);
  if (input.oldPassword === input.newPassword) {
    throw new AppError(422, 'PASSWORD_UNCHANGED', TEXT.passwordUnchanged, { errors: [{ field: 'newPassword', code: 'PASSWORD_UNCHANGED' }] });
  }
  await enforcePasswordPolicy(ctx.db, { siteCode: account.siteCode, accountType: account.type, password: input.newPassword, username: account.username, field: 'newPassword' });

  const hash = await hashPassword(input.newPassword);
  await ctx.db.transaction().execute((trx) =>
    setPasswordHash(ctx, trx, { account, hash, action: 'auth.password_change', ip, keepSessionId: auth.sessionId }));
}
