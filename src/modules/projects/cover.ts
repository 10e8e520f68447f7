import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import sharp from 'sharp';
import type { AppContext } from '../../platform/context.js';
import { AppError, errors } from '../../platform/errors.js';
import { audit } from '../../platform/audit.js';
import { currentGroupActor } from '../groups/actor.js';
import { loadProject, relationToProject, type ProjectRow } from './detail.js';
import { chinaToday, projectStatus } from './status.js';
import { COVER_TEXT, TEXT } from './text.js';

export const MAX_COVER_BYTES = 5 * 1024 * 1024;
export const MAX_COVER_PIXELS = 40_000_000;
export const COVER_WIDTH = 1280;
export const COVER_UPLOAD_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;

// Each upload is decoded once; libvips' operation cache would only keep decoded images in memory.
sharp.cache(false);

export const coverUrl = (projectId: string, etag: string | null) => (etag ? `/api/v1/projects/${projectId}/cover?v=${etag}` : null);

type CoverFormat = 'jpeg' | 'png' | 'webp';

/** What the first bytes say the upload is; the Content-Type header is never trusted. */
export function sniffCover(bytes: Buffer): CoverFormat | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  return null;
}

const invalid = (title: string) => new AppError(400, 'COVER_INVALID', title, { errors: [{ field: 'body', code: 'COVER_INVALID' }] });

/**
 * Decodes the upload and writes a new JPEG from its pixels alone: at most COVER_WIDTH wide, oriented, alpha on white,
 * sRGB, no EXIF/XMP/ICC/comments, and nothing that trailed or hid inside the original file (polyglots, appended
 * archives, scripts in metadata). libvips warnings count as corruption (failOn 'warning'): a truncated or damaged
 * file is refused rather than shown half grey. The pixel limit is checked on the header, before any decoding.
 */
export async function reencodeCover(bytes: Buffer): Promise<{ image: Buffer; width: number; height: number; source: CoverFormat }> {
  if (bytes.length === 0) throw invalid(COVER_TEXT.empty);
  if (bytes.length > MAX_COVER_BYTES) throw new AppError(413, 'COVER_TOO_LARGE', COVER_TEXT.tooLarge);
  const source = sniffCover(bytes);
  if (!source) throw invalid(COVER_TEXT.invalid);
  const input = () => sharp(bytes, { failOn: 'warning', limitInputPixels: MAX_COVER_PIXELS, animated: false });
  const meta = await sharp(bytes, { failOn: 'warning', limitInputPixels: false }).metadata().catch(() => {
    throw invalid(COVER_TEXT.corrupt);
  });
  if (meta.format !== source || !meta.width || !meta.height) throw invalid(COVER_TEXT.corrupt);
  if (meta.width * meta.height > MAX_COVER_PIXELS) throw new AppError(413, 'COVER_TOO_MANY_PIXELS', COVER_TEXT.tooManyPixels);
  try {
    const { data, info } = await input()
      .autoOrient()
      .resize({ width: COVER_WIDTH, withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .jpeg({ quality: 82, mozjpeg: true })
      .toBuffer({ resolveWithObject: true });
    return { image: data, width: info.width, height: info.height, source };
  } catch {
    throw invalid(COVER_TEXT.corrupt);
  }
}

/** The organising group (its account, or a person acting for it); any other account 403, no session 401. */
async function coverOwner(ctx: AppContext, request: FastifyRequest, projectId: string) {
  if (!request.auth) throw errors.unauthenticated();
  const project = await loadProject(ctx.db, projectId);
  const actor = await currentGroupActor(ctx, request);
  if (!actor || actor.group.id !== project.group_id || actor.group.status !== 'approved') throw errors.forbidden(COVER_TEXT.notOwner);
  return { actor, project };
}

export async function setCover(ctx: AppContext, request: FastifyRequest, projectId: string, body: unknown) {
  const { actor, project } = await coverOwner(ctx, request, projectId);
  const now = ctx.now();
  const shown = projectStatus(project.status, project.start_date, project.end_date, chinaToday(now));
  if (!['pending_review', 'recruiting', 'in_progress'].includes(shown)) throw new AppError(409, 'PROJECT_NOT_EDITABLE', TEXT.notEditable);
  if (!Buffer.isBuffer(body)) throw invalid(COVER_TEXT.empty);
  const cover = await reencodeCover(body);
  const etag = createHash('sha256').update(cover.image).digest('hex').slice(0, 24);
  await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto('project_covers').values({
      site_code: project.site_code, project_id: project.id, etag, image: cover.image, width: cover.width, height: cover.height,
      uploaded_by: actor.actor.id, updated_at: now,
    }).onConflict((oc) => oc.columns(['site_code', 'project_id']).doUpdateSet((eb) => ({
      etag: eb.ref('excluded.etag'), image: eb.ref('excluded.image'), width: eb.ref('excluded.width'), height: eb.ref('excluded.height'),
      uploaded_by: eb.ref('excluded.uploaded_by'), updated_at: eb.ref('excluded.updated_at'),
    }))).execute();
    await trx.updateTable('projects').set({ cover: etag, updated_at: now }).where('site_code', '=', project.site_code).where('id', '=', project.id).execute();
    await audit(trx, {
      actor: actor.actor, action: 'project.cover_set', target: { type: 'project', id: project.id }, siteCode: project.site_code, ip: request.ip,
      outcome: 'success', detail: { groupId: actor.group.id, role: actor.role, source: cover.source, uploadedBytes: body.length, width: cover.width, height: cover.height, etag },
    }, now);
  });
  return { coverUrl: coverUrl(project.id, etag)! };
}

