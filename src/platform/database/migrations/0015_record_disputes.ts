import type { Kysely } from 'kysely';
import { runStatements } from '../statements.js';

/**
 * Reports (举报, seed 002 §2.1.6.7) and correction requests on service records. group_id is copied from the record
 * so a group's queue is one index range. The partial unique indexes are what keep "one pending report per reporter
 * per record" and "one pending correction per record" true under parallel requests.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await runStatements(db, `
    create table hour_reports (
      site_code text not null,
      id uuid not null,
      record_id uuid not null,
      group_id uuid not null,
      reporter_account_id uuid not null references accounts (id),
      reason text not null,
      status text not null default 'pending' check (status in ('pending', 'upheld', 'rejected')),
      decision_reason text,
      decided_by uuid,
      decided_at timestamptz,
      created_at timestamptz not null,
      primary key (site_code, id)
    );
    create unique index hour_reports_id on hour_reports (id);
    create unique index hour_reports_one_pending on hour_reports (record_id, reporter_account_id) where status = 'pending';
    create index hour_reports_record on hour_reports (record_id) where status = 'pending';
    create index hour_reports_group on hour_reports (site_code, group_id, status, created_at desc);
    create index hour_reports_mine on hour_reports (reporter_account_id, created_at desc);
    create table hour_corrections (
      site_code text not null,
      id uuid not null,
      record_id uuid not null,
      group_id uuid not null,
      account_id uuid not null references accounts (id),
      reason text not null,
      proposed jsonb not null,
      status text not null default 'pending' check (status in ('pending', 'accepted', 'rejected')),
      decision_reason text,
      decided_by uuid,
      decided_at timestamptz,
      created_at timestamptz not null,
      primary key (site_code, id)
    );
    create unique index hour_corrections_id on hour_corrections (id);
    create unique index hour_corrections_one_pending on hour_corrections (record_id) where status = 'pending';
    create index hour_corrections_group on hour_corrections (site_code, group_id, status, created_at desc);
    create index hour_corrections_mine on hour_corrections (account_id, created_at desc);
    create index service_records_publicity on service_records (site_code, created_at) where status = 'ineffective' and ineffective_reason = 'publicity';
  `);
}

export async function down(db: Kysely<any>): Promise<void> {
  await runStatements(db, 'drop index service_records_publicity; drop table hour_corrections; drop table hour_reports;');
}
