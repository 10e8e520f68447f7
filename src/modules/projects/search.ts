import type { FastifyRequest } from 'fastify';
import { sql, type ExpressionBuilder, type Kysely, type SelectQueryBuilder } from 'kysely';
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
import { createResultCache, perContext } from '../../platform/result-cache.js';

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

/** A 'YYYY-MM-DD' day as the YYYYMMDD number day_span holds (migration 0021). */
const dayNumber = (day: string) => Number(day.replaceAll('-', ''));

const COLUMNS = ['id', 'site_code', 'group_id', 'name', 'region_code', 'category', 'service_target', 'enrollment_scope', 'start_date',
  'end_date', 'recruit_from', 'recruit_to', 'address', 'lat', 'lng', 'status', 'total_quota', 'enrolled_count', 'created_at', 'cover'] as const;

/**
 * How often the commonest search keys occur (pg_stats of search_keys, refreshed every 10 minutes per server), to ask the
 * GIN index for the rarest bigrams of a long name: intersecting every bigram of '敬老院志愿服务第12期' reads the posting
 * lists of keys most projects have ('n:志愿', 'n:服务'). Stale or missing statistics only make a search slower.
 */
const KEY_STATS_MS = 600_000;
const keyStats = new WeakMap<AppContext, { at: number; freqs: Promise<Map<string, number>> }>();
function keyFrequencies(ctx: AppContext): Promise<Map<string, number>> {
  const now = Date.now();
  const hit = keyStats.get(ctx);
  if (hit && now - hit.at >= 0 && now - hit.at < KEY_STATS_MS) return hit.freqs;
  const freqs = sql<{ elems: string[] | null; freqs: (number | string)[] | null }>`select most_common_elems::text::text[] as elems,
      most_common_elem_freqs as freqs from pg_stats where tablename = 'projects' and attname = 'search_keys'`.execute(ctx.db)
    .then((r) => {
      const row = r.rows[0];
      return new Map((row?.elems ?? []).map((e, i) => [e, Number(row?.freqs?.[i] ?? 0)] as const));
    })
    .catch(() => new Map<string, number>());
  keyStats.set(ctx, { at: now, freqs });
  return freqs;
}

/**
 * The parts of a name whose keys the GIN index is asked for: the name itself when it has one or two characters (its
 * keys are then exact), else its two rarest bigrams (any of them is implied by the name; ILIKE re-checks the rest).
 */
function namePieces(name: string, freqs: Map<string, number>): string[] {
  const chars = [...name];
  if (chars.length <= 2) return [name];
  const bigrams = [...new Set(chars.slice(0, -1).map((c, i) => c + chars[i + 1]))];
  const freq = (b: string) => freqs.get(`n:${b.toLowerCase()}`) ?? 0;
  return bigrams.map((b, i) => ({ b, i })).sort((x, y) => freq(x.b) - freq(y.b) || x.i - y.i).slice(0, 2).map((x) => x.b);
}

/** Days since 1970-01-01 of a 'YYYY-MM-DD' day. */
const epochDay = (day: string) => Date.parse(`${day}T00:00:00Z`) / 86_400_000;

/**
 * The public list (GET /projects): first pages of recent searches, kept for config.projectSearchCacheMs (PROJECT_SEARCH_CACHE_MS,
 * default 3 s, 0 = off), as group search does: the list may lag that long behind publication and edits (docs/decisions.md),
 * and the common searches (a site, a county, a category, the national list) are asked many times a second. The answer
 * depends only on the query and the day, never on who asks; a group's own list (groupProjects) is never cached.
 */
const CACHE_ENTRIES = 2_000;
const CACHED_PAGES = 3;
type SearchPage = Awaited<ReturnType<typeof searchProjects>>;
const cacheOf = perContext((ctx: AppContext) =>
  createResultCache<SearchPage>({ ttlMs: ctx.config.projectSearchCacheMs, entries: CACHE_ENTRIES, now: () => ctx.now().getTime() }));

export async function searchPublicProjects(ctx: AppContext, q: ProjectSearchQuery): Promise<SearchPage> {
  if (ctx.config.projectSearchCacheMs === 0 || q.page > CACHED_PAGES) return searchProjects(ctx, q);
  const key = JSON.stringify([q.siteCode, q.regionCode, q.category, q.status, q.enrollmentScope, q.serviceTarget, q.minQuota, q.maxQuota,
    q.id, q.name?.trim() || null, q.from, q.to, q.near, q.radiusKm, q.sort, q.page, q.pageSize]);
  return cacheOf(ctx).get(key, () => searchProjects(ctx, q));
}

