import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { AppContext } from '../../platform/context.js';
import type { DB } from '../../platform/database/schema.js';
import { prepared } from '../../platform/database/prepared.js';
import { audit, auditRow } from '../../platform/audit.js';
import { requireAccount } from '../../platform/auth-guard.js';
import { publicBaseUrl } from '../../platform/config.js';
import { AppError, errors } from '../../platform/errors.js';
import { loadProjectRow, loadShift, requireProjectGroup } from './access.js';
import { QR_TTL_MS, signQr, verifyQr, type QrKind } from './qr.js';
import { TEXT } from './text.js';

/** How far from the project's point a scan may be, when both the project and the phone give a position. */
export const SCAN_RADIUS_M = 1000;
const AUTO_CHECK_OUT_AFTER_MS = 24 * 3_600_000;

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/** Loaded lazily so the server starts (and tokens still work) without the optional qrcode package. */
async function pngDataUrl(text: string): Promise<string | null> {
  try {
    const qrcode = await import('qrcode');
    return await qrcode.toDataURL(text, { errorCorrectionLevel: 'M', margin: 2, width: 320 });
  } catch {
    return null;
  }
}

async function groupShift(ctx: AppContext, request: FastifyRequest, shiftId: string) {
  const shift = await loadShift(ctx, shiftId);
  const project = await loadProjectRow(ctx, shift.project_id);
  const actor = await requireProjectGroup(ctx, request, project.group_id).catch((e: unknown) => {
    if (e instanceof AppError && e.status === 404) throw errors.notFound(TEXT.shiftNotFound);
    throw e;
  });
  return { shift, project, actor };
}

/** The code the group shows on site; a fresh one every few minutes. */
export async function shiftQr(ctx: AppContext, request: FastifyRequest, shiftId: string, kind: QrKind) {
  const { shift } = await groupShift(ctx, request, shiftId);
  const expiresAt = ctx.now().getTime() + QR_TTL_MS;
  const token = signQr(ctx.cipher, shift.id, kind, expiresAt);
  // The code opens the check-in page in any phone camera app; POST /attendance/scan still takes the bare token.
  const url = checkInUrl(ctx, token);
  return { token, kind, expiresAt: new Date(expiresAt).toISOString(), qrDataUrl: await pngDataUrl(url) };
}

/** What the QR code encodes: the web app's check-in page carrying the token. */
export function checkInUrl(ctx: AppContext, token: string): string {
  return `${publicBaseUrl(ctx.config)}/checkin?t=${encodeURIComponent(token)}`;
}

/** Great-circle distance in metres. */
export function distanceM(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.min(1, Math.sqrt(h)));
}

export interface AttendanceView { shiftId: string; kind: QrKind; checkedInAt: string; checkedOutAt: string | null }

/**
 * The volunteer scans the group's code. Repeating a scan is harmless: a second check-in keeps the first time, a
 * second check-out the first check-out.
 */
