import { sql, type Kysely } from 'kysely';
import type { DB } from '../../platform/database/schema.js';

/**
 * Locks the volunteer's counter row for a site and returns their pending project applications there. The row is
 * shared with the group limit (members/counters.ts), so a missing one is created with both counts taken from the
 * rows that exist. Every pending/decided change of an enrolment goes through this lock first (then the enrolment,
 * then the position), so one volunteer's parallel applications cannot pass the limit together and the lock order
 * is the same everywhere. The volunteer's own application takes the person lock (accounts/person-lock.ts) before
 * this one, as a record transfer does, so the order is person → counter → enrolment → position.
 */
export async function lockPendingProjects(trx: Kysely<DB>, siteCode: string, accountId: string): Promise<number> {
  await sql`
    insert into volunteer_site_counters (site_code, account_id, active_groups, pending_projects)
    select ${siteCode}, ${accountId}::uuid,
      (select count(*)::int from group_members where site_code = ${siteCode} and account_id = ${accountId}::uuid and status in ('pending', 'joined')),
      (select count(*)::int from enrollments where site_code = ${siteCode} and account_id = ${accountId}::uuid and status = 'pending')
    on conflict (site_code, account_id) do nothing`.execute(trx);
  const row = await trx
    .selectFrom('volunteer_site_counters')
    .select('pending_projects')
    .where('site_code', '=', siteCode)
    .where('account_id', '=', accountId)
    .forUpdate()
    .executeTakeFirstOrThrow();
  return row.pending_projects;
}

/** Call only after lockPendingProjects in the same transaction. */
export async function addPendingProjects(trx: Kysely<DB>, siteCode: string, accountId: string, delta: number): Promise<void> {
  await trx
    .updateTable('volunteer_site_counters')
    .set({ pending_projects: sql<number>`greatest(0, pending_projects + ${delta})` })
    .where('site_code', '=', siteCode)
    .where('account_id', '=', accountId)
    .execute();
}

/**
 * Takes (delta 1) or frees (delta -1) a place in a position. The position row is locked first, so parallel approvals
 * and exempt-password enrolments queue here and each sees the count the previous one left; false means full.
 */
export async function movePlaces(trx: Kysely<DB>, siteCode: string, projectId: string, positionId: string, delta: 1 | -1): Promise<boolean> {
  const position = await trx
    .selectFrom('positions')
    .select(['quota', 'enrolled_count'])
    .where('site_code', '=', siteCode).where('project_id', '=', projectId).where('id', '=', positionId)
    .forUpdate()
    .executeTakeFirstOrThrow();
  if (delta > 0 && position.enrolled_count >= position.quota) return false;
  await trx.updateTable('positions')
    .set({ enrolled_count: sql<number>`greatest(0, enrolled_count + ${delta})` })
    .where('site_code', '=', siteCode).where('project_id', '=', projectId).where('id', '=', positionId)
    .execute();
  await trx.updateTable('projects')
    .set({ enrolled_count: sql<number>`greatest(0, enrolled_count + ${delta})` })
    .where('site_code', '=', siteCode).where('id', '=', projectId)
    .execute();
  return true;
}
