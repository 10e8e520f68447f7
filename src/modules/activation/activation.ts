import type { AppContext } from '../../platform/context.js';
import type { AccountType } from '../../platform/database/schema.js';
import { AppError, errors } from '../../platform/errors.js';
import { audit } from '../../platform/audit.js';
import { hashPassword } from '../../platform/passwords.js';
import { hitWindow } from '../../platform/rate-limit.js';
import { maskPhone } from '../identity/documents.js';
import { classifyIdentifier, lookupKey } from '../accounts/lookups.js';
import { setPasswordHash } from '../accounts/set-password.js';
import { enforcePasswordPolicy } from '../password-policy/service.js';
import { CODE_MINUTES, requireSmsCode, sendSmsCode } from '../sms-codes/sms-codes.js';
import { accountInUnfinishedImport } from '../imports/job.js';
import { TEXT } from './text.js';

/**
 * 新账号激活 (seed 003 §一): an account created by someone else (an import, a unit administrator) or re-opened
 * by an approved 通过管理员找回密码 is `inactive` with a password nobody knows. The person gives the account
 * (username, phone or ID number) and their name; a 6-digit code goes to the phone on record; with the code
 * they set their own password, and the account becomes active with the phone counted as verified.
 */

async function throttle(ctx: AppContext, key: string, limit: number) {
  const hit = await hitWindow(ctx.db, key, 3600, limit, ctx.now());
  if (!hit.allowed) throw errors.tooMany('TOO_MANY_ATTEMPTS', TEXT.tooMany, hit.retryAfter);
}

const noMatch = () => new AppError(404, 'NO_MATCH', TEXT.noMatch);

async function findInactive(ctx: AppContext, account: string) {
  const { kind, value } = classifyIdentifier(account);
  const key = lookupKey(ctx.cipher, kind, value);
  const row = await ctx.db.selectFrom('account_lookups as l').innerJoin('accounts as a', 'a.id', 'l.account_id').innerJoin('people as p', 'p.account_id', 'a.id')
    .select(['a.id', 'a.type', 'a.username', 'a.site_code', 'a.status', 'p.name', 'p.phone_enc'])
    .where('l.kind', '=', kind).where('l.lookup', '=', key).executeTakeFirst();
  return { kind, key, row: row && row.status === 'inactive' && !(await accountInUnfinishedImport(ctx.db, row.id)) ? row : null };
}

/** Sends the activation code when account + name match an inactive account; 404 NO_MATCH otherwise. */
export async function startActivation(ctx: AppContext, input: { account: string; name: string }, ip: string) {
  await throttle(ctx, `activation-ip:${ip}`, 30);
  const { kind, key, row } = await findInactive(ctx, input.account);
  await throttle(ctx, `activation-id:${kind}:${ctx.cipher.lookup('throttle', key)}`, 10);
  const now = ctx.now();
  const matches = row && row.name === input.name.normalize('NFKC').trim();
  if (!matches) {
    await audit(ctx.db, { actor: null, action: 'activation.start', target: row ? { type: 'account', id: row.id } : null, siteCode: row?.site_code, ip, outcome: 'failure', detail: { identifierKind: kind } }, now);
    throw noMatch();
  }
  if (!row.phone_enc) throw new AppError(422, 'NO_PHONE', TEXT.noPhone);
  const phone = ctx.cipher.decrypt(row.phone_enc);
  await sendSmsCode(ctx, { phone, purpose: 'activation', ip });
  await audit(ctx.db, { actor: null, action: 'activation.start', target: { type: 'account', id: row.id }, siteCode: row.site_code, ip, outcome: 'success', detail: { identifierKind: kind } }, now);
  return {
    sentTo: maskPhone(phone), expiresInSeconds: CODE_MINUTES * 60,
    // Which password rules apply (the form checks them live with POST /password-policy/check).
    siteCode: row.site_code, accountType: row.type as AccountType, username: row.username,
  };
}

/**
 * Completes activation: the new password must pass the account type's policy (staff: seed 003 rules) before the
 * code is spent; then the code is spent and one transaction sets the password, activates the account and
 * records the phone as verified. A wrong or spent code, or an account that is not waiting for activation: 422.
 */
export async function completeActivation(ctx: AppContext, input: { account: string; code: string; newPassword: string }, ip: string): Promise<void> {
  await throttle(ctx, `activation-complete-ip:${ip}`, 60);
  const { row } = await findInactive(ctx, input.account);
  const invalid = () => new AppError(422, 'SMS_CODE_INVALID', TEXT.codeInvalid, { errors: [{ field: 'code', code: 'SMS_CODE_INVALID' }] });
  if (!row || !row.phone_enc) throw invalid();
  await enforcePasswordPolicy(ctx.db, { siteCode: row.site_code, accountType: row.type, password: input.newPassword, username: row.username, field: 'newPassword' });
  const hash = await hashPassword(input.newPassword);
  const phone = ctx.cipher.decrypt(row.phone_enc);
  const now = ctx.now();
  // Outside the transaction: a wrong code must use up one of the code's tries even though nothing else happens.
  await requireSmsCode(ctx, ctx.db, { phone, purpose: 'activation', code: input.code, field: 'code' });
  await ctx.db.transaction().execute(async (trx) => {
    const activated = await trx.updateTable('accounts').set({ status: 'active', updated_at: now })
      .where('id', '=', row.id).where('status', '=', 'inactive').returning('id').executeTakeFirst();
    if (!activated) throw invalid();
    await trx.updateTable('people').set({ phone_verified_at: now }).where('account_id', '=', row.id).execute();
    await setPasswordHash(ctx, trx, {
      account: { id: row.id, username: row.username, siteCode: row.site_code }, hash, action: 'activation.complete', ip, actor: null,
    });
  });
}