/** Removing an absent cover is harmless; allowed whatever the project's status, so an unfit picture can always go. */
export async function removeCover(ctx: AppContext, request: FastifyRequest, projectId: string) {
  const { actor, project } = await coverOwner(ctx, request, projectId);
  const now = ctx.now();
  await ctx.db.transaction().execute(async (trx) => {
    const gone = await trx.deleteFrom('project_covers').where('site_code', '=', project.site_code).where('project_id', '=', project.id)
      .returning('etag').executeTakeFirst();
    if (!gone) return;
    await trx.updateTable('projects').set({ cover: null, updated_at: now }).where('site_code', '=', project.site_code).where('id', '=', project.id).execute();
    await audit(trx, {
      actor: actor.actor, action: 'project.cover_remove', target: { type: 'project', id: project.id }, siteCode: project.site_code, ip: request.ip,
      outcome: 'success', detail: { groupId: actor.group.id, role: actor.role, etag: gone.etag },
    }, now);
  });
}

const PRIVATE = new Set(['pending_review', 'rejected']);

/** Whether an If-None-Match header names this ETag (a list, weak tags and '*' included). */
export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || tag.replace(/^W\//, '') === `"${etag}"`;
  });
}

/**
 * The cover as its visitors may see it: public for published projects, only to the group and its authorities while
 * under review or rejected (as GET /projects/{id}). A request naming the current version (`v`) may be cached for good;
 * other requests revalidate with the ETag.
 */
export async function readCover(ctx: AppContext, request: FastifyRequest, projectId: string, version: string | undefined) {
  const project: ProjectRow = await loadProject(ctx.db, projectId);
  const isPrivate = PRIVATE.has(project.status);
  if (isPrivate) {
    const rel = await relationToProject(ctx, request, project);
    if (!rel.owner && !rel.authority) throw errors.notFound(TEXT.notFound);
  }
  if (!project.cover) throw new AppError(404, 'COVER_NOT_FOUND', COVER_TEXT.notFound);
  const etag = project.cover;
  const cacheControl = isPrivate ? 'private, no-cache' : version === etag ? 'public, max-age=31536000, immutable' : 'public, no-cache';
  if (matchesEtag(request.headers['if-none-match'], etag)) return { notModified: true as const, etag, cacheControl };
  const row = await ctx.db.selectFrom('project_covers').select(['etag', 'image'])
    .where('site_code', '=', project.site_code).where('project_id', '=', project.id).executeTakeFirst();
  if (!row) throw new AppError(404, 'COVER_NOT_FOUND', COVER_TEXT.notFound);
  const image = Buffer.isBuffer(row.image) ? row.image : Buffer.from(row.image.buffer, row.image.byteOffset, row.image.byteLength);
  return { notModified: false as const, etag: row.etag, cacheControl, image };
}
