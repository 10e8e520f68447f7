import type { Kysely, Transaction } from 'kysely';
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
  return ctx.db.transaction().execute((trx) => refreshAccounts(trx, accounts, now));
}

/**
 * refreshEffectiveness for these volunteers inside the caller's transaction: recording a real-name result calls
 * it in the same transaction that writes `verified`, so hours start counting the moment verification does.
 */
export async function refreshAccounts(db: Kysely<DB>, accountIds: string[], now: Date): Promise<number> {
  if (accountIds.length === 0) return 0;
  // Always called with a transaction; the real-name code types its transactions as Kysely<DB>.
  const trx = db as Transaction<DB>;
  const accounts: string[] = [];
  for (let i = 0; i < accountIds.length; i += 1000) {
    const rows = await trx.selectFrom('service_records').select('account_id').distinct()
      .where('status', '=', 'ineffective').where('account_id', 'in', accountIds.slice(i, i + 1000)).execute();
    accounts.push(...rows.map((r) => r.account_id));
  }
  if (accounts.length === 0) return 0;
  await lockVolunteers(trx, accounts);
  const rows = await trx.selectFrom('service_records as r').innerJoin('people as p', 'p.account_id', 'r.account_id')
    .select(['r.site_code', 'r.id', 'r.account_id', 'r.group_id', 'r.project_id', 'r.hours', 'r.created_at'])
    .where('r.status', '=', 'ineffective').where('p.realname_status', '=', 'verified').where('r.account_id', 'in', accounts).execute();
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
}

/**
 * Records whose publicity window (时长公示期) has passed become effective: run by housekeeping, and for one site
 * when its publicityDays changes. Works in batches of `batchSize` records, one short transaction each, and
 * stops after `maxBatches` so a request or a housekeeping run stays bounded; the next run takes the rest.
 * A record whose volunteer is no longer verified (e.g. the name was changed) gets the reason 'unverified' instead.
 */
export async function refreshPublicity(db: Kysely<DB>, now: Date, options: { siteCode?: string; batchSize?: number; maxBatches?: number } = {}): Promise<number> {
  const batchSize = options.batchSize ?? 1000;
  let batches = options.maxBatches ?? 20;
  // Only sites with records waiting (a small partial index), so empty sites cost nothing and use no batch.
  let sites = db.selectFrom('service_records').select('site_code').distinct()
    .where('status', '=', 'ineffective').where('ineffective_reason', '=', 'publicity');
  if (options.siteCode) sites = sites.where('site_code', '=', options.siteCode);
  let done = 0;
  for (const { site_code: code } of await sites.execute()) {
    const cutoff = new Date(now.getTime() - (await siteSettings(db, code)).publicityDays * DAY_MS);
    while (batches > 0) {
      const due = await db.selectFrom('service_records').select(['id', 'account_id'])
        .where('site_code', '=', code).where('status', '=', 'ineffective').where('ineffective_reason', '=', 'publicity')
        .where('created_at', '<=', cutoff).orderBy('created_at').limit(batchSize).execute();
      if (due.length === 0) break;
      batches -= 1;
      done += await db.transaction().execute(async (trx) => {
        await lockVolunteers(trx, due.map((r) => r.account_id));
        // Read again under the lock: a record may have been deleted or corrected since.
        const rows = await trx.selectFrom('service_records as r').innerJoin('people as p', 'p.account_id', 'r.account_id')
          .select(['r.site_code', 'r.id', 'r.account_id', 'r.group_id', 'r.project_id', 'r.hours', 'p.realname_status'])
          .where('r.site_code', '=', code).where('r.id', 'in', due.map((r) => r.id))
          .where('r.status', '=', 'ineffective').where('r.ineffective_reason', '=', 'publicity').execute();
        const ready = rows.filter((r) => r.realname_status === 'verified');
        const unverified = rows.filter((r) => r.realname_status !== 'verified').map((r) => r.id);
        if (unverified.length > 0) {
          await trx.updateTable('service_records').set({ ineffective_reason: 'unverified' }).where('site_code', '=', code).where('id', 'in', unverified).execute();
        }
        await markEffective(trx, ready, now);
        return ready.length;
      });
      if (due.length < batchSize) break;
    }
  }
  return done;
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
