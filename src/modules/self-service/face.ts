import { sql, type Kysely } from 'kysely';
import type { AppContext } from '../../platform/context.js';
import type { DB, FaceCheckStatus } from '../../platform/database/schema.js';
import { AppError, errors } from '../../platform/errors.js';
import { uuidv7 } from '../../platform/ids.js';
import { hitWindow } from '../../platform/rate-limit.js';
import { audit } from '../../platform/audit.js';
import { scrubReason } from '../../platform/outbox/outbox.js';
import type { SessionAccount } from '../../platform/sessions.js';
import { lockPerson, recordRealnameResult } from '../realname/results.js';
import type { FaceProvider, FaceResult } from './face-provider.js';
import { parsePhoto, type Photo } from './photos.js';
import { noteAction, type TicketHolder } from './tickets.js';
import { TEXT } from './text.js';

/** Face checks one ticket may try; then the person starts again with the identity check. */
export const FACE_TRIES_PER_TICKET = 3;
/** Face checks one account may try per day, whatever the ticket (each vendor call costs money). */
export const FACE_TRIES_PER_DAY = 10;
/** Photos kept for review are deleted this many days after the decision. */
export const PHOTO_RETENTION_DAYS = 30;
/** `people.realname_note` after a face check verified someone whose real-name check had no result. */
export const REALNAME_NOTE_FACE = 'self_service_face';

const STATUS_OF: Record<FaceResult['outcome'], FaceCheckStatus> = { pass: 'passed', fail: 'failed', error: 'error', pending_review: 'pending_review' };

export interface FaceAnswer {
  outcome: 'pass' | 'pending_review';
  checkId: string;
  provider: FaceProvider['name'];
  /** True when nobody compared the faces (local-review outside production). */
  autoPassed: boolean;
  /** What the person must know: the development pass, or how the review goes on. */
  message: string | null;
  realNameStatus: string;
}

/**
 * After a face check passed (provider or reviewer), inside the caller's transaction: the person's face check
 * time (real-name level `advanced`, see accounts/me.ts), and for a person whose real-name check had no result
 * (seed 001: 认证无结果 → 通过人脸识别申请实名认证) the verification itself, recorded like any other result.
 */
async function applyPass(trx: Kysely<DB>, ctx: AppContext, input: { accountId: string; provider: string; actor: { id: string; username: string } | null; ip: string | null }) {
  const now = ctx.now();
  await trx.updateTable('people').set({ face_checked_at: now }).where('account_id', '=', input.accountId).execute();
  const person = await lockPerson(trx, input.accountId);
  if (person && person.realname_status === 'no_result') {
    await recordRealnameResult(trx, ctx, person, {
      status: 'verified', source: 'self_service', note: REALNAME_NOTE_FACE, actor: input.actor, ip: input.ip, provider: `face:${input.provider}`,
    });
  }
}

/** Deletes photos kept for review once their check was decided long enough ago. Cheap (partial index). */
export async function purgeReviewedPhotos(db: Kysely<DB>, now: Date): Promise<void> {
  await db.updateTable('face_checks')
    .set({ photo_enc: null, id_card_photo_enc: null })
    .where('decided_at', '<', new Date(now.getTime() - PHOTO_RETENTION_DAYS * 86_400_000))
    .where((eb) => eb.or([eb('photo_enc', 'is not', null), eb('id_card_photo_enc', 'is not', null)]))
    .execute();
}

/**
 * 人脸核验 with a ticket: checks the photo(s), asks the provider, and records the check. A pass marks the
 * ticket (every other self-service action needs that) and the person. Three tries per ticket (a provider
 * error gives the try back), ten per account per day.
 */
