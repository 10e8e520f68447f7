import { sql, type Selectable } from 'kysely';
import type { DB } from '../../platform/database/schema.js';
import type { AppContext } from '../../platform/context.js';
import { AppError, type FieldProblem } from '../../platform/errors.js';
import { fullName, getRegion, getSite, provinceCodeOf } from '../places/divisions.js';
import { regionPrefix } from '../groups/jurisdiction.js';
import { chooseNameKeys, keyFrequencies } from './name-keys.js';
import { TEXT } from './text.js';
import { createResultCache, perContext } from '../../platform/result-cache.js';

export interface GroupSearchQuery {
  siteCode?: string;
  regionCode?: string;
  category?: string;
  type?: 'legal' | 'non_legal';
  minMembers?: number;
  maxMembers?: number;
  id?: string;
  name?: string;
  registeredFrom?: string;
  registeredTo?: string;
  sort: 'newest' | 'members' | 'hours';
  page: number;
  pageSize: number;
}

/**
 * Totals are counted exactly up to this many groups and reported as capped beyond it ("1000+"): an exact count of a
 * site's 100,000 groups costs a full index scan per request, and counting past a few thousand rows through a filter
 * is what made searches slow in bench/group-search.ts (10,000 cost 12 ms of PostgreSQL CPU per search on average; a cap
 * of 200 made the planner pick filtered index walks that took seconds for some categories). Pages reach as deep as
 * MAX_RESULTS; beyond that, narrow the filters.
 */
export const TOTAL_CAP = 1_000;

/**
 * Searches by name count only this far: counting a common word's matches in a site is one heap page per match (a site
 * of 100,000 groups and 阳光: 760 pages for 1,001), and someone looking for a group by name narrows the name rather
 * than read 200 results. `totalCapped` then means "more than 200".
 */
export const NAME_TOTAL_CAP = 200;

export const MAX_RESULTS = 10_000;

/** Long-name searches whose keys are expected to let at most this many groups through take one query (see runSearch). */
const MERGE_EXPECTED = 1_000;

const ONE_DAY_MS = 86_400_000;

/** Start of a China-time calendar day ('YYYY-MM-DD', +08:00) as an instant, or null when no such day exists. */
function chinaDayStart(value: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const utc = new Date(Date.UTC(y, mo - 1, d));
  if (utc.getUTCFullYear() !== y || utc.getUTCMonth() !== mo - 1 || utc.getUTCDate() !== d) return null;
  return new Date(utc.getTime() - 8 * 3_600_000);
}

const escapeLike = (value: string) => value.replace(/[\\%_]/g, '\\$&');

/**
 * First pages of recent searches, kept for config.groupSearchCacheMs: the public listing may lag a few seconds behind approvals and
 * edits, and the common searches (a site's newest groups, the national list, a county) are asked many times a second.
 * One cache per server (per AppContext), at most CACHE_ENTRIES searches, least recently used dropped first; 0 turns it
 * off (GROUP_SEARCH_CACHE_MS, config.groupSearchCacheMs). Concurrent identical searches share one database round; a
 * failed one is not kept (src/platform/result-cache.ts).
 */
const CACHE_ENTRIES = 2_000;
type SearchResult = Awaited<ReturnType<typeof runSearch>>;
const cacheOf = perContext((ctx: AppContext) =>
  createResultCache<SearchResult>({ ttlMs: ctx.config.groupSearchCacheMs, entries: CACHE_ENTRIES, now: () => ctx.now().getTime() }));

export async function searchGroups(ctx: AppContext, q: GroupSearchQuery): Promise<SearchResult> {
  if (ctx.config.groupSearchCacheMs === 0 || q.page > CACHED_PAGES) return runSearch(ctx, q);
  const key = JSON.stringify([q.siteCode, q.regionCode, q.category, q.type, q.minMembers, q.maxMembers, q.id, q.name?.trim() || null,
    q.registeredFrom, q.registeredTo, q.sort, q.page, q.pageSize]);
  return cacheOf(ctx).get(key, () => runSearch(ctx, q));
}

/** Only the first pages are cached: deeper pages are rarely asked twice. */
const CACHED_PAGES = 3;

