import type { Kysely } from 'kysely';
import type { AppContext } from '../../platform/context.js';
import type { DB } from '../../platform/database/schema.js';
import { AppError, errors } from '../../platform/errors.js';
import { audit } from '../../platform/audit.js';
import { hitWindow } from '../../platform/rate-limit.js';
import { normalizePhone } from '../identity/documents.js';
import { lookupKey } from '../accounts/lookups.js';
import { consumeSmsCode } from '../sms-codes/sms-codes.js';
import { TEXT } from './text.js';

/**
 * Seed 000 §二: a group may sign in only once its contact phone has passed SMS verification. True for any
 * account that is not a group.
 */
export async function groupContactVerified(db: Kysely<DB>, accountId: string): Promise<boolean> {
  const row = await db.selectFrom('groups').select('contact_verified_at').where('account_id', '=', accountId).executeTakeFirst();
  return !row || row.contact_verified_at !== null;
}

export const contactUnverified = () => new AppError(403, 'CONTACT_UNVERIFIED', TEXT.contactUnverified);

/**
 * Confirms the contact phone of a group that cannot sign in because of it: the username, the stored contact
 * phone and a 'contact' SMS code sent to it. Every failure gets one answer, so the form does not tell which
 * phone belongs to which group; tries are throttled per address and per username.
 */
export async function confirmGroupContact(ctx: AppContext, input: { username: string; contactPhone: string; smsCode: string }, ip: string): Promise<void> {
  const now = ctx.now();
  for (const [key, limit] of [[`group-contact-ip:${ip}`, 30], [`group-contact-user:${input.username.trim().toLowerCase()}`, 10]] as const) {
    const hit = await hitWindow(ctx.db, key, 3600, limit, now);
    if (!hit.allowed) throw errors.tooMany('TOO_MANY_ATTEMPTS', TEXT.tooMany, hit.retryAfter);
  }
  const failed = () => new AppError(422, 'CONTACT_VERIFICATION_FAILED', TEXT.contactVerificationFailed, { errors: [{ field: 'smsCode', code: 'CONTACT_VERIFICATION_FAILED' }] });
  const row = await ctx.db
    .selectFrom('account_lookups as l')
    .innerJoin('accounts as a', 'a.id', 'l.account_id')
    .innerJoin('groups as g', 'g.account_id', 'a.id')
    .select(['a.id as account_id', 'a.username', 'g.id', 'g.site_code', 'g.contact_phone_enc'])
    .where('l.kind', '=', 'username').where('l.lookup', '=', lookupKey(ctx.cipher, 'username', input.username.trim()))
    .executeTakeFirst();
  const phone = normalizePhone(input.contactPhone);
  if (!row || !phone || ctx.cipher.decrypt(row.contact_phone_enc) !== phone) {
    await audit(ctx.db, { actor: null, action: 'group.contact_verify', target: row ? { type: 'group', id: row.id } : null, ip, outcome: 'failure', detail: { reason: row ? 'phone_mismatch' : 'unknown' } }, now);
    throw failed();
  }
  const ok = await ctx.db.transaction().execute(async (trx) => {
    if (!(await consumeSmsCode(ctx, trx, { phone, purpose: 'contact', code: input.smsCode }))) return false;
    await trx.updateTable('groups').set({ contact_verified_at: now, updated_at: now }).where('site_code', '=', row.site_code).where('id', '=', row.id).execute();
    await audit(trx, {
      actor: { id: row.account_id, username: row.username }, action: 'group.contact_verify', target: { type: 'group', id: row.id },
      siteCode: row.site_code, ip, outcome: 'success', detail: { groupId: row.id, role: 'group_account' },
    }, now);
    return true;
  });
  if (!ok) {
    await audit(ctx.db, { actor: null, action: 'group.contact_verify', target: { type: 'group', id: row.id }, siteCode: row.site_code, ip, outcome: 'failure', detail: { reason: 'code' } }, now);
    throw failed();
  }
}
