import { sql, type Kysely } from 'kysely';
import type { AppContext } from '../../platform/context.js';
import type { DB } from '../../platform/database/schema.js';
import { auditMany } from '../../platform/audit.js';
import { claimLookup, classifyIdentifier, lookupKey } from '../accounts/lookups.js';
import { getRegion } from '../places/divisions.js';

/**
 * Volunteer numbers (志愿者编号, seed 001; docs/volunteer-numbers.md): 14 digits = the 6-digit code of the
 * county (区县) of the service region + an 8-digit sequence within that county, from 00000001. Issued once,
 * when the person is verified and has a service region (or when a verified person first sets one), and never
 * changed afterwards, even when the service region moves.
 *
 * Uniqueness: the county's row in `volunteer_number_counters` is locked with SELECT … FOR UPDATE, so two
 * transactions issuing in one county take turns; the number is also claimed in `account_lookups`
 * (kind 'volunteer_number', the national arbiter that makes sign-in by number work). A number already
 * claimed there (e.g. brought in by a data import) is skipped and the next one taken.
 *
 * Callers hold the person's row lock (people … FOR UPDATE) and issue last, just before commit, so the county
 * lock is held as briefly as possible and the lock order is always person → counters (in county-code order).
 */

export const VOLUNTEER_NUMBER_LENGTH = 14;
export const SEQUENCE_DIGITS = 8;
const MAX_SEQUENCE = 10 ** SEQUENCE_DIGITS - 1;

/**
 * The 6-digit county code a number is built from: a 6-digit region is itself (a county, or a city without
 * counties such as 东莞 441900), a 9-digit town or 12-digit community belongs to the county of its first 6
 * digits. Null for anything else (unknown or abolished codes, provinces, cities that have counties).
 */
export function countyCodeOf(regionCode: string | null | undefined): string | null {
  if (typeof regionCode !== 'string' || !/^\d{6}(\d{3}){0,2}$/.test(regionCode)) return null;
  const county = regionCode.slice(0, 6);
  const region = getRegion(county);
  if (!region) return null;
  return region.level === 'county' || (region.level === 'city' && !region.hasChildren) ? county : null;
}

export function formatVolunteerNumber(countyCode: string, sequence: number): string {
  return `${countyCode}${String(sequence).padStart(SEQUENCE_DIGITS, '0')}`;
}

/** The shape of a number issued here; such a string is always classified as a volunteer number at sign-in. */
export function isVolunteerNumber(value: string): boolean {
  return typeof value === 'string' && /^\d{14}$/.test(value) && Number(value.slice(6)) > 0 && classifyIdentifier(value).kind === 'volunteer_number';
}

export class VolunteerNumbersExhaustedError extends Error {
  constructor(readonly countyCode: string) {
    super(`volunteer numbers of county ${countyCode} are exhausted`);
  }
}

export interface IssuedNumber {
  volunteerNumber: string;
  countyCode: string;
}

/**
 * Issues volunteer numbers, inside `trx` (the caller's transaction, which holds the row locks of these people),
 * to those of `accountIds` who are volunteers with a usable service region and no number yet; anyone else is
 * left out of the result. One statement per step whatever the count, so a batch of the job costs the same
 * handful of round trips as one person:
 *   1. the counters of the counties concerned are created if missing and locked, in county-code order (two
 *      batches never wait for each other in opposite orders), and each county's next k sequences taken;
 *   2. the numbers are claimed in account_lookups (ON CONFLICT DO NOTHING); a number some import already
 *      holds is skipped and the next free one taken, one by one (rare);
 *   3. counters, volunteer_profiles and the audit log (volunteer_number.issue) are written.
 */