export async function submitFaceCheck(
  ctx: AppContext,
  provider: FaceProvider,
  holder: TicketHolder,
  body: { photo: string; idCardPhoto?: string },
  ip: string,
): Promise<FaceAnswer> {
  if (holder.faceCheckedAt) throw new AppError(409, 'FACE_ALREADY_CHECKED', TEXT.faceAlreadyChecked);
  const photo = parsePhoto(body.photo, 'photo');
  const idCardPhoto: Photo | null = body.idCardPhoto ? parsePhoto(body.idCardPhoto, 'idCardPhoto') : null;
  if (provider.needsIdCardPhoto && !idCardPhoto) {
    throw new AppError(422, 'ID_CARD_PHOTO_REQUIRED', TEXT.idCardPhotoRequired, { errors: [{ field: 'idCardPhoto', code: 'REQUIRED' }] });
  }
  const accountId = holder.account.id;
  if (!provider.autoPasses && provider.name === 'local-review') {
    const waiting = await ctx.db.selectFrom('face_checks').select('id')
      .where('account_id', '=', accountId).where('status', '=', 'pending_review').executeTakeFirst();
    if (waiting) throw new AppError(409, 'FACE_REVIEW_PENDING', TEXT.faceReviewPending);
  }
  const tried = await ctx.db.updateTable('self_service_tickets')
    .set({ face_attempts: sql`face_attempts + 1` })
    .where('id', '=', holder.ticketId).where('face_attempts', '<', FACE_TRIES_PER_TICKET)
    .returning('face_attempts')
    .executeTakeFirst();
  if (!tried) throw errors.tooMany('TOO_MANY_FACE_CHECKS', TEXT.faceTooMany, 60);
  const daily = await hitWindow(ctx.db, `face-account:${accountId}`, 86_400, FACE_TRIES_PER_DAY, ctx.now());
  if (!daily.allowed) throw errors.tooMany('TOO_MANY_FACE_CHECKS', TEXT.faceTooMany, daily.retryAfter);

  let result: FaceResult;
  try {
    result = await provider.check({ name: holder.person.name, idNumber: holder.person.idNumber, photo: photo.bytes, mime: photo.mime, idCardPhoto });
  } catch (error) {
    ctx.log.warn({ err: error }, 'face provider failed');
    result = { outcome: 'error', reason: 'exception' };
  }

  const now = ctx.now();
  const checkId = uuidv7(now.getTime());
  const status = STATUS_OF[result.outcome];
  const keep = provider.keepsPhotos && result.outcome !== 'error';
  const realNameStatus = await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto('face_checks').values({
      id: checkId, account_id: accountId, ticket_id: holder.ticketId, provider: provider.name, status,
      score: result.score ?? null, reference: result.reference ?? null, reason: result.reason ?? null,
      photo_enc: keep ? ctx.cipher.encrypt(photo.bytes.toString('base64')) : null, photo_mime: keep ? photo.mime : null,
      id_card_photo_enc: keep && idCardPhoto ? ctx.cipher.encrypt(idCardPhoto.bytes.toString('base64')) : null,
      id_card_photo_mime: keep && idCardPhoto ? idCardPhoto.mime : null,
      created_at: now, decided_at: status === 'passed' || status === 'failed' ? now : null,
    }).execute();
    if (result.outcome === 'error') {
      // Not the person's fault: the try is given back.
      await trx.updateTable('self_service_tickets').set({ face_attempts: sql`greatest(face_attempts - 1, 0)` }).where('id', '=', holder.ticketId).execute();
    }
    if (result.outcome === 'pass') {
      await trx.updateTable('self_service_tickets').set({ face_checked_at: now, face_check_id: checkId }).where('id', '=', holder.ticketId).execute();
      await applyPass(trx, ctx, { accountId, provider: provider.name, actor: null, ip });
    }
    await noteAction(trx, holder.ticketId, `face:${result.outcome}`);
    await audit(trx, {
      actor: null, action: 'self_service.face', target: { type: 'account', id: accountId }, siteCode: holder.account.siteCode, ip,
      outcome: result.outcome === 'pass' ? 'success' : result.outcome === 'pending_review' ? 'success' : 'failure',
      detail: {
        ticketId: holder.ticketId, checkId, provider: provider.name, outcome: result.outcome, autoPassed: provider.autoPasses && result.outcome === 'pass',
        ...(result.score !== undefined ? { score: result.score } : {}), ...(result.reason ? { reason: result.reason } : {}),
      },
    }, now);
    const person = await trx.selectFrom('people').select('realname_status').where('account_id', '=', accountId).executeTakeFirstOrThrow();
    return person.realname_status;
  });
  await purgeReviewedPhotos(ctx.db, now);

  if (result.outcome === 'error') throw new AppError(503, 'FACE_PROVIDER_UNAVAILABLE', TEXT.faceUnavailable, { headers: { 'retry-after': '60' } });
  if (result.outcome === 'fail') {
    throw new AppError(422, 'FACE_CHECK_FAILED', TEXT.faceFailed, { extra: { checkId, triesLeft: FACE_TRIES_PER_TICKET - tried.face_attempts } });
  }
  if (result.outcome === 'pending_review') {
    return { outcome: 'pending_review', checkId, provider: provider.name, autoPassed: false, message: TEXT.localReviewPending, realNameStatus };
  }
  if (provider.autoPasses) ctx.log.warn({ checkId, provider: provider.name }, 'face check passed without any comparison (local-review outside production)');
  return {
    outcome: 'pass', checkId, provider: provider.name, autoPassed: provider.autoPasses,
    message: provider.autoPasses ? TEXT.localReviewDevPass : null, realNameStatus,
  };
}

// --- Administration: the review queue of the local-review provider -------------------------------------------

export interface FaceCheckListQuery {
  status?: FaceCheckStatus;
  page: number;
  pageSize: number;
}

