import { randomInt } from 'node:crypto';
import { sql } from 'kysely';
import type { AppContext } from '../../platform/context.js';
import { publicBaseUrl } from '../../platform/config.js';
import { AppError, errors } from '../../platform/errors.js';
import { randomToken, sha256 } from '../../platform/crypto.js';
import { uuidv7 } from '../../platform/ids.js';
import { hitWindow } from '../../platform/rate-limit.js';
import { audit } from '../../platform/audit.js';
import { hashPassword } from '../../platform/passwords.js';
import { enqueueMessage, normaliseRecipient } from '../../platform/outbox/outbox.js';
import { checkDocument, maskPhone, normalizePhone } from '../identity/documents.js';
import { lookupKey } from '../accounts/lookups.js';
import { setPasswordHash } from '../accounts/set-password.js';
import { enforcePasswordPolicy } from '../password-policy/service.js';
import { TEXT } from './text.js';

export const RESET_HOURS = 3;
const MAX_TRIES = 5;

const noMatch = () => new AppError(404, 'NO_MATCH', TEXT.noMatch);

async function throttle(ctx: AppContext, key: string, limit: number) {
  const hit = await hitWindow(ctx.db, key, 3600, limit, ctx.now());
  if (!hit.allowed) throw errors.tooMany('TOO_MANY_ATTEMPTS', TEXT.tooMany, hit.retryAfter);
}

export function maskEmail(email: string): string {
  const [local, domain] = email.split('@');
  if (!domain) return '***';
  return `${local.length > 2 ? `${local.slice(0, 1)}***${local.slice(-1)}` : '***'}@${domain}`;
}

/**
 * 找回用户名 for a volunteer (seed 000, 002 §2.1.3): name + ID number + the phone given at registration.
 * Throttled per source address and per ID number, so the form cannot be used to test ID numbers.
 */
export async function recoverVolunteerUsername(ctx: AppContext, input: { name: string; idNumber: string; phone: string }, ip: string) {
  await throttle(ctx, `recover-username-ip:${ip}`, 30);
  const document = checkDocument('resident_id', input.idNumber, ctx.now());
  const idNumber = document.ok ? document.normalized : input.idNumber.trim().toUpperCase();
  const idKey = lookupKey(ctx.cipher, 'id_number', idNumber);
  await throttle(ctx, `recover-username-id:${idKey}`, 5);
  const phone = normalizePhone(input.phone);
  if (!phone) throw noMatch();
  const row = await ctx.db
    .selectFrom('account_lookups as l')
    .innerJoin('account_lookups as p', 'p.account_id', 'l.account_id')
    .innerJoin('accounts as a', 'a.id', 'l.account_id')
    .innerJoin('people as pe', 'pe.account_id', 'a.id')
    .select(['a.id', 'a.username', 'a.site_code', 'pe.name'])
    .where('l.kind', '=', 'id_number').where('l.lookup', '=', idKey)
    .where('p.kind', '=', 'phone').where('p.lookup', '=', lookupKey(ctx.cipher, 'phone', phone))
    .executeTakeFirst();
  const ok = row && row.name === input.name.trim();
  await audit(ctx.db, { actor: null, action: 'recovery.username', target: row ? { type: 'account', id: row.id } : null, siteCode: row?.site_code, ip, outcome: ok ? 'success' : 'failure' }, ctx.now());
  if (!ok) throw noMatch();
  return { username: row.username };
}

/**
 * 忘记密码: sends a 6-digit code and a link, both good for 3 hours and one use, to the registered e-mail
 * (or phone). The answer is the same whether or not the username and address match, so the form does not
 * tell strangers which addresses belong to which accounts; it shows the address masked, as the seed does.
 */
