import { sql, type Transaction } from 'kysely';
import type { DB } from '../../platform/database/schema.js';

/** A change to effective hours: positive when records become effective, negative when they stop counting. */
export interface TotalsDelta { accountId: string; siteCode: string; groupId: string; projectId: string; hours: number; count: number }

/**
 * Locks the volunteers' total rows (creating missing ones) in a fixed order. Every hour write for a volunteer
 * takes this lock first, so overlap and daily-cap checks and the totals stay right under parallel requests.
 */
export async function lockVolunteers(trx: Transaction<DB>, accountIds: string[]): Promise<void> {
  const ids = [...new Set(accountIds)].sort();
  for (let i = 0; i < ids.length; i += 1000) {
    const chunk = ids.slice(i, i + 1000);
    await trx.insertInto('volunteer_totals').values(chunk.map((account_id) => ({ account_id })))
      .onConflict((oc) => oc.column('account_id').doNothing()).execute();
    await trx.selectFrom('volunteer_totals').select('account_id').where('account_id', 'in', chunk)
      .orderBy('account_id').forUpdate().execute();
  }
}

const sum = <K extends string>(deltas: TotalsDelta[], key: (d: TotalsDelta) => K) => {
  const m = new Map<K, { hours: number; count: number; d: TotalsDelta }>();
  for (const d of deltas) {
    const e = m.get(key(d)) ?? { hours: 0, count: 0, d };
    e.hours += d.hours;
    e.count += d.count;
    m.set(key(d), e);
  }
  // Hours are kept in cents while summing so float error never reaches the database.
  return [...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, v]) => ({ ...v, hours: Math.round(v.hours * 100) / 100 }));
};

/** Applies effective-hour changes to volunteer, project and group totals, as increments in the caller's transaction. */
export async function applyTotals(trx: Transaction<DB>, deltas: TotalsDelta[]): Promise<void> {
  if (deltas.length === 0) return;
  // One UPDATE … FROM (VALUES …) per thousand volunteers: a batch of 10,000 records must not cost 10,000 statements.
  const volunteers = sum(deltas, (d) => d.accountId);
  for (let i = 0; i < volunteers.length; i += 1000) {
    const rows = volunteers.slice(i, i + 1000).map((v) => sql`(${v.d.accountId}::uuid, ${v.hours}::numeric, ${v.count}::integer)`);
    await sql`update volunteer_totals as t set effective_hours = t.effective_hours + v.h, record_count = t.record_count + v.c
      from (values ${sql.join(rows)}) as v (id, h, c) where t.account_id = v.id`.execute(trx);
  }
  for (const p of sum(deltas, (d) => `${d.siteCode}:${d.projectId}`)) {
    await trx.updateTable('projects').set({ total_hours: sql`total_hours + ${p.hours}` })
      .where('site_code', '=', p.d.siteCode).where('id', '=', p.d.projectId).execute();
  }
  for (const g of sum(deltas, (d) => `${d.siteCode}:${d.groupId}`)) {
    await trx.updateTable('groups').set({ total_hours: sql`total_hours + ${g.hours}` })
      .where('site_code', '=', g.d.siteCode).where('id', '=', g.d.groupId).execute();
  }
}