/** Face checks, oldest first (a queue), for system administrators. Names shown whole, ID numbers masked. */
export async function listFaceChecks(ctx: AppContext, q: FaceCheckListQuery) {
  let query = ctx.db.selectFrom('face_checks as f')
    .innerJoin('accounts as a', 'a.id', 'f.account_id')
    .innerJoin('people as p', 'p.account_id', 'f.account_id');
  if (q.status) query = query.where('f.status', '=', q.status);
  const [rows, count] = await Promise.all([
    query.select([
      'f.id', 'f.account_id', 'f.provider', 'f.status', 'f.score', 'f.reason', 'f.created_at', 'f.decided_at', 'f.decided_by',
      'f.decision_note', 'f.photo_mime', 'f.id_card_photo_mime', 'a.username', 'a.site_code', 'p.name', 'p.id_number_masked', 'p.realname_status',
      (eb) => eb('f.photo_enc', 'is not', null).as('has_photo'),
      (eb) => eb('f.id_card_photo_enc', 'is not', null).as('has_id_card_photo'),
    ]).orderBy('f.created_at', 'asc').orderBy('f.id', 'asc').limit(q.pageSize).offset((q.page - 1) * q.pageSize).execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    items: rows.map((r) => ({
      id: r.id, accountId: r.account_id, username: r.username, siteCode: r.site_code, name: r.name, idNumberMasked: r.id_number_masked,
      realNameStatus: r.realname_status, provider: r.provider, status: r.status, score: r.score ?? null, reason: r.reason ?? null,
      createdAt: r.created_at.toISOString(), decidedAt: r.decided_at?.toISOString() ?? null, decidedBy: r.decided_by ?? null,
      decisionNote: r.decision_note ?? null, hasPhoto: Boolean(r.has_photo), hasIdCardPhoto: Boolean(r.has_id_card_photo),
    })),
    total: Number(count.n), page: q.page, pageSize: q.pageSize,
  };
}

/** One kept photo of a check, decrypted, for the reviewer; every look is audited. */
export async function readFacePhoto(ctx: AppContext, admin: SessionAccount, id: string, kind: 'face' | 'id_card', ip: string): Promise<{ bytes: Buffer; mime: string }> {
  const row = await ctx.db.selectFrom('face_checks').select(['account_id', 'photo_enc', 'photo_mime', 'id_card_photo_enc', 'id_card_photo_mime'])
    .where('id', '=', id).executeTakeFirst();
  if (!row) throw new AppError(404, 'FACE_CHECK_NOT_FOUND', TEXT.faceCheckNotFound);
  const stored = kind === 'face' ? row.photo_enc : row.id_card_photo_enc;
  const mime = kind === 'face' ? row.photo_mime : row.id_card_photo_mime;
  if (!stored || !mime) throw new AppError(404, 'FACE_PHOTO_NOT_KEPT', TEXT.faceCheckNoPhoto);
  await audit(ctx.db, {
    actor: admin, action: 'admin.face_check.photo', target: { type: 'face_check', id }, siteCode: admin.siteCode, ip, outcome: 'success',
    detail: { kind, accountId: row.account_id },
  }, ctx.now());
  return { bytes: Buffer.from(ctx.cipher.decrypt(stored), 'base64'), mime };
}

/**
 * A reviewer's decision on a check waiting for review. Pass: the person's face check time is set (and a
 * person whose real-name check had no result is verified); the person then opens a new ticket with the
 * check's number (`faceCheckId`). Only waiting checks can be decided (409 FACE_CHECK_DECIDED).
 */
export async function decideFaceCheck(
  ctx: AppContext,
  admin: SessionAccount,
  id: string,
  input: { result: 'pass' | 'fail'; reason?: string },
  ip: string,
): Promise<{ id: string; status: FaceCheckStatus }> {
  const now = ctx.now();
  const note = input.reason ? scrubReason(input.reason).slice(0, 200) : null;
  return ctx.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('face_checks as f').innerJoin('accounts as a', 'a.id', 'f.account_id')
      .select(['f.id', 'f.account_id', 'f.status', 'f.provider', 'a.site_code'])
      .where('f.id', '=', id).forUpdate('f').executeTakeFirst();
    if (!row) throw new AppError(404, 'FACE_CHECK_NOT_FOUND', TEXT.faceCheckNotFound);
    if (row.status !== 'pending_review') throw new AppError(409, 'FACE_CHECK_DECIDED', TEXT.faceCheckDecided);
    const status: FaceCheckStatus = input.result === 'pass' ? 'passed' : 'failed';
    await trx.updateTable('face_checks').set({ status, decided_at: now, decided_by: admin.id, decision_note: note }).where('id', '=', id).execute();
    if (status === 'passed') await applyPass(trx, ctx, { accountId: row.account_id, provider: row.provider, actor: admin, ip });
    await audit(trx, {
      actor: admin, action: 'admin.face_check.decide', target: { type: 'account', id: row.account_id }, siteCode: row.site_code, ip, outcome: 'success',
      detail: { checkId: id, result: input.result, ...(note ? { reason: note } : {}) },
    }, now);
    return { id, status };
  });
}
