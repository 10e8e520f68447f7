import type { Transaction } from 'kysely';
import type { AppContext } from '../../platform/context.js';
import type { DB } from '../../platform/database/schema.js';
import { uuidv7 } from '../../platform/ids.js';
import { siteSettings } from '../places/site-settings.js';
import { applyTotals, lockVolunteers } from './totals.js';

const DAY_MS = 86_400_000;

/**
 * Why a record would not count yet (seed 002 §2.2.5.7), or null when it counts: the volunteer is not real-name
 * verified, or the site's publicity window since the record's creation has not passed.
 */
export function ineffectiveReason(verified: boolean, createdAt: Date, publicityDays: number, now: Date): 'unverified' | 'publicity' | null {
  if (!verified) return 'unverified';
  if (createdAt.getTime() + publicityDays * DAY_MS > now.getTime()) return 'publicity';
  return null;
}

/**
 * Turns ineffective records whose reason has gone (verification came through, the publicity window passed)
 * effective, with history and totals. For one volunteer, or for everyone when accountId is omitted.
 * Returns how many records became effective.
 */
export async function refreshEffectiveness(ctx: AppContext, accountId?: string): Promise<number> {
  const now = ctx.now();
  let candidates = ctx.db.selectFrom('service_records as r')
    .innerJoin('people as p', 'p.account_id', 'r.account_id')
    .select('r.account_id').distinct()
    .where('r.status', '=', 'ineffective').where('p.realname_status', '=', 'verified');
  if (accountId) candidates = candidates.where('r.account_id', '=', accountId);
  const accounts = (await candidates.execute()).map((r) => r.account_id);
  if (accounts.length === 0) return 0;
  return ctx.db.transaction().execute(async (trx) => {
    await lockVolunteers(trx, accounts);
    const rows = await trx.selectFrom('service_records')
      .select(['site_code', 'id', 'account_id', 'group_id', 'project_id', 'hours', 'created_at'])
      .where('status', '=', 'ineffective').where('account_id', 'in', accounts).execute();
    const windows = new Map<string, number>();
    for (const site of new Set(rows.map((r) => r.site_code))) windows.set(site, (await siteSettings(trx, site)).publicityDays);
    const ready = rows.filter((r) => ineffectiveReason(true, new Date(r.created_at), windows.get(r.site_code) ?? 0, now) === null);
    await markEffective(trx, ready, now);
    // Verified now but still inside the publicity window: keep the stated reason true.
    const waiting = rows.filter((r) => !ready.includes(r)).map((r) => r.id);
    for (let i = 0; i < waiting.length; i += 1000) {
      await trx.updateTable('service_records').set({ ineffective_reason: 'publicity' })
        .where('id', 'in', waiting.slice(i, i + 1000)).where('ineffective_reason', '=', 'unverified').execute();
    }
    return ready.length;
  });
}

async function markEffective(trx: Transaction<DB>, rows: { site_code: string; id: string; account_id: string; group_id: string; project_id: string; hours: number }[], now: Date) {
  for (let i = 0; i < rows.length; i += 1000) {
    const chunk = rows.slice(i, i + 1000);
    for (const site of new Set(chunk.map((r) => r.site_code))) {
      await trx.updateTable('service_records').set({ status: 'effective', ineffective_reason: null, updated_at: now })
        .where('site_code', '=', site).where('id', 'in', chunk.filter((r) => r.site_code === site).map((r) => r.id)).execute();
    }
    await trx.insertInto('service_record_history').values(chunk.map((r) => ({
      site_code: r.site_code, record_id: r.id, id: uuidv7(now.getTime()), at: now, actor_id: null,
      change: JSON.stringify({ op: 'effective', from: 'ineffective', to: 'effective' }),
    }))).execute();
  }
  await applyTotals(trx, rows.map((r) => ({ accountId: r.account_id, siteCode: r.site_code, groupId: r.group_id, projectId: r.project_id, hours: Number(r.hours), count: 1 })));
}