/**
 * 项目搜索: published projects (and cancelled ones when asked for) by every api.md filter. `near` keeps projects within
 * radiusKm, first by a latitude/longitude box the point index can find, then by exact great-circle distance,
 * nearest first unless another sort is asked for.
 *
 * Query shapes follow the indexes of migrations 0010 and 0021 (EXPLAIN on the province, docs/benchmarks.md issue 5):
 * - item pages state status and dates as start_date/end_date conditions, which the newest-first indexes include, so
 *   they are checked while walking them index-only; a search that only lists projects that started by some day
 *   (`to`, in progress, finished) starts that walk at the latest creation time such a project can have
 *   (createdBefore), instead of passing every project created since (268,907 index entries for a month 17 months back);
 * - counts state them on day_span, whose GiST index finds any 1,001 matches at once;
 * - name text, and with it category and region, is asked for through search_keys (GIN). The planner underestimates
 *   how many projects hold several bigrams of one name (they occur together), so a name search counts first and then
 *   either walks the sort index (many matches: the page is near its start) or sorts all matches (at most 1,000).
 * Pages first find their ids, index-only where the filters allow, then read just those rows.
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
  const todayN = dayNumber(today);
  const status = query.status;
  const name = query.name?.trim() || null;
  const pieces = name === null ? [] : namePieces(name, [...name].length > 2 ? await keyFrequencies(ctx) : new Map());
  // A province-wide region is its site; a smaller one is a code prefix.
  const prefix = query.regionCode ? regionPrefix(query.regionCode) : null;
  const regionKey = prefix !== null && prefix.length > 2 ? prefix : null;
  const siteCode = query.siteCode ?? (prefix !== null && prefix.length === 2 ? prefix : undefined);
  const span = sql`int4range(${query.from ? dayNumber(query.from) : null}::int, ${query.to ? dayNumber(query.to) : null}::int, '[]')`;
  // The last day on which every match has started, if the filters imply one (finished: ended before today).
  const startedBy = status === 'cancelled' ? null : Math.min(
    query.to ? epochDay(query.to) : Infinity,
    status === 'in_progress' ? epochDay(today) : status === 'finished' ? epochDay(today) - 1 : Infinity,
  );

  /**
   * The filters. dates 'columns' states status and from/to on start_date/end_date (newest-first and point indexes),
   * 'span' on day_span (GiST); name 'keys' asks search_keys, 'ilike' only the name (category and region then as
   * columns, which the newest-first indexes include); createdBefore adds the lead-time bound.
   */
  const filtered = (opts: { dates: 'columns' | 'span'; name: 'keys' | 'ilike'; createdBefore?: boolean }): Q => {
    let q: Q = ctx.db.selectFrom('projects');
    const onSpan = opts.dates === 'span';
    if (status === 'cancelled') q = q.where('status', '=', 'cancelled');
    else {
      q = q.where('status', '=', 'recruiting');
      if (status === 'recruiting') q = q.where('start_date', '>', today);
      else if (status === 'in_progress') {
        q = onSpan ? q.where(sql<boolean>`day_span @> ${todayN}::int`) : q.where('start_date', '<=', today).where('end_date', '>=', today);
      } else if (status === 'finished') {
        q = onSpan ? q.where(sql<boolean>`day_span << int4range(${todayN}::int, ${todayN}::int, '[]')`) : q.where('end_date', '<', today);
      }
    }
    const nameKeys = name !== null && opts.name === 'keys';
    if (siteCode) q = q.where('site_code', '=', siteCode);
    if (nameKeys) {
      // Keys are made by the database (lower() as ILIKE and the stored keys use it), piece by piece.
      const keys = pieces.map((piece, i) => i === 0
        ? sql`project_search_query_keys(${regionKey}::text, ${piece}::text, ${query.category ?? null}::text)`
        : sql`project_search_query_keys(null, ${piece}::text, null)`);
      q = q.where(sql<boolean>`search_keys @> (${sql.join(keys, sql` || `)})`);
    } else {
      if (regionKey) q = q.where('region_code', 'like', `${regionKey}%`);
      if (query.category) q = q.where('category', '=', query.category);
    }
    // The keys of a one- or two-character name say exactly that lower(name) contains it, which is what ILIKE tests
    // (it lower-cases both sides); longer names are re-checked, as their bigrams may occur apart.
    if (name !== null && (!nameKeys || [...name].length > 2)) q = q.where(sql<boolean>`name ilike ${`%${escapeLike(name)}%`} escape '\\'`);
    if (query.enrollmentScope) q = q.where('enrollment_scope', '=', query.enrollmentScope);
    if (query.serviceTarget) q = q.where('service_target', '=', query.serviceTarget);
    if (query.minQuota !== undefined) q = q.where('total_quota', '>=', query.minQuota);
    if (query.maxQuota !== undefined) q = q.where('total_quota', '<=', query.maxQuota);
    if (query.id) q = q.where('id', '=', query.id);
    if (query.from || query.to) {
      if (onSpan) q = q.where(sql<boolean>`day_span && ${span}`);
      else {
        if (query.from) q = q.where('end_date', '>=', query.from);
        if (query.to) q = q.where('start_date', '<=', query.to);
      }
    }
    if (opts.createdBefore && startedBy !== null && Number.isFinite(startedBy)) {
      // A project starting on day S was created on day S - lead (China days), lead >= the smallest lead of any
      // published project (projects_public_lead finds it): so it was created before the China midnight ending day
      // startedBy - minLead. An implied condition, exact whatever the data; it only helps when leads are not negative.
      q = q.where(sql<boolean>`created_at < to_timestamp((${startedBy + 1}::int - (select min(project_lead_days(l.start_date, l.created_at))
        from projects as l where l.status = 'recruiting')) * 86400.0 - 28800)`);
    }
    if (point) {
      const dLat = query.radiusKm / KM_PER_DEGREE;
      const dLng = query.radiusKm / (KM_PER_DEGREE * Math.max(Math.cos((Math.abs(point.lat) + dLat) * Math.PI / 180), 0.01));
      q = q.where('lat', 'is not', null)
        .where(sql<boolean>`point(lng, lat) <@ box(point(${point.lng - dLng}::float8, ${point.lat - dLat}::float8), point(${point.lng + dLng}::float8, ${point.lat + dLat}::float8))`)
        .where(distanceKm(point.lat, point.lng), '<=', query.radiusKm);
    }
    return q;
  };

  const sort = query.sort ?? (point ? 'distance' : 'newest');
  const offset = (query.page - 1) * query.pageSize;
  // On a page deeper than the cap the total still reaches the end of that page, so it never contradicts the page.
  const countLimit = Math.max(SEARCH_TOTAL_CAP, offset + query.pageSize);
  const cappedCount = async (q: Q) => Number((await ctx.db.selectFrom(q.select(sql<number>`1`.as('one')).limit(countLimit + 1).as('capped'))
    .select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
  const ordered = <T extends SelectQueryBuilder<any, any, { id: string; created_at: Date; start_date: string; distance: number | null }>>(q: T) =>
    (sort === 'distance' ? q.orderBy('distance').orderBy('id')
      : sort === 'start' ? q.orderBy('start_date').orderBy('id')
      : q.orderBy('created_at', 'desc').orderBy('id', 'desc')).limit(query.pageSize).offset(offset) as T;
  const withKeys = (q: Q) => q.select(['id', 'created_at', 'start_date'])
    .select(point ? distanceKm(point.lat, point.lng).as('distance') : sql<number | null>`null::float8`.as('distance'));

  // The page's ids (and sort keys) first, index-only where the filters allow; then just those rows, in one statement.
  const withRows = (page: SelectQueryBuilder<any, any, { id: string; created_at: Date; start_date: string; distance: number | null }>) => {
    const joined = ctx.db.selectFrom(page.as('page')).innerJoin('projects', 'projects.id', 'page.id')
      .select(COLUMNS.map((c) => `projects.${c}` as const)).select('page.distance');
    return sort === 'distance' ? joined.orderBy('page.distance').orderBy('page.id')
      : sort === 'start' ? joined.orderBy('page.start_date').orderBy('page.id')
      : joined.orderBy('page.created_at', 'desc').orderBy('page.id', 'desc');
  };
  let counted: number | null = null;
  let rows;
  if (name !== null && !point) {
    counted = await cappedCount(filtered({ dates: 'span', name: 'keys' }));
    if (counted > countLimit) {
      rows = await withRows(ordered(withKeys(filtered({ dates: 'columns', name: 'ilike', createdBefore: sort === 'newest' })))).execute();
    } else {
      // At most countLimit matches: read them all (materialised, so the GIN index finds them) and sort.
      const matches = ctx.db.with((cte) => cte('matches').materialized(), () => withKeys(filtered({ dates: 'span', name: 'keys' })));
      const page = ordered((ctx.db as Kysely<any>).selectFrom('matches').select(['id', 'created_at', 'start_date', 'distance']));
      rows = await matches.selectFrom(page.as('page')).innerJoin('projects', 'projects.id', 'page.id')
        .select(COLUMNS.map((c) => `projects.${c}` as const)).select('page.distance')
        .orderBy(sort === 'start' ? 'page.start_date' : 'page.created_at', sort === 'start' ? 'asc' : 'desc')
        .orderBy('page.id', sort === 'start' ? 'asc' : 'desc').execute();
    }
  } else {
    rows = await withRows(ordered(withKeys(filtered({ dates: 'columns', name: 'keys', createdBefore: sort === 'newest' && !point })))).execute();
  }

  // A short page that is not past the end already tells the total: most narrow searches need no count at all.
  let n = offset + rows.length;
  if (counted !== null) n = counted;
  else if (rows.length === query.pageSize || (rows.length === 0 && offset > 0)) {
    n = await cappedCount(filtered({ dates: point ? 'columns' : 'span', name: 'keys' }));
  }
  return { items: rows.map((r) => listItem(r, today)), total: Math.min(n, countLimit), totalCapped: n > countLimit, page: query.page, pageSize: query.pageSize };
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
