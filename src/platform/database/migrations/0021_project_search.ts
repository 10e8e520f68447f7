import { sql, type Kysely } from 'kysely';
import { runStatements } from '../statements.js';

/**
 * Indexes behind GET /projects (src/modules/projects/search.ts), as 0009 does for groups. Measured on a generated
 * province (500,000 projects; docs/benchmarks.md, issue 5), where name text and date filters read or walked most of
 * the table.
 *
 * search_keys: the 1- and 2-character grams of the lower-cased name ('n:关爱'), the category ('c:health') and the
 * region prefixes the project lies in ('r:4401', 'r:440106'). People type one or two Chinese characters, which pg_trgm
 * cannot index, and PGlite has no pg_trgm unless loaded. The column is generated, so every write (publish, a rename by
 * SQL, the bench generator's COPY) keeps it right; queries ask for the keys of their filters and re-check names of three
 * or more characters with ILIKE. Unlike groups there is no site key: a site is a province, which on a province's own
 * database is every project, and its posting list (490,000 entries) made a capped count 5 ms slower than filtering
 * site_code on the rows the name keys find.
 *
 * day_span: the project's days [start_date, end_date] as an int4range of YYYYMMDD numbers (the dates are text; a
 * text-to-date cast depends on DateStyle and may not be used in a generated column, text-to-int may). Overlap with a
 * from/to range, "in progress today" and "finished" are interval conditions no B-tree bounds; the GiST index (with
 * site_code) finds any 1,001 of them index-only for a capped count.
 *
 * project_lead_days: days from creation to start. Its minimum over published projects (projects_public_lead, one index
 * probe) bounds the creation time of every project that started by a given day, so a newest-first page of a date or
 * in-progress/finished search starts its walk there instead of passing every project created since (a month 17 months
 * back: 268,907 index entries, 49 ms index-only, 1.2 s when it read the table).
 *
 * The newest-first indexes include the dates, region and category, and the point index (a GiST on point(lng, lat),
 * replacing the (lat, lng) B-tree that read the whole latitude band of a box) includes the dates and created_at: the
 * filters are checked while walking them, without reading the table. That needs the visibility map: the ALTER below
 * rewrites the table and leaves it empty, so run VACUUM (ANALYZE) projects after this migration on a large database
 * (a migration runs in a transaction and cannot vacuum); until then the index-only scans read the table too.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // Built-in functions only and no table access: truly immutable, as a generated column requires.
  await sql.raw(`
    create function project_search_keys(region text, name text, category text) returns text[] language sql immutable parallel safe as $fn$
      select coalesce(array_agg(distinct k), '{}'::text[]) from (
        select 'n:' || substr(lower(name), i, 1) as k from generate_series(1, char_length(name)) as i
        union all
        select 'n:' || substr(lower(name), i, 2) from generate_series(1, char_length(name) - 1) as i
        union all
        select 'c:' || category
        union all
        select 'r:' || left(region, l) from unnest(array[4, 6, 9]) as l where char_length(region) >= l
      ) as keys
    $fn$
  `).execute(db);
  // The keys a project must have to match: region prefix (4, 6 or 9 digits), name text, category (each or null).
  await sql.raw(`
    create function project_search_query_keys(region text, name text, category text) returns text[] language sql immutable parallel safe as $fn$
      select coalesce(array_agg(distinct k), '{}'::text[]) from (
        select 'n:' || lower(name) as k where char_length(name) = 1
        union all
        select 'n:' || substr(lower(name), i, 2) from generate_series(1, char_length(name) - 1) as i
        union all
        select 'c:' || category where category is not null
        union all
        select 'r:' || region where region is not null
      ) as keys
    $fn$
  `).execute(db);
  // Days from a project's creation (China calendar day) to its start. Publishing asks for a start no earlier than
  // today, so this is almost always >= 0; its minimum bounds how late a project starting by a given day can have
  // been created, which lets date searches start the newest-first walk there (see search.ts, createdBefore).
  await sql.raw(`
    create function project_lead_days(start_date text, created_at timestamptz) returns int language sql immutable parallel safe as $fn$
      select (make_date(substr(start_date, 1, 4)::int, substr(start_date, 6, 2)::int, substr(start_date, 9, 2)::int) - date '1970-01-01')
        - floor((extract(epoch from created_at - timestamptz '1970-01-01 00:00:00+00') + 28800) / 86400)::int
    $fn$
  `).execute(db);
  // One ALTER, so the table is rewritten once (the whole migration took 50 s on 500,000 projects, machine shared).
  await runStatements(db, `
    alter table projects
      add column search_keys text[] generated always as (project_search_keys(region_code, name, category)) stored,
      add column day_span int4range generated always as
        (int4range(replace(start_date, '-', '')::int, replace(end_date, '-', '')::int, '[]')) stored;
    alter table projects alter column search_keys set statistics 1000;

    create index projects_public_keys on projects using gin (search_keys) where status = 'recruiting';
    create index projects_public_span on projects using gist (day_span) include (site_code) where status = 'recruiting';

    create index projects_public_category on projects (category, site_code) where status = 'recruiting';
    create index projects_public_lead on projects (project_lead_days(start_date, created_at)) where status = 'recruiting';

    drop index projects_public_point;
    create index projects_public_near on projects using gist (point(lng, lat))
      include (id, lat, lng, start_date, end_date, created_at) where status = 'recruiting' and lat is not null;

    drop index projects_public_newest;
    drop index projects_public_site_newest;
    create index projects_public_newest on projects (created_at desc, id desc)
      include (start_date, end_date, region_code, category) where status = 'recruiting';
    create index projects_public_site_newest on projects (site_code, created_at desc, id desc)
      include (start_date, end_date, region_code, category) where status = 'recruiting';
    analyze projects;
  `);
}

export async function down(): Promise<void> {
  throw new Error('irreversible');
}
