import type { AppContext } from '../../platform/context.js';
import { AppError, errors } from '../../platform/errors.js';
import { audit } from '../../platform/audit.js';
import { normaliseRecipient } from '../../platform/outbox/outbox.js';
import { accountIdByLookup, claimLookup, lookupKey, releaseLookup } from '../accounts/lookups.js';
import { maskPhone } from '../identity/documents.js';
import { maskEmail } from '../recovery/recovery.js';
import { requirePhone, requireSmsCode } from '../sms-codes/sms-codes.js';
import { noteAction, selfActor, type TicketHolder } from './tickets.js';
import { noticeChange } from './notice.js';
import { TEXT } from './text.js';

const phoneTaken = () => new AppError(409, 'PHONE_REGISTERED', TEXT.phoneRegistered, { errors: [{ field: 'phone', code: 'PHONE_REGISTERED' }] });

/**
 * 修改联络信息 (seed 002 §2.1.5): a new e-mail, and/or a new phone confirmed by an SMS code of purpose
 * `change_phone` sent to it. A phone belongs to one account nationally (decisions.md), so the new number's
 * look-up key is claimed and the old one released in one transaction; the number is stored encrypted and
 * masked, and counts as verified (real-name level basic). Sign-in by the old number stops working at once.
 * The code is checked (and a wrong one counted) before the transaction, so a refused change cannot undo
 * the count of tries.
 */
export async function changeContact(
  ctx: AppContext,
  holder: TicketHolder,
  input: { email?: string; phone?: string; smsCode?: string },
  ip: string,
): Promise<{ maskedPhone: string | null; maskedEmail: string | null }> {
  if (!input.email && !input.phone) throw errors.validation(TEXT.contactRequired, [{ field: 'email', code: 'REQUIRED' }, { field: 'phone', code: 'REQUIRED' }]);
  const email = input.email ? normaliseRecipient('email', input.email) : null;
  if (input.email && !email) throw errors.validation('邮箱格式不正确', [{ field: 'email', code: 'BAD_FORMAT' }]);
  const accountId = holder.account.id;
  let phone: string | null = null;
  let phoneKey: string | null = null;
  if (input.phone) {
    phone = requirePhone(input.phone);
    phoneKey = lookupKey(ctx.cipher, 'phone', phone);
    const holderOfPhone = await accountIdByLookup(ctx.db, 'phone', phoneKey);
    if (holderOfPhone && holderOfPhone !== accountId) throw phoneTaken();
    if (!input.smsCode) throw new AppError(422, 'SMS_CODE_INVALID', TEXT.smsCodeRequired, { errors: [{ field: 'smsCode', code: 'REQUIRED' }] });
    await requireSmsCode(ctx, ctx.db, { phone, purpose: 'change_phone', code: input.smsCode });
  }
  const now = ctx.now();
  await ctx.db.transaction().execute(async (trx) => {
    if (phone && phoneKey) {
      const current = await accountIdByLookup(trx, 'phone', phoneKey);
      if (current !== accountId) {
        await releaseLookup(trx, 'phone', accountId);
        if (!(await claimLookup(trx, 'phone', phoneKey, accountId))) throw phoneTaken();
      }
      await trx.updateTable('people').set({ phone_enc: ctx.cipher.encrypt(phone), phone_masked: maskPhone(phone), phone_verified_at: now })
        .where('account_id', '=', accountId).execute();
    }
    if (email) await trx.updateTable('people').set({ email }).where('account_id', '=', accountId).execute();
    await trx.updateTable('accounts').set({ updated_at: now }).where('id', '=', accountId).execute();
    for (const kind of [email ? 'email' : null, phone ? 'phone' : null]) {
      if (kind) await noteAction(trx, holder.ticketId, kind);
    }
    await audit(trx, {
      actor: selfActor(holder), action: 'self_service.contact', target: { type: 'account', id: accountId }, siteCode: holder.account.siteCode, ip,
      outcome: 'success', detail: { ticketId: holder.ticketId, email: Boolean(email), phone: Boolean(phone) },
    }, now);
    // Told to the address the account had before: that is the one an intruder would not control.
    await noticeChange(trx, ctx, { email: holder.person.email, username: holder.account.username, change: email && phone ? 'contact' : email ? 'email' : 'phone' });
  });
  const finalEmail = email ?? holder.person.email;
  return { maskedPhone: phone ? maskPhone(phone) : holder.person.phoneMasked, maskedEmail: finalEmail ? maskEmail(finalEmail) : null };
}
