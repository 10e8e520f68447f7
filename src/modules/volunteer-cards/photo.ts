import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { audit } from '../../platform/audit.js';
import { requireAccount } from '../../platform/auth-guard.js';
import { bytesOf, matchesEtag, reencodeUpload, type UploadRules } from '../../platform/images.js';
import { PHOTO_TEXT } from './text.js';

export const MAX_PHOTO_BYTES = 2 * 1024 * 1024;
export const MAX_PHOTO_PIXELS = 25_000_000;
export const PHOTO_UPLOAD_TYPES = ['image/jpeg', 'image/png'] as const;
/** A 2-inch ID photo's proportions (33 × 48 mm), at about 300 dpi. */
export const PHOTO_SIZE = { width: 390, height: 567 } as const;
const MIN_SIZE = { width: 150, height: 200 };

const RULES: UploadRules = {
  code: 'PHOTO', formats: ['jpeg', 'png'], maxBytes: MAX_PHOTO_BYTES, maxPixels: MAX_PHOTO_PIXELS, minSize: MIN_SIZE, text: PHOTO_TEXT,
};

export const photoUrl = (etag: string | null) => (etag ? `/api/v1/me/card/photo?v=${etag}` : null);

/**
 * The upload cropped to the ID-photo shape and written anew as a JPEG: no EXIF (so no GPS or camera), no ICC, no
 * comments. The crop keeps the top of a tall picture, where the head is.
 */
export const reencodePhoto = (bytes: Buffer) =>
  reencodeUpload(bytes, RULES, (image) => image.resize({ ...PHOTO_SIZE, fit: 'cover', position: 'north' }), 88);

export async function setPhoto(ctx: AppContext, request: FastifyRequest, body: unknown) {
  const account = requireAccount(request, 'volunteer');
  const bytes = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
  const photo = await reencodePhoto(bytes);
  const etag = createHash('sha256').update(photo.image).digest('hex').slice(0, 24);
  const now = ctx.now();
  await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto('volunteer_card_photos').values({
      account_id: account.id, etag, image: photo.image, width: photo.width, height: photo.height, updated_at: now,
    }).onConflict((oc) => oc.column('account_id').doUpdateSet((eb) => ({
      etag: eb.ref('excluded.etag'), image: eb.ref('excluded.image'), width: eb.ref('excluded.width'), height: eb.ref('excluded.height'),
      updated_at: eb.ref('excluded.updated_at'),
    }))).execute();
    await audit(trx, {
      actor: account, action: 'volunteer_card.photo_set', target: { type: 'account', id: account.id }, siteCode: account.siteCode, ip: request.ip,
      outcome: 'success', detail: { source: photo.source, uploadedBytes: bytes.length, etag },
    }, now);
  });
  return { photoUrl: photoUrl(etag)! };
}

/** Removing an absent photo is harmless. */
export async function removePhoto(ctx: AppContext, request: FastifyRequest) {
  const account = requireAccount(request, 'volunteer');
  const now = ctx.now();
  await ctx.db.transaction().execute(async (trx) => {
    const gone = await trx.deleteFrom('volunteer_card_photos').where('account_id', '=', account.id).returning('etag').executeTakeFirst();
    if (!gone) return;
    await audit(trx, {
      actor: account, action: 'volunteer_card.photo_remove', target: { type: 'account', id: account.id }, siteCode: account.siteCode, ip: request.ip,
      outcome: 'success', detail: { etag: gone.etag },
    }, now);
  });
}

export async function loadPhoto(ctx: AppContext, accountId: string) {
  const row = await ctx.db.selectFrom('volunteer_card_photos').select(['etag', 'image']).where('account_id', '=', accountId).executeTakeFirst();
  return row ? { etag: row.etag, image: bytesOf(row.image) } : null;
}

/** The owner's photo; a request naming the current version (`v`) may be kept by the browser for good. */
export async function readPhoto(ctx: AppContext, request: FastifyRequest, version: string | undefined) {
  const account = requireAccount(request, 'volunteer');
  const etagRow = await ctx.db.selectFrom('volunteer_card_photos').select('etag').where('account_id', '=', account.id).executeTakeFirst();
  if (!etagRow) throw new AppError(404, 'PHOTO_NOT_FOUND', PHOTO_TEXT.notFound);
  const etag = etagRow.etag;
  const cacheControl = version === etag ? 'private, max-age=31536000, immutable' : 'private, no-cache';
  if (matchesEtag(request.headers['if-none-match'], etag)) return { notModified: true as const, etag, cacheControl };
  const photo = await loadPhoto(ctx, account.id);
  if (!photo) throw new AppError(404, 'PHOTO_NOT_FOUND', PHOTO_TEXT.notFound);
  return { notModified: false as const, etag: photo.etag, cacheControl, image: photo.image };
}
