import type { Kysely } from 'kysely';
import { runStatements } from '../statements.js';

/**
 * Shifts (排班) of a project's positions, who holds them, and attendance (签到/签退). Times are timestamptz and a
 * shift is the half-open interval [starts_at, ends_at), so back-to-back shifts do not overlap. assigned_count on the
 * shift is the locked counter that keeps capacity; its check is the last guard. Attendance rows are kept as written
 * (a correction records who and why; an automatic check-out is flagged for the group to look at).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await runStatements(db, `
    create table shifts (
      site_code text not null,
      project_id uuid not null,
      id uuid not null,
      position_id uuid not null,
      starts_at timestamptz not null,
      ends_at timestamptz not null,
      capacity int not null check (capacity >= 1),
      assigned_count int not null default 0,
      created_at timestamptz not null,
      primary key (site_code, id),
      check (ends_at > starts_at),
      check (assigned_count >= 0 and assigned_count <= capacity),
      foreign key (site_code, project_id, position_id) references positions (site_code, project_id, id)
    );
    create unique index shifts_id on shifts (id);
    create index shifts_project on shifts (site_code, project_id, starts_at);
    create table shift_assignments (
      site_code text not null,
      shift_id uuid not null,
      account_id uuid not null references accounts (id),
      assigned_by text not null check (assigned_by in ('group', 'self')),
      starts_at timestamptz not null,
      ends_at timestamptz not null,
      created_at timestamptz not null,
      primary key (site_code, shift_id, account_id),
      foreign key (site_code, shift_id) references shifts (site_code, id)
    );
    create index shift_assignments_mine on shift_assignments (account_id, starts_at);
    create table attendance (
      site_code text not null,
      shift_id uuid not null,
      account_id uuid not null,
      checked_in_at timestamptz not null,
      checked_out_at timestamptz,
      check_out_kind text check (check_out_kind in ('scan', 'corrected', 'auto')),
      corrected_by uuid,
      correction_reason text,
      flagged boolean not null default false,
      shift_ends_at timestamptz not null,
      primary key (site_code, shift_id, account_id),
      foreign key (site_code, shift_id) references shifts (site_code, id)
    );
    create index attendance_open on attendance (shift_ends_at) where checked_out_at is null;
  `);
}

export async function down(db: Kysely<any>): Promise<void> {
  await runStatements(db, 'drop table attendance; drop table shift_assignments; drop table shifts;');
}
