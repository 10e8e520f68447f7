import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import { AppError, errors } from '../../platform/errors.js';
import { audit } from '../../platform/audit.js';
import { bytesOf, matchesEtag, reencodeUpload, type UploadRules } from '../../platform/images.js';
import { currentGroupActor } from '../groups/actor.js';
import { loadProject, relationToProject, type ProjectRow } from './detail.js';
import { chinaToday, projectStatus } from './status.js';
import { COVER_TEXT, TEXT } from './text.js';

export const MAX_COVER_BYTES = 5 * 1024 * 1024;
export const MAX_COVER_PIXELS = 40_000_000;
export const COVER_WIDTH = 1280;
export const COVER_UPLOAD_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;

export const coverUrl = (projectId: string, etag: string | null) => (etag ? `/api/v1/projects/${projectId}/cover?v=${etag}` : null);

const COVER_RULES: UploadRules = {
  code: 'COVER', formats: ['jpeg', 'png', 'webp'], maxBytes: MAX_COVER_BYTES, maxPixels: MAX_COVER_PIXELS,
  text: { empty: COVER_TEXT.empty, invalid: COVER_TEXT.invalid, corrupt: COVER_TEXT.corrupt, tooLarge: COVER_TEXT.tooLarge, tooManyPixels: COVER_TEXT.tooManyPixels },
};

/** A new JPEG from the upload's pixels alone (see reencodeUpload), at most COVER_WIDTH wide. */
export const reencodeCover = (bytes: Buffer) => reencodeUpload(bytes, COVER_RULES, (image) => image.resize({ width: COVER_WIDTH, withoutEnlargement: true }));

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
  // No body at all reads as an empty upload.
  const bytes = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
  const cover = await reencodeCover(bytes);
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
      outcome: 'success', detail: { groupId: actor.group.id, role: actor.role, source: cover.source, uploadedBytes: bytes.length, width: cover.width, height: cover.height, etag },
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

export { matchesEtag };

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
  return { notModified: false as const, etag: row.etag, cacheControl, image: bytesOf(row.image) };
}