export async function scan(ctx: AppContext, request: FastifyRequest, input: { token: string; lat?: number; lng?: number }): Promise<AttendanceView> {
  const account = requireAccount(request, 'volunteer');
  const now = ctx.now();
  const { shiftId, kind } = verifyQr(ctx.cipher, input.token, now);
  // Check-in is the busiest moment of an event (issue 5): shift, assignment and project point in one read.
  const shift = await ctx.db.selectFrom('shifts as s')
    .leftJoin('shift_assignments as a', (j) => j.onRef('a.site_code', '=', 's.site_code').onRef('a.shift_id', '=', 's.id').on('a.account_id', '=', account.id))
    .leftJoin('projects as p', (j) => j.onRef('p.site_code', '=', 's.site_code').onRef('p.id', '=', 's.project_id'))
    .select(['s.site_code', 's.id', 's.ends_at', 'a.account_id as assigned', 'p.id as project_id', 'p.lat', 'p.lng'])
    .where('s.id', '=', shiftId).modifyEnd(prepared).executeTakeFirst();
  if (!shift) throw errors.notFound(TEXT.shiftNotFound);
  if (!shift.assigned) throw new AppError(403, 'NOT_ASSIGNED', TEXT.notAssigned);
  if (input.lat !== undefined && input.lng !== undefined) {
    if (!shift.project_id) throw errors.notFound(TEXT.projectNotFound);
    if (shift.lat !== null && shift.lng !== null
      && distanceM({ lat: shift.lat, lng: shift.lng }, { lat: input.lat, lng: input.lng }) > SCAN_RADIUS_M) {
      throw new AppError(422, 'TOO_FAR', TEXT.tooFar, { extra: { radiusM: SCAN_RADIUS_M } });
    }
  }
  const key = (q: any) => q.where('site_code', '=', shift.site_code).where('shift_id', '=', shift.id).where('account_id', '=', account.id);
  const logged = auditRow({
    actor: account, action: `attendance.${kind}`, target: { type: 'shift', id: shift.id }, siteCode: shift.site_code, ip: request.ip, outcome: 'success',
  }, now);
  type Times = { checked_in_at: Date; checked_out_at: Date | null };
  const view = (row: Times): AttendanceView => ({ shiftId: shift.id, kind, checkedInAt: iso(row.checked_in_at)!, checkedOutAt: iso(row.checked_out_at) });

  // The usual scan is one statement: the change and its audit row together, atomic without BEGIN/COMMIT.
  if (kind === 'check_in') {
    const inserted = await ctx.db
      .with('ins', (db) => db.insertInto('attendance').values({
        site_code: shift.site_code, shift_id: shift.id, account_id: account.id, checked_in_at: now, shift_ends_at: shift.ends_at,
      }).onConflict((oc) => oc.columns(['site_code', 'shift_id', 'account_id']).doNothing()).returning(['checked_in_at', 'checked_out_at']))
      .with('logged', (db) => db.insertInto('audit_log').values(logged).returning('id'))
      .selectFrom('ins').select(['checked_in_at', 'checked_out_at']).modifyEnd(prepared).executeTakeFirst();
    if (inserted) return view(inserted);
    // A repeat (or a parallel double scan that lost): keep the first time. A statement of its own, so it sees the
    // row the other scan committed while ours waited on the key.
    return view(await key(ctx.db.selectFrom('attendance').select(['checked_in_at', 'checked_out_at'])).executeTakeFirstOrThrow());
  }
  const checkedOut = await ctx.db
    .with('upd', (db) => db.updateTable('attendance').set({ checked_out_at: now, check_out_kind: 'scan' })
      .where('site_code', '=', shift.site_code).where('shift_id', '=', shift.id).where('account_id', '=', account.id)
      .where('checked_out_at', 'is', null).returning(['checked_in_at', 'checked_out_at']))
    .with('logged', (db) => db.insertInto('audit_log').columns(Object.keys(logged) as (keyof typeof logged)[])
      .expression((eb) => eb.selectFrom('upd').select(Object.entries(logged).map(([name, value]) => eb.val(value).as(name)) as any)).returning('id'))
    .selectFrom('upd').select(['checked_in_at', 'checked_out_at']).modifyEnd(prepared).executeTakeFirst();
  if (checkedOut) return view(checkedOut);
  // Not checked in, already checked out, or racing another scan: decide on the locked row.
  const row = await ctx.db.transaction().execute(async (trx) => {
    const existing = await key(trx.selectFrom('attendance').select(['checked_in_at', 'checked_out_at'])).forUpdate().executeTakeFirst() as Times | undefined;
    if (!existing) throw new AppError(409, 'NOT_CHECKED_IN', TEXT.notCheckedIn);
    const updated = existing.checked_out_at === null
      ? await key(trx.updateTable('attendance').set({ checked_out_at: now, check_out_kind: 'scan' })).returning(['checked_in_at', 'checked_out_at']).executeTakeFirstOrThrow() as Times
      : existing;
    await trx.insertInto('audit_log').values(logged).execute();
    return updated;
  });
  return view(row);
}

