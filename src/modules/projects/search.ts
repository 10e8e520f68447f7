import type { FastifyRequest } from 'fastify';
import { sql, type ExpressionBuilder, type SelectQueryBuilder } from 'kysely';
import type { AppContext } from '../../platform/context.js';
import { errors, type FieldProblem } from '../../platform/errors.js';
import type { DB } from '../../platform/database/schema.js';
import { coverUrl } from './cover.js';
import { fullName, getSite } from '../places/divisions.js';
import { findGroup } from '../groups/actor.js';
import { regionPrefix } from '../groups/jurisdiction.js';
import { relationToProject } from './detail.js';
import { chinaToday, isDate, projectStatus, type ProjectStatus } from './status.js';
import { TEXT } from './text.js';

export interface ProjectSearchQuery {
  siteCode?: string;
  regionCode?: string;
  category?: string;
  status?: 'recruiting' | 'in_progress' | 'finished' | 'cancelled';
  enrollmentScope?: 'public' | 'members';
  serviceTarget?: string;
  minQuota?: number;
  maxQuota?: number;
  id?: string;
  name?: string;
  from?: string;
  to?: string;
  near?: string;
  radiusKm: number;
  sort?: 'newest' | 'start' | 'distance';
  page: number;
  pageSize: number;
}

/**
 * Search totals are exact up to this many projects (or to the end of a deeper page) and reported as capped beyond it
 * ("1000+", totalCapped), as the group search does. An exact count(*) reads every matching index entry: on a generated
 * province (500,000 projects, bench/province.ts) that is up to 490,000 entries and tens of milliseconds for a site's
 * list, a status or a common word, which alone broke the p95 < 50 ms goal at 32 clients (docs/benchmarks.md, issue 5).
 */
export const SEARCH_TOTAL_CAP = 1_000;

const KM_PER_DEGREE = 111.045;
const escapeLike = (value: string) => value.replace(/[\\%_]/g, '\\$&');

/** Great-circle distance in km from a point to a project's lat/lng (haversine, Earth radius 6371 km). */
const distanceKm = (lat: number, lng: number) => sql<number>`(12742 * asin(sqrt(
  power(sin(radians(lat - ${lat}) / 2), 2) + cos(radians(${lat})) * cos(radians(lat)) * power(sin(radians(lng - ${lng}) / 2), 2))))`;

type Q = SelectQueryBuilder<DB, 'projects', object>;

/** A published project shows a status from its dates; each listed status is a date condition on stored 'recruiting'. */
function whereStatus(q: Q, status: ProjectSearchQuery['status'], today: string): Q {
  if (status === 'cancelled') return q.where('status', '=', 'cancelled');
  q = q.where('status', '=', 'recruiting');
  if (status === 'recruiting') return q.where('start_date', '>', today);
  if (status === 'in_progress') return q.where('start_date', '<=', today).where('end_date', '>=', today);
  if (status === 'finished') return q.where('end_date', '<', today);
  return q;
}

/**
 * 项目搜索: published projects (and cancelled ones when asked for) by every api.md filter. `near` keeps projects within
 * radiusKm, first by a latitude/longitude box the (lat, lng) index can find, then by exact great-circle distance,
 * nearest first unless another sort is asked for.
 */
