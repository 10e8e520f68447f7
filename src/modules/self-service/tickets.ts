import { sql, type Kysely } from 'kysely';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import type { AccountType, DB, RealNameStatus } from '../../platform/database/schema.js';
import { AppError, errors } from '../../platform/errors.js';
import { randomToken, sha256 } from '../../platform/crypto.js';
import { uuidv7 } from '../../platform/ids.js';
import { hitWindow } from '../../platform/rate-limit.js';
import { audit } from '../../platform/audit.js';
import { checkCaptcha } from '../captcha/captcha.js';
import { checkDocument } from '../identity/documents.js';
import { lookupKey } from '../accounts/lookups.js';
import { TEXT } from './text.js';

/**
 * Self-service tickets. A person who cannot sign in proves who they are with name + ID number (identity) and
 * then a face check; what they get is a ticket: a 256-bit random token, good for 15 minutes and one account,
 * stored only as its SHA-256. It travels in the `X-Self-Service-Ticket` header, never in a URL (paths and
 * query strings end up in logs and browser history).
 */

export const TICKET_MINUTES = 15;
export const TICKET_HEADER = 'x-self-service-ticket';
/** A check passed by a reviewer opens one later ticket within this many days of the decision. */
export const REVIEWED_CHECK_DAYS = 7;
const IDENTITY_ADDRESS_LIMIT = 30;
const IDENTITY_NUMBER_LIMIT = 5;

export interface TicketHolder {
  ticketId: string;
  faceCheckedAt: Date | null;
  faceAttempts: number;
  account: { id: string; username: string; siteCode: string; type: AccountType; usernameChangedAt: Date | null };
  person: { name: string; idNumber: string; email: string | null; phoneMasked: string | null; realnameStatus: RealNameStatus };
}

/** The same name as people write it: NFKC (full-width forms), spaces trimmed and collapsed. */
export const sameName = (a: string, b: string) => {
  const norm = (s: string) => s.normalize('NFKC').replace(/\s+/g, ' ').trim();
  return norm(a) === norm(b);
};

async function throttle(ctx: AppContext, key: string, limit: number) {
  const hit = await hitWindow(ctx.db, key, 3600, limit, ctx.now());
  if (!hit.allowed) throw errors.tooMany('TOO_MANY_ATTEMPTS', TEXT.tooManyIdentity, hit.retryAfter);
}

/**
 * 身份核验: finds the volunteer whose ID number this is and whose name matches exactly, and opens a ticket.
 * No match (unknown number, other name) is 404 NO_MATCH, the same answer for both; a match that has not
 * passed real-name verification is 403 REALNAME_REQUIRED (seed 002 §2.2.8), except 认证无结果 (no_result):
 * seed 001 sends those people to self-service to be verified by face, so they get a ticket good for the face
 * check, whose pass verifies them. Throttled per source address
 * (30 an hour) and per ID number (5 an hour), so the form cannot be used to test names against numbers.
 * `faceCheckId`: the number of a face check a reviewer has passed (local-review in production); the ticket
 * is then born face-checked, once per check, within 7 days of the decision.
 */
