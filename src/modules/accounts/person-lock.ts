import type { Kysely } from 'kysely';
import type { DB } from '../../platform/database/schema.js';

/**
 * The per-person lock: the person's `people` row, FOR UPDATE, taken first in any transaction that must not
 * interleave with a record transfer (record-transfers/transfer.ts) — enrolment applications, group applications,
 * profile changes and real-name results all take it before anything else of that person (counters, enrolments,
 * memberships). Returns false when the account has no person (groups, staff without a record).
 */
export async function lockPersonRow(trx: Kysely<DB>, accountId: string): Promise<boolean> {
  const row = await trx.selectFrom('people').select('account_id').where('account_id', '=', accountId).forUpdate().executeTakeFirst();
  return Boolean(row);
}
