import { AppError } from '../../platform/errors.js';
import { TEXT } from './text.js';

/** The largest photo accepted, decoded. Vendors take at most 1–4 MB; phones' JPEGs fit once resized by the client. */
export const MAX_PHOTO_BYTES = 2 * 1024 * 1024;

export type PhotoMime = 'image/jpeg' | 'image/png';

export interface Photo {
  bytes: Buffer;
  mime: PhotoMime;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** What the first bytes say the file is; null when it is neither JPEG nor PNG. */
export function sniffImage(bytes: Buffer): PhotoMime | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= PNG_SIGNATURE.length && bytes.subarray(0, PNG_SIGNATURE.length).equals(PNG_SIGNATURE)) return 'image/png';
  return null;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * A photo sent as a data URL (`data:image/jpeg;base64,…`) or bare base64. Refused with 422 PHOTO_INVALID
 * unless the bytes are a JPEG or PNG (the declared type, if any, must agree), with 413 PHOTO_TOO_LARGE
 * beyond 2 MB decoded. Nothing trusts the declared type: the magic bytes decide.
 */
export function parsePhoto(raw: string, field: string): Photo {
  const invalid = () => new AppError(422, 'PHOTO_INVALID', TEXT.photoInvalid, { errors: [{ field, code: 'PHOTO_INVALID' }] });
  let declared: string | null = null;
  let data = raw.trim();
  const dataUrl = /^data:([a-z]+\/[a-z0-9.+-]+);base64,/i.exec(data);
  if (dataUrl) {
    declared = dataUrl[1].toLowerCase();
    data = data.slice(dataUrl[0].length);
  } else if (data.startsWith('data:')) {
    throw invalid();
  }
  data = data.replace(/\s+/g, '');
  if (data.length === 0 || data.length % 4 === 1 || !BASE64.test(data)) throw invalid();
  // Refuse before decoding when the text alone says the photo is too big.
  if (Math.floor((data.length * 3) / 4) - (data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0) > MAX_PHOTO_BYTES) {
    throw new AppError(413, 'PHOTO_TOO_LARGE', TEXT.photoTooLarge, { errors: [{ field, code: 'PHOTO_TOO_LARGE' }] });
  }
  const bytes = Buffer.from(data, 'base64');
  const mime = sniffImage(bytes);
  if (!mime) throw invalid();
  if (declared && declared !== mime && !(declared === 'image/jpg' && mime === 'image/jpeg')) throw invalid();
  return { bytes, mime };
}