/**
 * A count whose only filter is one search key (a county, or a short name nationally) is skipped when the planner's
 * statistics put that key in at least ESTIMATE_TRUSTED × the cap groups: a single key's frequency comes from a sample
 * of 300,000 rows, far from a fivefold error, while counting to 1,001 costs a heap page per match (~760 pages for a
 * county of site 11). Keys in combination are always counted: their product assumes independence, which place names
 * in group names break (a site's own city name is rare elsewhere).
 */
const ESTIMATE_TRUSTED = 5;

async function singleKeyAbundant(ctx: AppContext, key: string | null, cap: number): Promise<boolean> {
  if (key === null) return false;
  const freq = await keyFrequencies(ctx);
  return freq.rows * freq.of(key) >= ESTIMATE_TRUSTED * cap;
}

/** The exact number of approved groups in a site (or nationally) with a category (or any), from group_search_counts. */
async function storedCount(ctx: AppContext, siteCode: string | undefined, category: string | undefined): Promise<number> {
  const row = siteCode !== undefined
    ? await sql<{ n: string | number | null }>`select n from group_search_counts where site_code = ${siteCode} and category = ${category ?? ''}`.execute(ctx.db)
    : await sql<{ n: string | number | null }>`select sum(n) as n from group_search_counts where category = ${category ?? ''}`.execute(ctx.db);
  return Number(row.rows[0]?.n ?? 0);
}

