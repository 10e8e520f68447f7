import type { Kysely } from 'kysely';
import { runStatements } from '../statements.js';

/**
 * Enrolment in a project's position (报名). One row per volunteer and project: re-applying after a rejection or a
 * cancellation reuses it, so "one enrolment per project" is the primary key itself. Pending applications per site
 * are counted in volunteer_site_counters.pending_projects (locked per volunteer); filled places are counted in
 * positions.enrolled_count, whose check (<= quota) is the last guard against overfilling.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await runStatements(db, `
    create table enrollments (
      site_code text not null,
      project_id uuid not null,
      account_id uuid not null references accounts (id),
      position_id uuid not null,
      status text not null check (status in ('pending', 'enrolled', 'rejected', 'cancelled')),
      via text not null check (via in ('application', 'exempt_password')),
      reason text,
      applied_at timestamptz not null,
      decided_at timestamptz,
      decided_by uuid,
      primary key (site_code, project_id, account_id),
      foreign key (site_code, project_id, position_id) references positions (site_code, project_id, id)
    );
    create index enrollments_mine on enrollments (account_id, site_code, status, applied_at desc);
    create index enrollments_project on enrollments (site_code, project_id, status, applied_at desc);
  `);
}

export async function down(db: Kysely<any>): Promise<void> {
  await runStatements(db, 'drop table enrollments;');
}
