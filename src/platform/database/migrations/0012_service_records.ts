import type { Kysely } from 'kysely';
import { runStatements } from '../statements.js';

/**
 * Service records (服务时长, seed 002 §2.2.5.7). Rows are never removed: deletion is a status with who, when and
 * why, and every change is appended to service_record_history. volunteer_totals is national (a volunteer's
 * effective hours across sites) and doubles as the per-volunteer lock that serialises hour writes for one person.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await runStatements(db, `
    create table service_records (
      site_code text not null,
      id uuid not null,
      project_id uuid not null,
      group_id uuid not null,
      account_id uuid not null references accounts (id),
      position_id uuid,
      service_date date not null,
      start_at timestamptz not null,
      end_at timestamptz not null check (end_at > start_at),
      hours numeric(6, 2) not null check (hours > 0),
      note text,
      status text not null check (status in ('effective', 'ineffective', 'deleted')),
      ineffective_reason text,
      deleted_at timestamptz,
      deleted_by uuid,
      deleted_reason text,
      created_by uuid not null,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      primary key (site_code, id)
    );
    create index service_records_volunteer on service_records (account_id, start_at) where status <> 'deleted';
    create index service_records_mine on service_records (account_id, status, service_date desc);
    create index service_records_project on service_records (site_code, project_id, service_date desc, id) where status = 'effective';
    create index service_records_pending on service_records (account_id) where status = 'ineffective';
    create unique index service_records_id on service_records (id);
    create table service_record_history (
      site_code text not null,
      record_id uuid not null,
      id uuid not null,
      at timestamptz not null,
      actor_id uuid,
      change jsonb not null,
      primary key (site_code, record_id, id)
    );
    create table volunteer_totals (
      account_id uuid primary key references accounts (id),
      effective_hours numeric(14, 2) not null default 0,
      record_count integer not null default 0
    );
  `);
}

export async function down(db: Kysely<any>): Promise<void> {
  await runStatements(db, 'drop table volunteer_totals; drop table service_record_history; drop table service_records;');
}
