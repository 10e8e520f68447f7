import type { Kysely } from 'kysely';
import { runStatements } from '../statements.js';

/**
 * Real-name verification and volunteer numbers (src/modules/realname/, docs/volunteer-numbers.md).
 *
 * - `volunteer_number_counters`: the last sequence issued per county (6-digit division code). A number is
 *   taken by locking the county's row (`SELECT … FOR UPDATE`) inside the transaction that records the
 *   verification; no sequences (not transactional, not shared by Citus nodes) and no advisory locks.
 *   In Citus the table is distributed by `region_code`.
 * - Partial indexes for the verification job (pending people it still has to check, oldest claim first),
 *   for the review queues (everyone not verified) and for verified volunteers still waiting for a number.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await runStatements(db, `
    create table volunteer_number_counters (
      region_code char(6) primary key,
      last_value bigint not null check (last_value >= 0 and last_value <= 99999999),
      updated_at timestamptz not null
    );

    -- people the job still has to check: pending, not parked for manual review (realname_note 'manual_review')
    create index people_realname_due on people (realname_checked_at nulls first)
      where realname_status = 'pending' and realname_note is null;
    create index people_realname_review on people (realname_status, account_id) where realname_status <> 'verified';
    create index volunteer_profiles_unnumbered on volunteer_profiles (account_id) where volunteer_number is null;
  `);
}

export async function down(db: Kysely<any>): Promise<void> {
  await runStatements(db, `
    drop index volunteer_profiles_unnumbered;
    drop index people_realname_review;
    drop index people_realname_due;
    drop table volunteer_number_counters;
  `);
}