/** The group enters a check-out the volunteer missed (or replaces an automatic one), with a reason. */
export async function correctCheckOut(
  ctx: AppContext, request: FastifyRequest, shiftId: string, accountId: string, input: { checkedOutAt: string; reason: string },
): Promise<AttendanceView> {
  const reason = input.reason.trim();
  if (!reason) throw errors.validation(TEXT.reasonRequired, [{ field: 'reason', code: 'REQUIRED' }]);
  const at = Date.parse(input.checkedOutAt);
  if (Number.isNaN(at)) throw errors.validation(TEXT.checkOutBeforeCheckIn, [{ field: 'checkedOutAt', code: 'INVALID' }]);
  const { shift, actor } = await groupShift(ctx, request, shiftId);
  const now = ctx.now();
  if (at > now.getTime()) throw errors.validation(TEXT.checkOutInFuture, [{ field: 'checkedOutAt', code: 'FUTURE' }]);
  const row = await ctx.db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom('attendance').select(['checked_in_at', 'checked_out_at', 'check_out_kind'])
      .where('site_code', '=', shift.site_code).where('shift_id', '=', shift.id).where('account_id', '=', accountId).forUpdate().executeTakeFirst();
    if (!existing) throw errors.notFound(TEXT.attendanceNotFound);
    if (at <= new Date(existing.checked_in_at).getTime()) {
      throw errors.validation(TEXT.checkOutBeforeCheckIn, [{ field: 'checkedOutAt', code: 'BEFORE_CHECK_IN' }]);
    }
    await trx.updateTable('attendance')
      .set({ checked_out_at: new Date(at), check_out_kind: 'corrected', corrected_by: actor.actor.id, correction_reason: reason })
      .where('site_code', '=', shift.site_code).where('shift_id', '=', shift.id).where('account_id', '=', accountId).execute();
    await audit(trx, {
      actor: actor.actor, action: 'group.attendance.correct', target: { type: 'account', id: accountId }, siteCode: shift.site_code, ip: request.ip,
      outcome: 'success',
      detail: { groupId: actor.group.id, role: actor.role, shiftId: shift.id, reason, was: iso(existing.checked_out_at), wasKind: existing.check_out_kind },
    }, now);
    return { checked_in_at: existing.checked_in_at };
  });
  return { shiftId: shift.id, kind: 'check_out', checkedInAt: iso(row.checked_in_at)!, checkedOutAt: new Date(at).toISOString() };
}

/** Everyone assigned to a shift with their attendance, for the group. */
export async function shiftAttendance(ctx: AppContext, request: FastifyRequest, shiftId: string) {
  const { shift } = await groupShift(ctx, request, shiftId);
  const rows = await ctx.db.selectFrom('shift_assignments as a')
    .innerJoin('accounts as acc', 'acc.id', 'a.account_id')
    .leftJoin('people as p', 'p.account_id', 'a.account_id')
    .leftJoin('attendance as t', (j) => j.onRef('t.site_code', '=', 'a.site_code').onRef('t.shift_id', '=', 'a.shift_id').onRef('t.account_id', '=', 'a.account_id'))
    .select(['a.account_id', 'acc.display_name', 'p.name', 'a.assigned_by', 't.checked_in_at', 't.checked_out_at', 't.check_out_kind',
      't.correction_reason', 't.flagged'])
    .where('a.site_code', '=', shift.site_code).where('a.shift_id', '=', shift.id)
    .orderBy('a.created_at').execute();
  return {
    items: rows.map((r) => ({
      accountId: r.account_id, name: r.name ?? r.display_name, assignedBy: r.assigned_by, checkedInAt: iso(r.checked_in_at),
      checkedOutAt: iso(r.checked_out_at), checkOutKind: r.check_out_kind, correctionReason: r.correction_reason, flagged: r.flagged ?? false,
    })),
  };
}

/**
 * Housekeeping: anyone still checked in 24 h after their shift ended is checked out at the shift's end and flagged,
 * so the group looks at it before recording hours.
 */
export async function autoCheckOut(db: Kysely<DB>, now: Date): Promise<number> {
  const result = await db.updateTable('attendance')
    .set((eb) => ({ checked_out_at: eb.ref('shift_ends_at'), check_out_kind: 'auto', flagged: true }))
    .where('checked_out_at', 'is', null)
    .where('shift_ends_at', '<=', new Date(now.getTime() - AUTO_CHECK_OUT_AFTER_MS))
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
