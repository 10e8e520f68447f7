import type { Kysely } from 'kysely';
import { runStatements } from '../statements.js';

/**
 * 志愿项目 and their 岗位 (positions). Dates are 'YYYY-MM-DD' text in China time: they compare correctly as text and
 * never pass through a JavaScript Date, so no time zone can shift them. The stored status is pending_review,
 * recruiting (published), cancelled or rejected; a published project is shown as recruiting, in_progress or finished
 * from today's China date against start_date/end_date, so nothing has to run at midnight to move it along.
 * Search indexes are partial on the published status (the only one listed publicly) and end in id, so a page is one
 * index walk; lat/lng carry a btree for the bounding-box prefilter of distance searches.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await runStatements(db, `
    create table projects (
      site_code text not null,
      id uuid not null,
      group_id uuid not null,
      name text not null,
      region_code text not null,
      category text not null,
      service_target text not null,
      enrollment_scope text not null check (enrollment_scope in ('public', 'members')),
      start_date text not null check (start_date ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
      end_date text not null check (end_date ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' and end_date >= start_date),
      recruit_from text not null,
      recruit_to text not null check (recruit_to >= recruit_from),
      address text not null,
      lat double precision,
      lng double precision,
      description text not null default '',
      cover text,
      exempt_password_hash text,
      status text not null check (status in ('pending_review', 'recruiting', 'cancelled', 'rejected')),
      review_reason text,
      reviewed_at timestamptz,
      reviewed_by uuid,
      cancel_reason text,
      created_by uuid not null,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      total_quota integer not null check (total_quota > 0),
      enrolled_count integer not null default 0 check (enrolled_count >= 0),
      total_hours numeric not null default 0,
      primary key (site_code, id)
    );
    create unique index projects_id on projects (id);
    create index projects_group on projects (group_id, created_at desc, id desc);
    create index projects_public_newest on projects (created_at desc, id desc) where status = 'recruiting';
    create index projects_public_site_newest on projects (site_code, created_at desc, id desc) where status = 'recruiting';
    create index projects_public_site_start on projects (site_code, start_date, id) where status = 'recruiting';
    create index projects_public_start on projects (start_date, id) where status = 'recruiting';
    create index projects_public_region on projects (site_code, region_code text_pattern_ops) where status = 'recruiting';
    create index projects_public_point on projects (lat, lng) where status = 'recruiting' and lat is not null;
    create index projects_pending on projects (site_code, region_code text_pattern_ops, created_at) where status = 'pending_review';

    create table positions (
      site_code text not null,
      project_id uuid not null,
      id uuid not null,
      name text not null,
      quota integer not null check (quota > 0),
      requirements text not null default '',
      enrolled_count integer not null default 0 check (enrolled_count >= 0 and enrolled_count <= quota),
      primary key (site_code, project_id, id),
      foreign key (site_code, project_id) references projects (site_code, id)
    );
  `);
}

export async function down(db: Kysely<any>): Promise<void> {
  await runStatements(db, 'drop table positions; drop table projects;');
}
