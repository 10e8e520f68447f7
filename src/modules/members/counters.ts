import { sql, type Kysely } from 'kysely';
import type { DB } from '../../platform/database/schema.js';

/**
 * Locks the volunteer's counter row for a site and returns joined + pending groups there. The row is created
 * on first use from the memberships that already exist, so rows written before the counter (imports) count.
 * Every change to a membership's pending/joined state goes through this lock, which serialises one volunteer's
 * applications in a site: parallel requests cannot pass the limit together.
 */
export async function lockActiveGroups(trx: Kysely<DB>, siteCode: string, accountId: string): Promise<number> {
  await sql`
    insert into volunteer_site_counters (site_code, account_id, active_groups)
    select ${siteCode}, ${accountId}::uuid, count(*)::int from group_members
     where site_code = ${siteCode} and account_id = ${accountId}::uuid and status in ('pending', 'joined')
    on conflict (site_code, account_id) do nothing`.execute(trx);
  const row = await trx
    .selectFrom('volunteer_site_counters')
    .select('active_groups')
    .where('site_code', '=', siteCode)
    .where('account_id', '=', accountId)
    .forUpdate()
    .executeTakeFirstOrThrow();
  return row.active_groups;
}

/** Call only after lockActiveGroups in the same transaction. */
export async function addActiveGroups(trx: Kysely<DB>, siteCode: string, accountId: string, delta: number): Promise<void> {
  await trx
    .updateTable('volunteer_site_counters')
    .set({ active_groups: sql<number>`greatest(0, active_groups + ${delta})` })
    .where('site_code', '=', siteCode)
    .where('account_id', '=', accountId)
    .execute();
}

export async function addMemberCount(trx: Kysely<DB>, siteCode: string, groupId: string, delta: number): Promise<void> {
  await trx
    .updateTable('groups')
    .set({ member_count: sql<number>`greatest(0, member_count + ${delta})` })
    .where('site_code', '=', siteCode)
    .where('id', '=', groupId)
    .execute();
}
