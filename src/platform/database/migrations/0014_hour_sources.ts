import type { Kysely } from 'kysely';
import { runStatements } from '../statements.js';

/**
 * Where hours come from besides hand entry: attendance rows get a stable id of their own (their key is
 * site/shift/volunteer), and a record made from attendance keeps that id. The unique index is what makes
 * "already recorded" hold under parallel requests; deleting a record later does not free its attendance.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await runStatements(db, `
    alter table attendance add column id uuid not null default gen_random_uuid();
    create unique index attendance_id on attendance (id);
    alter table service_records add column attendance_id uuid;
    create unique index service_records_attendance on service_records (attendance_id) where attendance_id is not null;
    create index service_records_project_all on service_records (site_code, project_id, service_date desc, id);
  `);
}

export async function down(db: Kysely<any>): Promise<void> {
  await runStatements(db, `
    drop index service_records_project_all;
    drop index service_records_attendance;
    alter table service_records drop column attendance_id;
    drop index attendance_id;
    alter table attendance drop column id;
  `);
}
