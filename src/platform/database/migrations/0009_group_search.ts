import { sql, type Kysely } from 'kysely';
import { runStatements } from '../statements.js';

/**
 * Indexes behind GET /groups (src/modules/group-search). Only approved groups are ever listed, so every index is
 * partial on status = 'approved', and each sort order ends in id: a unique key walk that stops after one page.
 *
 * Name search is a substring match on mostly Chinese names, where people type one or two characters (阳光, 爱心).
 * pg_trgm needs three characters to use its index and is an extension PGlite only has when loaded, so each group
 * instead carries search keys: the 1- and 2-character grams of its name ('n:阳光'), its service categories
 * ('c:health'), its site ('s:11') and the region prefixes it lies in ('r:1101', 'r:110105'). The column is generated,
 * so the database fills it whatever code writes the row, and its GIN index works on PostgreSQL and PGlite alike.
 * Queries ask for the keys of their filters and re-check the exact name substring with ILIKE (names of three or more
 * characters; the keys of a shorter name are exact). The larger statistics target keeps
 * frequent keys among the planner's most-common elements, so it walks a sort index for common words and categories
 * and uses the GIN index for rare ones. The site key lets a capped count of a site's matches intersect two GIN
 * posting lists instead of AND-ing a GIN bitmap with a bitmap of the whole site from a B-tree (5 times cheaper on a
 * 100,000-group site); item pages still filter site_code itself, to walk a site's sort index.
 *
 * group_search_counts holds the number of approved groups per site (category '') and per site and service category,
 * kept by statement-level triggers on groups (transition tables: one aggregated upsert per statement, so bulk loads
 * stay cheap). Searches whose only filters are a site and/or a category read their total from it instead of counting
 * index entries. A group listing a category twice counts once. TRUNCATE is not tracked (nothing truncates groups).
 */
export async function up(db: Kysely<any>): Promise<void> {
  // Built-in functions only and no table access, so they are truly immutable (required for a generated column).
  await sql.raw(`
    create function group_search_keys(site text, region text, name text, categories text[]) returns text[] language sql immutable parallel safe as $fn$
      select coalesce(array_agg(distinct k), '{}'::text[]) from (
        select 's:' || site as k
        union all
        select 'n:' || substr(lower(name), i, 1) from generate_series(1, char_length(name)) as i
        union all
        select 'n:' || substr(lower(name), i, 2) from generate_series(1, char_length(name) - 1) as i
        union all
        select 'c:' || c from unnest(categories) as c
        union all
        select 'r:' || left(region, l) from unnest(array[4, 6, 9]) as l where char_length(region) >= l
      ) as keys
    $fn$
  `).execute(db);
  // The keys a group must have to match: site (or null), region prefix (4, 6 or 9 digits, or null), name text (or null),
  // category (or null).
  await sql.raw(`
    create function group_search_query_keys(site text, region text, name text, category text) returns text[] language sql immutable parallel safe as $fn$
      select coalesce(array_agg(distinct k), '{}'::text[]) from (
        select 's:' || site as k where site is not null
        union all
        select 'n:' || lower(name) where char_length(name) = 1
        union all
        select 'n:' || substr(lower(name), i, 2) from generate_series(1, char_length(name) - 1) as i
        union all
        select 'c:' || category where category is not null
        union all
        select 'r:' || region where region is not null
      ) as keys
    $fn$
  `).execute(db);
  await runStatements(db, `
    alter table groups add column search_keys text[] generated always as (group_search_keys(site_code, region_code, name, service_categories)) stored;
    alter table groups alter column search_keys set statistics 1000;

    create index groups_search_site_newest on groups (site_code, created_at desc, id desc) where status = 'approved';
    create index groups_search_site_members on groups (site_code, member_count desc, id desc) include (legal_person) where status = 'approved';
    create index groups_search_site_hours on groups (site_code, total_hours desc, id desc) where status = 'approved';
    create index groups_search_newest on groups (created_at desc, id desc) where status = 'approved';
    create index groups_search_keys on groups using gin (search_keys) where status = 'approved';

    create table group_search_counts (
      site_code char(2) not null,
      category text not null,
      n bigint not null,
      primary key (site_code, category)
    );
  `);
  // The change of approved-group counts a statement made: +1 per new approved row, -1 per old one, per site ('') and
  // per site and distinct category, applied in key order (concurrent statements lock the rows in the same order).
  const apply = (rows: string) => `
    insert into group_search_counts (site_code, category, n)
    select site_code, category, sum(d) from (${rows}) as changes (site_code, category, d)
    group by site_code, category having sum(d) <> 0
    order by site_code, category
    on conflict (site_code, category) do update set n = group_search_counts.n + excluded.n`;
  const side = (table: string, d: number) => `
    select site_code, '', ${d} from ${table} where status = 'approved'
    union all
    select t.site_code, c.category, ${d} from ${table} as t
      cross join lateral (select distinct unnest(t.service_categories)) as c (category) where t.status = 'approved'`;
  await sql.raw(`
    create function group_search_counts_insert() returns trigger language plpgsql as $fn$
    begin
      ${apply(side('new_rows', 1))};
      return null;
    end $fn$
  `).execute(db);
  await sql.raw(`
    create function group_search_counts_update() returns trigger language plpgsql as $fn$
    begin
      ${apply(`${side('new_rows', 1)} union all ${side('old_rows', -1)}`)};
      return null;
    end $fn$
  `).execute(db);
  await sql.raw(`
    create function group_search_counts_delete() returns trigger language plpgsql as $fn$
    begin
      ${apply(side('old_rows', -1))};
      return null;
    end $fn$
  `).execute(db);
  await runStatements(db, `
    create trigger group_search_counts_insert after insert on groups referencing new table as new_rows
      for each statement execute function group_search_counts_insert();
    create trigger group_search_counts_update after update on groups referencing old table as old_rows new table as new_rows
      for each statement execute function group_search_counts_update();
    create trigger group_search_counts_delete after delete on groups referencing old table as old_rows
      for each statement execute function group_search_counts_delete();
  `);
  await sql.raw(apply(side('groups', 1))).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('irreversible');
}
