import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import { errors } from '../../platform/errors.js';
import type { Database } from '../../platform/database/database.js';
import { fullName } from '../places/divisions.js';
import { currentGroupActor, isAuthorityOver, type GroupActor } from '../groups/actor.js';
import { chinaToday, projectStatus } from './status.js';
import { coverUrl } from './cover.js';
import { TEXT } from './text.js';

export async function loadProject(db: Database, id: string) {
  const row = await db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw errors.notFound(TEXT.notFound);
  return row;
}
export type ProjectRow = Awaited<ReturnType<typeof loadProject>>;

/** How the caller stands to a project: its own group, an authority over it (administrator or advanced group), or the public. */
export async function relationToProject(ctx: AppContext, request: FastifyRequest, project: { site_code: string; region_code: string; group_id: string }) {
  const own: GroupActor | null = await currentGroupActor(ctx, request);
  const owner = own && own.group.id === project.group_id ? own : null;
  const authority = await isAuthorityOver(ctx, request, { siteCode: project.site_code, regionCode: project.region_code });
  return { owner, authority };
}

const PRIVATE = new Set(['pending_review', 'rejected']);

/** Public once published (also when cancelled); under review or rejected only its group and authorities see it, others get 404. */
export async function projectDetail(ctx: AppContext, request: FastifyRequest, id: string) {
  const p = await loadProject(ctx.db, id);
  const rel = PRIVATE.has(p.status) || request.auth ? await relationToProject(ctx, request, p) : { owner: null, authority: null };
  const insider = Boolean(rel.owner || rel.authority);
  if (PRIVATE.has(p.status) && !insider) throw errors.notFound(TEXT.notFound);
  const [positions, group] = await Promise.all([
    ctx.db.selectFrom('positions').select(['id', 'name', 'quota', 'requirements', 'enrolled_count'])
      .where('site_code', '=', p.site_code).where('project_id', '=', p.id).orderBy('id').execute(),
    ctx.db.selectFrom('groups').select(['name']).where('site_code', '=', p.site_code).where('id', '=', p.group_id).executeTakeFirst(),
  ]);
  const today = chinaToday(ctx.now());
  return {
    id: p.id, siteCode: p.site_code, groupId: p.group_id, groupName: group?.name ?? '', name: p.name,
    regionCode: p.region_code, regionName: fullName(p.region_code), category: p.category, serviceTarget: p.service_target,
    enrollmentScope: p.enrollment_scope, startDate: p.start_date, endDate: p.end_date, recruitFrom: p.recruit_from, recruitTo: p.recruit_to,
    recruitmentOpen: p.status === 'recruiting' && today >= p.recruit_from && today <= p.recruit_to,
    address: p.address, location: p.lat === null || p.lng === null ? null : { lat: Number(p.lat), lng: Number(p.lng) },
    description: p.description, status: projectStatus(p.status, p.start_date, p.end_date, today),
    reviewReason: insider ? p.review_reason : null, cancelReason: p.cancel_reason, exemptPasswordSet: p.exempt_password_hash !== null,
    totalQuota: p.total_quota, enrolledCount: p.enrolled_count, totalHours: Number(p.total_hours),
    positions: positions.map((x) => ({ id: x.id, name: x.name, quota: x.quota, requirements: x.requirements, enrolledCount: x.enrolled_count })),
    coverUrl: coverUrl(p.id, p.cover), createdAt: p.created_at.toISOString(),
  };
}