export async function searchProjects(ctx: AppContext, query: ProjectSearchQuery) {
  const problems: FieldProblem[] = [];
  if (query.siteCode && !getSite(query.siteCode)) problems.push({ field: 'siteCode', code: 'UNKNOWN_SITE' });
  if (query.regionCode && query.siteCode && !query.regionCode.startsWith(query.siteCode)) problems.push({ field: 'regionCode', code: 'NOT_IN_SITE' });
  if (query.from && !isDate(query.from)) problems.push({ field: 'from', code: 'BAD_DATE' });
  if (query.to && !isDate(query.to)) problems.push({ field: 'to', code: 'BAD_DATE' });
  if (query.from && query.to && query.to < query.from) problems.push({ field: 'to', code: 'BEFORE_FROM' });
  if (query.minQuota !== undefined && query.maxQuota !== undefined && query.maxQuota < query.minQuota) problems.push({ field: 'maxQuota', code: 'BELOW_MIN' });
  let point: { lat: number; lng: number } | null = null;
  if (query.near) {
    const m = /^\s*(-?\d{1,2}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)\s*$/.exec(query.near);
    const lat = m ? Number(m[1]) : NaN;
    const lng = m ? Number(m[2]) : NaN;
    if (!m || Math.abs(lat) > 89 || Math.abs(lng) > 180) problems.push({ field: 'near', code: 'BAD_POINT' });
    else point = { lat, lng };
  }
  if (query.sort === 'distance' && !query.near) problems.push({ field: 'sort', code: 'NEAR_REQUIRED' });
  if (problems.length > 0) throw errors.validation(TEXT.searchInvalid, problems);

  const today = chinaToday(ctx.now());
  let q: Q = whereStatus(ctx.db.selectFrom('projects'), query.status, today);
  if (query.siteCode) q = q.where('site_code', '=', query.siteCode);
  if (query.regionCode) q = q.where('region_code', 'like', `${regionPrefix(query.regionCode)}%`);
  if (query.category) q = q.where('category', '=', query.category);
  if (query.enrollmentScope) q = q.where('enrollment_scope', '=', query.enrollmentScope);
  if (query.serviceTarget) q = q.where('service_target', '=', query.serviceTarget);
  if (query.minQuota !== undefined) q = q.where('total_quota', '>=', query.minQuota);
  if (query.maxQuota !== undefined) q = q.where('total_quota', '<=', query.maxQuota);
  if (query.id) q = q.where('id', '=', query.id);
  const name = query.name?.trim();
  if (name) q = q.where(sql<boolean>`name ilike ${`%${escapeLike(name)}%`} escape '\\'`);
  if (query.from) q = q.where('end_date', '>=', query.from);
  if (query.to) q = q.where('start_date', '<=', query.to);
  if (point) {
    const dLat = query.radiusKm / KM_PER_DEGREE;
    const dLng = query.radiusKm / (KM_PER_DEGREE * Math.max(Math.cos((Math.abs(point.lat) + dLat) * Math.PI / 180), 0.01));
    q = q.where('lat', '>=', point.lat - dLat).where('lat', '<=', point.lat + dLat)
      .where('lng', '>=', point.lng - dLng).where('lng', '<=', point.lng + dLng)
      .where(distanceKm(point.lat, point.lng), '<=', query.radiusKm);
  }
  const sort = query.sort ?? (point ? 'distance' : 'newest');
  let items = q.select(['id', 'site_code', 'group_id', 'name', 'region_code', 'category', 'service_target', 'enrollment_scope', 'start_date',
    'end_date', 'recruit_from', 'recruit_to', 'address', 'lat', 'lng', 'status', 'total_quota', 'enrolled_count', 'created_at', 'cover'])
    .select(point ? distanceKm(point.lat, point.lng).as('distance') : sql<number | null>`null::float8`.as('distance'));
  if (sort === 'distance') items = items.orderBy('distance').orderBy('id');
  else if (sort === 'start') items = items.orderBy('start_date').orderBy('id');
  else items = items.orderBy('created_at', 'desc').orderBy('id', 'desc');
  const offset = (query.page - 1) * query.pageSize;
  const rows = await items.limit(query.pageSize).offset(offset).execute();
  // A short page that is not past the end already tells the total: most narrow searches need no count at all.
  let total = offset + rows.length;
  let totalCapped = false;
  if (rows.length === query.pageSize || (rows.length === 0 && offset > 0)) {
    const countLimit = Math.max(SEARCH_TOTAL_CAP, offset + query.pageSize);
    const count = await ctx.db.selectFrom(q.select(sql<number>`1`.as('one')).limit(countLimit + 1).as('capped'))
      .select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    total = Math.min(Number(count.n), countLimit);
    totalCapped = Number(count.n) > countLimit;
  }
  return { items: rows.map((r) => listItem(r, today)), total, totalCapped, page: query.page, pageSize: query.pageSize };
}

function listItem(r: {
  id: string; site_code: string; group_id: string; name: string; region_code: string; category: string; service_target: string;
  enrollment_scope: 'public' | 'members'; start_date: string; end_date: string; recruit_from: string; recruit_to: string; address: string;
  lat: number | null; lng: number | null; status: 'pending_review' | 'recruiting' | 'cancelled' | 'rejected'; total_quota: number;
  enrolled_count: number; created_at: Date; cover: string | null; distance?: number | null;
}, today: string) {
  return {
    id: r.id, siteCode: r.site_code, groupId: r.group_id, name: r.name, regionCode: r.region_code, regionName: fullName(r.region_code),
    category: r.category, serviceTarget: r.service_target, enrollmentScope: r.enrollment_scope, startDate: r.start_date, endDate: r.end_date,
    recruitFrom: r.recruit_from, recruitTo: r.recruit_to, address: r.address,
    location: r.lat === null || r.lng === null ? null : { lat: Number(r.lat), lng: Number(r.lng) },
    status: projectStatus(r.status, r.start_date, r.end_date, today) as ProjectStatus,
    totalQuota: r.total_quota, enrolledCount: r.enrolled_count, createdAt: r.created_at.toISOString(), coverUrl: coverUrl(r.id, r.cover),
    distanceKm: r.distance === null || r.distance === undefined ? null : Math.round(Number(r.distance) * 100) / 100,
  };
}

/** A group's projects, newest first: all of them for the group itself and its authorities, published and cancelled ones for others. */
export async function groupProjects(ctx: AppContext, request: FastifyRequest, groupId: string, query: { page: number; pageSize: number }) {
  const group = await findGroup(ctx, groupId);
  if (!group || group.status !== 'approved') throw errors.notFound();
  const rel = await relationToProject(ctx, request, { site_code: group.siteCode, region_code: group.regionCode, group_id: group.id });
  let q: Q = ctx.db.selectFrom('projects').where('site_code', '=', group.siteCode).where('group_id', '=', group.id);
  if (!rel.owner && !rel.authority) q = q.where('status', 'in', ['recruiting', 'cancelled']);
  const today = chinaToday(ctx.now());
  const [rows, count] = await Promise.all([
    q.select(['id', 'site_code', 'group_id', 'name', 'region_code', 'category', 'service_target', 'enrollment_scope', 'start_date',
      'end_date', 'recruit_from', 'recruit_to', 'address', 'lat', 'lng', 'status', 'total_quota', 'enrolled_count', 'created_at', 'cover'])
      .orderBy('created_at', 'desc').orderBy('id', 'desc').limit(query.pageSize).offset((query.page - 1) * query.pageSize).execute(),
    q.select((eb: ExpressionBuilder<DB, 'projects'>) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map((r) => listItem(r, today)), total: Number(count.n), page: query.page, pageSize: query.pageSize };
}
