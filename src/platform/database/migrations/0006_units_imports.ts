import type { Kysely } from 'kysely';
import { runStatements } from '../statements.js';

/**
 * Government units and their staff (seed 003), administrator-assisted password resets, and bulk imports of
 * people by organisations (seed 001: groups, schools, events and communities register people in bulk).
 *
 * - `units`: a government organisation (机构/单位) of one site, optionally under a parent unit.
 * - `staff_posts`: a staff account's main post (主职, at most one) and part-time posts (兼职/挂职), one per unit.
 *   `staffing_category` (人员编制), `rank` (职级) and `staff_role` (人员角色) are filled in by the unit; while any
 *   of them is missing on any post the person cannot sign in (403 PROFILE_INCOMPLETE).
 * - `unit_admins`: which staff accounts administer which unit.
 * - `staff_reset_requests`: 通过管理员找回密码, waiting in the list of the person's unit administrators.
 * - `import_jobs` / `import_rows`: one uploaded file and its row-by-row report. `heartbeat_at` is refreshed by
 *   the process running the job; a queued or running job whose heartbeat is old was interrupted.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await runStatements(db, `
    create table units (
      id uuid primary key,
      site_code char(2) not null references sites(code),
      name text not null,
      parent_id uuid references units(id),
      region_code text,
      created_at timestamptz not null default now(),
      created_by uuid
    );
    create index units_site on units (site_code, name);
    create index units_parent on units (parent_id);

    create table staff_posts (
      id uuid primary key,
      account_id uuid not null references accounts(id),
      unit_id uuid not null references units(id),
      kind text not null check (kind in ('main', 'part_time')),
      position_title text,
      staffing_category text,
      rank text,
      staff_role text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (account_id, unit_id)
    );
    create unique index staff_posts_one_main on staff_posts (account_id) where kind = 'main';
    create index staff_posts_unit on staff_posts (unit_id, account_id);

    create table unit_admins (
      unit_id uuid not null references units(id),
      account_id uuid not null references accounts(id),
      created_at timestamptz not null default now(),
      created_by uuid,
      primary key (unit_id, account_id)
    );
    create index unit_admins_account on unit_admins (account_id);

    create table staff_reset_requests (
      id uuid primary key,
      account_id uuid not null references accounts(id),
      status text not null check (status in ('pending', 'approved', 'dismissed')),
      requested_at timestamptz not null,
      ip text,
      decided_at timestamptz,
      decided_by uuid
    );
    create unique index staff_reset_requests_pending on staff_reset_requests (account_id) where status = 'pending';

    create table import_jobs (
      id uuid primary key,
      kind text not null check (kind in ('volunteers', 'staff')),
      mode text not null check (mode in ('all_or_nothing', 'good_rows')),
      site_code char(2) not null,
      unit_id uuid references units(id),
      file_name text not null,
      format text not null check (format in ('xlsx', 'csv')),
      status text not null check (status in ('queued', 'running', 'done', 'rejected', 'failed')),
      phase text,
      total integer,
      rows_read integer not null default 0,
      processed integer not null default 0,
      created_count integer not null default 0,
      refused_count integer not null default 0,
      error_code text,
      error text,
      created_by uuid not null references accounts(id),
      created_at timestamptz not null,
      started_at timestamptz,
      finished_at timestamptz,
      heartbeat_at timestamptz not null
    );
    create index import_jobs_creator on import_jobs (created_by, created_at desc);
    create index import_jobs_unfinished on import_jobs (heartbeat_at) where status in ('queued', 'running');

    create table import_rows (
      job_id uuid not null references import_jobs(id) on delete cascade,
      row_number integer not null,
      status text not null check (status in ('created', 'refused', 'not_created')),
      name text,
      username text,
      account_id uuid,
      reasons jsonb not null default '[]',
      primary key (job_id, row_number)
    );
    create index import_rows_account on import_rows (account_id) where account_id is not null;
  `);
}

export async function down(db: Kysely<any>): Promise<void> {
  await runStatements(db, `
    drop table import_rows;
    drop table import_jobs;
    drop table staff_reset_requests;
    drop table unit_admins;
    drop table staff_posts;
    drop table units;
  `);
}
