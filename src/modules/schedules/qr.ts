import type { FieldCipher } from '../../platform/crypto.js';
import { safeEqual } from '../../platform/crypto.js';
import { AppError } from '../../platform/errors.js';
import { TEXT } from './text.js';

/** Short enough that a photo of the code sent to a friend stops working before they could use it. */
export const QR_TTL_MS = 3 * 60_000;
export type QrKind = 'check_in' | 'check_out';

/** `v1.<shiftId>.<kind>.<expiresMs>.<mac>`, the MAC a keyed hash from the server's master key (separate domain). */
export function signQr(cipher: FieldCipher, shiftId: string, kind: QrKind, expiresAt: number): string {
  const payload = `v1.${shiftId}.${kind}.${expiresAt}`;
  return `${payload}.${cipher.lookup('attendance_qr', payload)}`;
}

/** The shift and kind of a genuine, unexpired token; 422 QR_INVALID for anything altered, QR_EXPIRED when late. */
export function verifyQr(cipher: FieldCipher, token: string, now: Date): { shiftId: string; kind: QrKind } {
  const parts = token.split('.');
  const invalid = () => new AppError(422, 'QR_INVALID', TEXT.qrInvalid);
  if (parts.length !== 5) throw invalid();
  const [version, shiftId, kind, expires, mac] = parts as [string, string, string, string, string];
  const payload = `${version}.${shiftId}.${kind}.${expires}`;
  if (!safeEqual(cipher.lookup('attendance_qr', payload), mac)) throw invalid();
  if (version !== 'v1' || (kind !== 'check_in' && kind !== 'check_out') || !/^\d{1,15}$/.test(expires)) throw invalid();
  if (now.getTime() > Number(expires)) throw new AppError(422, 'QR_EXPIRED', TEXT.qrExpired);
  return { shiftId, kind };
}