export async function issueVolunteerNumbers(trx: Kysely<DB>, ctx: Pick<AppContext, 'cipher' | 'now'>, accountIds: string[]): Promise<Map<string, IssuedNumber>> {
  const issued = new Map<string, IssuedNumber>();
  if (accountIds.length === 0) return issued;
  const now = ctx.now();
  const profiles = await trx.selectFrom('volunteer_profiles as v').innerJoin('accounts as a', 'a.id', 'v.account_id')
    .select(['v.account_id', 'v.volunteer_number', 'v.service_region_code', 'a.site_code'])
    .where('v.account_id', 'in', accountIds).orderBy('v.account_id').execute();
  const byCounty = new Map<string, { accountId: string; siteCode: string }[]>();
  for (const p of profiles) {
    const county = p.volunteer_number ? null : countyCodeOf(p.service_region_code);
    if (!county) continue;
    if (!byCounty.has(county)) byCounty.set(county, []);
    byCounty.get(county)!.push({ accountId: p.account_id, siteCode: p.site_code });
  }
  if (byCounty.size === 0) return issued;
  const counties = [...byCounty.keys()].sort();

  await trx.insertInto('volunteer_number_counters')
    .values(counties.map((region_code) => ({ region_code, last_value: 0, updated_at: now })))
    .onConflict((oc) => oc.column('region_code').doNothing())
    .execute();
  const counters = await trx.selectFrom('volunteer_number_counters').select(['region_code', 'last_value'])
    .where('region_code', 'in', counties).orderBy('region_code').forUpdate().execute();
  const last = new Map(counters.map((c) => [c.region_code, Number(c.last_value)]));

  const next = (county: string) => {
    const value = last.get(county)! + 1;
    if (value > MAX_SEQUENCE) throw new VolunteerNumbersExhaustedError(county);
    last.set(county, value);
    return formatVolunteerNumber(county, value);
  };
  const wanted = counties.flatMap((county) => byCounty.get(county)!.map((p) => ({ ...p, county, number: next(county) })));
  const claimed = new Set((await trx.insertInto('account_lookups')
    .values(wanted.map((w) => ({ kind: 'volunteer_number' as const, lookup: lookupKey(ctx.cipher, 'volunteer_number', w.number), account_id: w.accountId })))
    .onConflict((oc) => oc.columns(['kind', 'lookup']).doNothing())
    .returning('account_id')
    .execute()).map((r) => r.account_id));
  for (const w of wanted) {
    // Bounded: a run of numbers already claimed elsewhere (imports) longer than this is a data problem.
    for (let tries = 0; !claimed.has(w.accountId); tries++) {
      if (tries === 1000) throw new Error(`volunteer numbers of county ${w.county}: 1000 consecutive numbers already claimed`);
      w.number = next(w.county);
      if (await claimLookup(trx, 'volunteer_number', lookupKey(ctx.cipher, 'volunteer_number', w.number), w.accountId)) claimed.add(w.accountId);
    }
  }

  await sql`update volunteer_number_counters as c set last_value = x.v, updated_at = ${now}
    from (values ${sql.join(counties.map((county) => sql`(${county}, ${last.get(county)!}::bigint)`))}) as x(code, v)
    where c.region_code = x.code`.execute(trx);
  const updated = await sql`update volunteer_profiles as p set volunteer_number = x.n
    from (values ${sql.join(wanted.map((w) => sql`(${w.accountId}::uuid, ${w.number})`))}) as x(id, n)
    where p.account_id = x.id and p.volunteer_number is null`.execute(trx);
  if (Number(updated.numAffectedRows ?? wanted.length) !== wanted.length) throw new Error('volunteer numbers: a profile changed under the person lock');
  await auditMany(trx, wanted.map((w) => ({
    actor: null, action: 'volunteer_number.issue', target: { type: 'account', id: w.accountId }, siteCode: w.siteCode,
    outcome: 'success' as const, detail: { volunteerNumber: w.number, countyCode: w.county },
  })), now);
  for (const w of wanted) issued.set(w.accountId, { volunteerNumber: w.number, countyCode: w.county });
  return issued;
}

/** issueVolunteerNumbers for one person: the number, or null when nothing was due. */
export async function issueVolunteerNumber(trx: Kysely<DB>, ctx: Pick<AppContext, 'cipher' | 'now'>, accountId: string): Promise<IssuedNumber | null> {
  return (await issueVolunteerNumbers(trx, ctx, [accountId])).get(accountId) ?? null;
}

/** How many numbers a county has issued (for diagnostics and tests). */
export async function issuedInCounty(db: Kysely<DB>, countyCode: string): Promise<number> {
  const row = await db.selectFrom('volunteer_number_counters').select('last_value').where('region_code', '=', countyCode).executeTakeFirst();
  return row ? Number(row.last_value) : 0;
}