export async function requestPasswordReset(
  ctx: AppContext,
  input: { username: string; channel: 'email' | 'sms'; email?: string; phone?: string },
  ip: string,
): Promise<{ sentTo: string }> {
  await throttle(ctx, `recover-password-ip:${ip}`, 30);
  const given = input.channel === 'email' ? input.email : input.phone;
  const destination = given ? normaliseRecipient(input.channel, given) : null;
  if (!destination) {
    throw new AppError(422, 'DESTINATION_REQUIRED', TEXT.destinationRequired, { errors: [{ field: input.channel === 'email' ? 'email' : 'phone', code: 'DESTINATION_REQUIRED' }] });
  }
  await throttle(ctx, `recover-password-user:${input.username.trim().toLowerCase()}`, 5);
  const sentTo = input.channel === 'email' ? maskEmail(destination) : maskPhone(destination);

  const account = await ctx.db
    .selectFrom('account_lookups as l')
    .innerJoin('accounts as a', 'a.id', 'l.account_id')
    .leftJoin('people as p', 'p.account_id', 'a.id')
    // A group account has no person: its registered addresses are the group's e-mail and contact phone.
    .leftJoin('groups as g', 'g.account_id', 'a.id')
    .select(['a.id', 'a.username', 'a.site_code', 'a.status', 'p.email', 'p.phone_enc', 'g.email as group_email', 'g.contact_phone_enc as group_phone_enc'])
    .where('l.kind', '=', 'username').where('l.lookup', '=', lookupKey(ctx.cipher, 'username', input.username.trim()))
    .executeTakeFirst();
  const phoneEnc = account ? account.phone_enc ?? account.group_phone_enc : null;
  const registered = account && (input.channel === 'email' ? account.email ?? account.group_email : phoneEnc ? ctx.cipher.decrypt(phoneEnc) : null);
  const now = ctx.now();
  if (!account || account.status === 'disabled' || !registered || registered.toLowerCase() !== destination) {
    await audit(ctx.db, { actor: null, action: 'recovery.password_request', target: account ? { type: 'account', id: account.id } : null, ip, outcome: 'failure', detail: { channel: input.channel } }, now);
    return { sentTo };
  }

  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const token = randomToken();
  const link = `${publicBaseUrl(ctx.config)}/recover/reset?token=${token}`;
  await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto('recovery_codes').values({
      id: uuidv7(now.getTime()), account_id: account.id, channel: input.channel,
      code_hash: ctx.cipher.lookup('recovery_code', `${account.id}:${code}`), token_hash: sha256(token),
      created_at: now, expires_at: new Date(now.getTime() + RESET_HOURS * 3600_000),
    }).execute();
    await enqueueMessage(trx, ctx, {
      channel: input.channel, to: destination, template: 'password_reset',
      params: { username: account.username, code, link, hours: RESET_HOURS },
    });
    await audit(trx, { actor: null, action: 'recovery.password_request', target: { type: 'account', id: account.id }, siteCode: account.site_code, ip, outcome: 'success', detail: { channel: input.channel } }, now);
  });
  return { sentTo };
}

/**
 * Sets a new password with the code (and username) or the link's token. The new password must pass the
 * policy before the code is spent; then one statement spends it, so a code or link works once, and every
 * session of the account ends.
 */
export async function resetPassword(
  ctx: AppContext,
  input: { username?: string; code?: string; token?: string; newPassword: string },
  ip: string,
): Promise<void> {
  await throttle(ctx, `recover-reset-ip:${ip}`, 60);
  const invalid = () => new AppError(422, 'RECOVERY_CODE_INVALID', TEXT.codeInvalid, { errors: [{ field: input.token ? 'token' : 'code', code: 'RECOVERY_CODE_INVALID' }] });
  const now = ctx.now();
  const live = ctx.db
    .selectFrom('recovery_codes as r')
    .innerJoin('accounts as a', 'a.id', 'r.account_id')
    .select(['r.id', 'a.id as account_id', 'a.username', 'a.site_code', 'a.type'])
    .where('r.consumed_at', 'is', null)
    .where('r.expires_at', '>', now)
    .where('r.attempts', '<', MAX_TRIES);
  let target;
  if (input.token) {
    target = await live.where('r.token_hash', '=', sha256(input.token)).executeTakeFirst();
  } else if (input.username && input.code) {
    target = await live
      .innerJoin('account_lookups as l', 'l.account_id', 'a.id')
      .where('l.kind', '=', 'username').where('l.lookup', '=', lookupKey(ctx.cipher, 'username', input.username.trim()))
      .orderBy('r.created_at', 'desc').limit(1)
      .executeTakeFirst();
  } else {
    throw errors.validation('请填写验证码，或使用邮件中的链接', [{ field: 'code', code: 'REQUIRED' }]);
  }
  if (!target) throw invalid();
  await enforcePasswordPolicy(ctx.db, { siteCode: target.site_code, accountType: target.type, password: input.newPassword, username: target.username, field: 'newPassword' });
  const hash = await hashPassword(input.newPassword);

  const codeHash = input.code ? ctx.cipher.lookup('recovery_code', `${target.account_id}:${input.code}`) : null;
  const reset = await ctx.db.transaction().execute(async (trx) => {
    const spent = await trx
      .updateTable('recovery_codes')
      .set({
        attempts: sql`attempts + 1`,
        consumed_at: input.token ? now : sql`case when code_hash = ${codeHash} then ${now}::timestamptz else null end`,
      })
      .where('id', '=', target.id)
      .where('consumed_at', 'is', null)
      .where('attempts', '<', MAX_TRIES)
      .returning('consumed_at')
      .executeTakeFirst();
    if (!spent?.consumed_at) return false;
    // Every other live code of this account dies with it: one reset per request.
    await trx.updateTable('recovery_codes').set({ consumed_at: now }).where('account_id', '=', target.account_id).where('consumed_at', 'is', null).execute();
    await setPasswordHash(ctx, trx, {
      account: { id: target.account_id, username: target.username, siteCode: target.site_code },
      hash, action: 'recovery.password_reset', ip, actor: null, detail: { by: input.token ? 'link' : 'code' },
    });
    return true;
  });
  if (!reset) throw invalid();
}