export async function openTicket(
  ctx: AppContext,
  input: { name: string; idNumber: string; captchaId?: string; captchaAnswer?: string; faceCheckId?: string },
  ip: string,
): Promise<{ ticket: string; expiresAt: Date; faceChecked: boolean; realNameStatus: RealNameStatus }> {
  await throttle(ctx, `self-service-ip:${ip}`, IDENTITY_ADDRESS_LIMIT);
  await checkCaptcha(ctx, input.captchaId, input.captchaAnswer);
  const document = checkDocument('resident_id', input.idNumber, ctx.now());
  const idNumber = document.ok ? document.normalized : input.idNumber.trim().toUpperCase();
  const idKey = lookupKey(ctx.cipher, 'id_number', idNumber);
  await throttle(ctx, `self-service-id:${idKey}`, IDENTITY_NUMBER_LIMIT);

  const row = await ctx.db
    .selectFrom('account_lookups as l')
    .innerJoin('accounts as a', 'a.id', 'l.account_id')
    .innerJoin('people as p', 'p.account_id', 'a.id')
    .select(['a.id', 'a.username', 'a.site_code', 'a.status', 'a.type', 'p.name', 'p.realname_status'])
    .where('l.kind', '=', 'id_number').where('l.lookup', '=', idKey)
    .executeTakeFirst();
  const now = ctx.now();
  const record = (outcome: 'success' | 'failure' | 'denied', detail: Record<string, unknown>, db: Kysely<DB> = ctx.db) => audit(db, {
    actor: null, action: 'self_service.identity', target: row ? { type: 'account', id: row.id } : null,
    siteCode: row?.site_code, ip, outcome, detail,
  }, now);

  if (!row || row.type !== 'volunteer' || !sameName(row.name, input.name)) {
    await record('failure', { reason: row ? 'name_mismatch' : 'unknown_number' });
    throw new AppError(404, 'NO_MATCH', TEXT.noMatch);
  }
  if (row.status === 'disabled') {
    await record('denied', { reason: 'disabled' });
    throw new AppError(403, 'ACCOUNT_DISABLED', TEXT.accountDisabled);
  }
  if (row.status === 'inactive') {
    await record('denied', { reason: 'inactive' });
    throw new AppError(403, 'ACCOUNT_INACTIVE', TEXT.accountInactive);
  }
  // 认证无结果 (no_result) may come in for the face check only: a pass verifies them (seed 001, face.ts).
  if (row.realname_status !== 'verified' && row.realname_status !== 'no_result') {
    await record('denied', { reason: 'realname', realNameStatus: row.realname_status });
    throw new AppError(403, 'REALNAME_REQUIRED', TEXT.realnameRequired);
  }

  // Tickets are worthless a day after they expire; cleaning up here keeps the table small without a job.
  await ctx.db.deleteFrom('self_service_tickets').where('expires_at', '<', new Date(now.getTime() - 86_400_000)).execute();

  const token = randomToken();
  const id = uuidv7(now.getTime());
  const expiresAt = new Date(now.getTime() + TICKET_MINUTES * 60_000);
  const faceChecked = await ctx.db.transaction().execute(async (trx) => {
    let faceCheckId: string | null = null;
    if (input.faceCheckId) {
      const used = await trx
        .updateTable('face_checks')
        .set({ used_at: now })
        .where('id', '=', input.faceCheckId)
        .where('account_id', '=', row.id)
        .where('status', '=', 'passed')
        .where('decided_by', 'is not', null)
        .where('used_at', 'is', null)
        .where('decided_at', '>', new Date(now.getTime() - REVIEWED_CHECK_DAYS * 86_400_000))
        .returning('id')
        .executeTakeFirst();
      if (!used) {
        throw new AppError(422, 'FACE_CHECK_ID_INVALID', TEXT.faceCheckIdInvalid, { errors: [{ field: 'faceCheckId', code: 'FACE_CHECK_ID_INVALID' }] });
      }
      faceCheckId = used.id;
    }
    await trx.insertInto('self_service_tickets').values({
      id, account_id: row.id, token_hash: sha256(token), created_at: now, expires_at: expiresAt,
      face_checked_at: faceCheckId ? now : null, face_check_id: faceCheckId, ip,
    }).execute();
    await record('success', { ticketId: id, reviewedFaceCheck: faceCheckId }, trx);
    return faceCheckId !== null;
  }).catch(async (error: unknown) => {
    if (error instanceof AppError && error.code === 'FACE_CHECK_ID_INVALID') await record('failure', { reason: 'face_check_id' });
    throw error;
  });
  return { ticket: token, expiresAt, faceChecked, realNameStatus: row.realname_status };
}

/**
 * The ticket in the request's X-Self-Service-Ticket header, with its account and person. 401 TICKET_REQUIRED
 * without one, 401 TICKET_INVALID when unknown, expired or ended; 403 REALNAME_REQUIRED when the person is no
 * longer verified (e.g. after a name change; a person whose check had no result may do the face check only);
 * with `face`, 403 FACE_CHECK_REQUIRED until a face check passed.
 */
export async function requireTicket(ctx: AppContext, request: FastifyRequest, options: { face: boolean }): Promise<TicketHolder> {
  const raw = request.headers[TICKET_HEADER];
  const token = Array.isArray(raw) ? raw[0] : raw;
  if (!token) throw new AppError(401, 'TICKET_REQUIRED', TEXT.ticketMissing);
  const invalid = () => new AppError(401, 'TICKET_INVALID', TEXT.ticketInvalid);
  if (token.length < 20 || token.length > 200) throw invalid();
  const row = await ctx.db
    .selectFrom('self_service_tickets as t')
    .innerJoin('accounts as a', 'a.id', 't.account_id')
    .innerJoin('people as p', 'p.account_id', 'a.id')
    .select([
      't.id', 't.expires_at', 't.ended_at', 't.face_checked_at', 't.face_attempts',
      'a.id as account_id', 'a.username', 'a.site_code', 'a.type', 'a.status', 'a.username_changed_at',
      'p.name', 'p.id_number_enc', 'p.email', 'p.phone_masked', 'p.realname_status',
    ])
    .where('t.token_hash', '=', sha256(token))
    .executeTakeFirst();
  if (!row || row.ended_at || row.expires_at <= ctx.now() || row.status !== 'active') throw invalid();
  const mayEnter = row.realname_status === 'verified' || (!options.face && row.realname_status === 'no_result');
  if (!mayEnter) throw new AppError(403, 'REALNAME_REQUIRED', TEXT.realnameRequired);
  if (options.face && !row.face_checked_at) throw new AppError(403, 'FACE_CHECK_REQUIRED', TEXT.faceRequired);
  return {
    ticketId: row.id,
    faceCheckedAt: row.face_checked_at,
    faceAttempts: row.face_attempts,
    account: { id: row.account_id, username: row.username, siteCode: row.site_code, type: row.type, usernameChangedAt: row.username_changed_at },
    person: {
      name: row.name, idNumber: ctx.cipher.decrypt(row.id_number_enc), email: row.email, phoneMasked: row.phone_masked,
      realnameStatus: row.realname_status,
    },
  };
}

/** Adds an action to the ticket's list (what this visit did), in the caller's transaction. */
export async function noteAction(db: Kysely<DB>, ticketId: string, action: string): Promise<void> {
  await db
    .updateTable('self_service_tickets')
    .set({ actions: sql`actions || ${JSON.stringify([action])}::jsonb` })
    .where('id', '=', ticketId)
    .execute();
}

/** Who did it, for the audit log: the account itself, through self-service. */
export const selfActor = (holder: TicketHolder) => ({ id: holder.account.id, username: holder.account.username });
