import { randomInt } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { AppContext } from '../../platform/context.js';
import type { DB, SmsCodePurpose } from '../../platform/database/schema.js';
import { AppError, errors } from '../../platform/errors.js';
import { uuidv7 } from '../../platform/ids.js';
import { hitWindow } from '../../platform/rate-limit.js';
import { enqueueMessage } from '../../platform/outbox/outbox.js';
import { normalizePhone } from '../identity/documents.js';
import { TEXT } from './text.js';

export const CODE_MINUTES = 10;
export const MAX_TRIES = 5;
export const RESEND_SECONDS = 60;
export const WINDOW_SECONDS = 600;
export const WINDOW_LIMIT = 10;

const phoneLookup = (ctx: AppContext, phone: string) => ctx.cipher.lookup('phone', phone);
const codeHash = (ctx: AppContext, lookup: string, purpose: string, code: string) => ctx.cipher.lookup('sms_code', `${lookup}:${purpose}:${code}`);

export function requirePhone(raw: string, field = 'phone'): string {
  const phone = normalizePhone(raw);
  if (!phone) throw new AppError(422, 'PHONE_INVALID', TEXT.phoneInvalid, { errors: [{ field, code: 'PHONE_INVALID' }] });
  return phone;
}

/**
 * Takes one send from a number's allowance: at most one per 60 s and ten per 10 minutes. One conditional
 * upsert decides, so parallel requests for one number cannot both pass.
 */
async function takeSendAllowance(ctx: AppContext, db: Kysely<DB>, lookup: string): Promise<void> {
  const now = ctx.now();
  const resendBefore = new Date(now.getTime() - RESEND_SECONDS * 1000);
  const windowBefore = new Date(now.getTime() - WINDOW_SECONDS * 1000);
  const taken = await db
    .insertInto('sms_send_state')
    .values({ phone_lookup: lookup, last_sent_at: now, window_start: now, window_count: 1 })
    .onConflict((oc) => oc.column('phone_lookup').doUpdateSet({
      last_sent_at: now,
      window_start: sql`case when sms_send_state.window_start <= ${windowBefore} then ${now}::timestamptz else sms_send_state.window_start end`,
      window_count: sql`case when sms_send_state.window_start <= ${windowBefore} then 1 else sms_send_state.window_count + 1 end`,
    }).where((eb) => eb.and([
      eb('sms_send_state.last_sent_at', '<=', resendBefore),
      eb.or([eb('sms_send_state.window_start', '<=', windowBefore), eb('sms_send_state.window_count', '<', WINDOW_LIMIT)]),
    ])))
    .returning('phone_lookup')
    .executeTakeFirst();
  if (taken) return;
  const state = await db.selectFrom('sms_send_state').selectAll().where('phone_lookup', '=', lookup).executeTakeFirstOrThrow();
  const untilResend = state.last_sent_at.getTime() + RESEND_SECONDS * 1000 - now.getTime();
  const untilWindow = state.window_count >= WINDOW_LIMIT ? state.window_start.getTime() + WINDOW_SECONDS * 1000 - now.getTime() : 0;
  const wait = Math.max(1, Math.ceil(Math.max(untilResend, untilWindow) / 1000));
  throw errors.tooMany('TOO_MANY_CODES', TEXT.tooMany(wait), wait);
}

/**
 * Sends a 6-digit code to a number for one purpose: the code row and the SMS are written in one transaction.
 * The code is kept only as a keyed hash; it is good for 10 minutes, 5 tries and one use.
 */
export async function sendSmsCode(
  ctx: AppContext,
  input: { phone: string; purpose: SmsCodePurpose; ip: string },
): Promise<void> {
  const address = await hitWindow(ctx.db, `sms-ip:${input.ip}`, 3600, ctx.config.smsAddressHourlyLimit, ctx.now());
  if (!address.allowed) throw errors.tooMany('TOO_MANY_CODES', TEXT.addressTooMany, address.retryAfter);
  const lookup = phoneLookup(ctx, input.phone);
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  await ctx.db.transaction().execute(async (trx) => {
    await takeSendAllowance(ctx, trx, lookup);
    const now = ctx.now();
    await trx.insertInto('sms_codes').values({
      id: uuidv7(now.getTime()), phone_lookup: lookup, purpose: input.purpose, code_hash: codeHash(ctx, lookup, input.purpose, code),
      created_at: now, expires_at: new Date(now.getTime() + CODE_MINUTES * 60_000),
    }).execute();
    await enqueueMessage(trx, ctx, { channel: 'sms', to: input.phone, template: 'verification_code', params: { code, purpose: input.purpose, minutes: CODE_MINUTES } });
  });
}

/**
 * Uses up the newest live code for a number and purpose if `code` matches. A single UPDATE counts the try
 * and consumes the code, so parallel submissions of one code succeed at most once.
 */
export async function consumeSmsCode(
  ctx: AppContext,
  db: Kysely<DB>,
  input: { phone: string; purpose: SmsCodePurpose; code: string },
): Promise<boolean> {
  if (!/^\d{6}$/.test(input.code)) return false;
  const lookup = phoneLookup(ctx, input.phone);
  const now = ctx.now();
  const hash = codeHash(ctx, lookup, input.purpose, input.code);
  const row = await db
    .updateTable('sms_codes')
    .set({
      attempts: sql`attempts + 1`,
      consumed_at: sql`case when code_hash = ${hash} then ${now}::timestamptz else null end`,
    })
    .where('id', '=', (eb) => eb
      .selectFrom('sms_codes')
      .select('id')
      .where('phone_lookup', '=', lookup)
      .where('purpose', '=', input.purpose)
      .where('consumed_at', 'is', null)
      .where('expires_at', '>', now)
      .where('attempts', '<', MAX_TRIES)
      .orderBy('created_at', 'desc')
      .limit(1)
      .forUpdate())
    .where('consumed_at', 'is', null)
    .where('attempts', '<', MAX_TRIES)
    .returning('consumed_at')
    .executeTakeFirst();
  return Boolean(row?.consumed_at);
}

/** consumeSmsCode, or 422 SMS_CODE_INVALID on the given field. */
export async function requireSmsCode(ctx: AppContext, db: Kysely<DB>, input: { phone: string; purpose: SmsCodePurpose; code: string | undefined; field?: string }): Promise<void> {
  const ok = input.code ? await consumeSmsCode(ctx, db, { phone: input.phone, purpose: input.purpose, code: input.code }) : false;
  if (!ok) throw new AppError(422, 'SMS_CODE_INVALID', TEXT.codeInvalid, { errors: [{ field: input.field ?? 'smsCode', code: 'SMS_CODE_INVALID' }] });
}