async function runSearch(ctx: AppContext, q: GroupSearchQuery) {
  const problems: FieldProblem[] = [];
  if (q.siteCode !== undefined && !getSite(q.siteCode)) problems.push({ field: 'siteCode', code: 'UNKNOWN_SITE', message: TEXT.unknownSite });
  let region = null;
  if (q.regionCode !== undefined) {
    region = getRegion(q.regionCode);
    if (!region) problems.push({ field: 'regionCode', code: 'UNKNOWN_REGION', message: TEXT.unknownRegion });
    else if (q.siteCode !== undefined && provinceCodeOf(region.code) !== q.siteCode) {
      problems.push({ field: 'regionCode', code: 'NOT_IN_SITE', message: TEXT.regionOutsideSite });
    }
  }
  const from = q.registeredFrom === undefined ? null : chinaDayStart(q.registeredFrom);
  const toStart = q.registeredTo === undefined ? null : chinaDayStart(q.registeredTo);
  if (q.registeredFrom !== undefined && !from) problems.push({ field: 'registeredFrom', code: 'BAD_DATE', message: TEXT.badDate });
  if (q.registeredTo !== undefined && !toStart) problems.push({ field: 'registeredTo', code: 'BAD_DATE', message: TEXT.badDate });
  if (from && toStart && from > toStart) problems.push({ field: 'registeredTo', code: 'BEFORE_FROM', message: TEXT.dateOrder });
  if (q.minMembers !== undefined && q.maxMembers !== undefined && q.minMembers > q.maxMembers) {
    problems.push({ field: 'maxMembers', code: 'BELOW_MIN', message: TEXT.memberOrder });
  }
  if ((q.page - 1) * q.pageSize >= MAX_RESULTS) problems.push({ field: 'page', code: 'TOO_DEEP', message: TEXT.pageTooDeep });
  if (problems.length > 0) throw new AppError(400, 'VALIDATION_FAILED', TEXT.badFilters, { errors: problems });

  // A region inside a site implies the site; saying both in the keys would make the planner multiply their selectivities
  // and badly underestimate the rows (a county is 6 % of its site, not 6 % of 10 %). Item pages still filter the site
  // column, to walk that site's sort index (a county of site 11: 277 buffers instead of 2,823 through the national one).
  const prefix = region ? regionPrefix(region.code) : null;
  const regionKey = prefix !== null && prefix.length > 2 ? prefix : null;
  const siteCode = regionKey ? undefined : q.siteCode ?? (region ? provinceCodeOf(region.code) : undefined);
  const walkSite = siteCode ?? (region ? provinceCodeOf(region.code) : undefined);
  const name = q.name?.trim() || null;
  const nameLength = name === null ? 0 : [...name].length;
  const hasKeys = regionKey !== null || name !== null || q.category !== undefined;
  // A longer name asks only for a few rare bigrams (name-keys.ts); the ILIKE re-check makes any subset exact. When
  // lower-casing changes a name's length, positions would not line up with the database's keys: ask for all of them.
  const lowered = name !== null && [...name.toLowerCase()].length === nameLength;
  const freq = name !== null && nameLength > 2 && lowered ? await keyFrequencies(ctx) : null;
  const nameKeys = freq && name !== null ? chooseNameKeys(name, freq) : null;
  const namePositions = nameKeys?.positions ?? null;
  // Groups the keys let through by the statistics (independent keys, as the planner too would guess).
  const expected = freq && nameKeys ? freq.rows * nameKeys.share * (siteCode !== undefined ? freq.of(`s:${siteCode}`) : 1)
    * (regionKey !== null ? freq.of(`r:${regionKey}`) : 1) * (q.category !== undefined ? freq.of(`c:${q.category}`) : 1) : null;
  const keys = (site: string | null) => {
    if (namePositions === null) return sql`group_search_query_keys(${site}::text, ${regionKey}::text, ${name}::text, ${q.category ?? null}::text)`;
    const bigrams = namePositions.map((i) => sql`'n:' || substr(lower(${name}::text), ${i + 1}::int, 2)`);
    return sql`(group_search_query_keys(${site}::text, ${regionKey}::text, null::text, ${q.category ?? null}::text) || array[${sql.join(bigrams)}])`;
  };
  /**
   * The filters, for item pages or for a count. Item pages filter site_code (to walk the site's sort index); a capped
   * count that needs the GIN index anyway asks for the site through its search key, intersecting the site's posting
   * list rather than AND-ing a bitmap of the whole site from a B-tree, and leaves out the site a region implies.
   */
  const filtered = (use: 'items' | 'count') => {
    const siteAsKey = use === 'count' && hasKeys && siteCode !== undefined;
    const siteColumn = use === 'items' ? walkSite : siteAsKey ? undefined : siteCode;
    let query = ctx.db.selectFrom('groups').where('status', '=', 'approved');
    if (siteColumn !== undefined) query = query.where('site_code', '=', siteColumn);
    if (q.type !== undefined) query = query.where('legal_person', '=', q.type === 'legal');
    if (q.minMembers !== undefined) query = query.where('member_count', '>=', q.minMembers);
    if (q.maxMembers !== undefined) query = query.where('member_count', '<=', q.maxMembers);
    if (q.id !== undefined) query = query.where('id', '=', q.id);
    if (hasKeys) query = query.where(sql<boolean>`search_keys @> ${keys(siteAsKey ? siteCode ?? null : null)}`);
    // The keys of a name of one or two characters say exactly that lower(name) contains it, which is what ILIKE tests
    // (it lower-cases both sides): the re-check is needed only for longer names. It sits inside coalesce() (the same
    // result: name is never null) so that the planner takes it as passing half the rows the keys let through; a bare
    // ILIKE gets a selectivity guessed from the pattern, which times the keys' own made the planner expect a few rows
    // where there were thousands and bitmap-scan a whole site instead of walking its sort index.
    if (name !== null && nameLength > 2) query = query.where(sql<boolean>`coalesce(name ilike ${`%${escapeLike(name)}%`} escape '\\', false)`);
    if (from) query = query.where('created_at', '>=', from);
    if (toStart) query = query.where('created_at', '<', new Date(toStart.getTime() + ONE_DAY_MS));
    return query;
  };
  const query = filtered('items');

  const sortColumn = q.sort === 'members' ? 'member_count' : q.sort === 'hours' ? 'total_hours' : 'created_at';
  const columns = ['id', 'name', 'legal_person', 'site_code', 'region_code', 'service_categories', 'member_count', 'total_hours', 'level', 'created_at'] as const;
  const offset = (q.page - 1) * q.pageSize;
  // On a page deeper than the cap the total still reaches the end of that page, so it never contradicts the page.
  const countLimit = Math.max(name !== null ? NAME_TOTAL_CAP : TOTAL_CAP, offset + q.pageSize);
  const others = q.type !== undefined || q.minMembers !== undefined || q.maxMembers !== undefined || q.id !== undefined || !!from || !!toStart;
  // The one search key a count would ask for, when that is its only filter.
  const singleKey = others || q.category !== undefined ? null
    : regionKey !== null && name === null ? `r:${regionKey}`
      : name !== null && nameLength <= 2 && regionKey === null && siteCode === undefined ? `n:${name.toLowerCase()}` : null;
  const abundant = singleKey !== null && await singleKeyAbundant(ctx, singleKey, countLimit);

  type Row = Pick<Selectable<DB['groups']>, (typeof columns)[number]>;
  let rows: Row[] | null = null;
  let n = 0;
  if (expected !== null && expected <= MERGE_EXPECTED) {
    // A longer name whose keys the statistics expect to let few rows through (the page would bitmap-scan them anyway,
    // and most may fail the re-check: 第123队's keys pass 1,712 rows for 30 matches) takes its page and its count from
    // one query: the first countLimit + 1 matches in page order, counted, and the page sliced from them, instead of a
    // page query and a count each scanning the same bitmap. (For a common word the page walks the sort index and
    // stops after 20 matches; there one query would have to walk on to countLimit + 1: 3,000 buffers against 500.)
    // The filters are the count's: the site as a key (site 11 and 阳光爱心志愿团: 35 rows to re-check, not 347).
    const page = await ctx.db
      .with('m', () => filtered('count').select(['id', `${sortColumn} as s`]).orderBy(sortColumn, 'desc').orderBy('id', 'desc').limit(countLimit + 1))
      .selectFrom('groups')
      .select(columns)
      .select((eb) => eb.selectFrom('m').select(eb.fn.countAll<number>().as('n')).as('n'))
      .where('id', 'in', (eb) => eb.selectFrom('m').select('m.id').orderBy('m.s', 'desc').orderBy('m.id', 'desc').limit(q.pageSize).offset(offset))
      .orderBy(sortColumn, 'desc').orderBy('id', 'desc')
      .execute();
    if (page.length > 0 || offset === 0) {
      rows = page;
      n = Number(page[0]?.n ?? 0);
    }
  }
  if (rows === null) {
    // A deeper page first finds its ids (an index-only walk past `offset` entries when the filters are all in the sort
    // index), then reads just those rows, instead of reading every skipped row from the table.
    rows = offset === 0
      ? await query.select(columns).orderBy(sortColumn, 'desc').orderBy('id', 'desc').limit(q.pageSize).execute()
      : await ctx.db
        .selectFrom(query.select(['id', sortColumn]).orderBy(sortColumn, 'desc').orderBy('id', 'desc').limit(q.pageSize).offset(offset).as('page'))
        .innerJoin('groups', 'groups.id', 'page.id')
        .select(columns.map((c) => `groups.${c}` as const))
        .orderBy(`groups.${sortColumn}`, 'desc').orderBy('groups.id', 'desc')
        .execute();
    // A short page that is not past the end already tells the total: most narrow searches need no second query.
    n = offset + rows.length;
    // Only a site and/or a category: the maintained counts say it exactly, no index walk needed.
    const countsOnly = regionKey === null && name === null && !others;
    if (rows.length === q.pageSize || (rows.length === 0 && offset > 0)) {
      if (countsOnly) {
        const stored = await storedCount(ctx, siteCode, q.category);
        n = rows.length === 0 ? stored : Math.max(stored, offset + rows.length); // a full page proves at least its end
      } else if (abundant && rows.length > 0) {
        n = countLimit + 1;
      } else {
        const count = await ctx.db
          .selectFrom(filtered('count').select(sql<number>`1`.as('one')).limit(countLimit + 1).as('capped'))
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
        n = Number(count.n);
      }
    }
  }
  return {
    items: rows.map((r) => ({
      id: r.id,
      name: r.name,
      type: r.legal_person ? ('legal' as const) : ('non_legal' as const),
      siteCode: r.site_code,
      regionCode: r.region_code,
      regionName: fullName(r.region_code),
      serviceCategories: r.service_categories,
      memberCount: r.member_count,
      totalHours: Number(r.total_hours),
      level: r.level,
      createdAt: r.created_at.toISOString(),
    })),
    total: Math.min(n, countLimit),
    totalCapped: n > countLimit,
    page: q.page,
    pageSize: q.pageSize,
  };
}
