import type { Kysely } from 'kysely';
import type { AppContext } from '../../platform/context.js';
import type { DB, RealNameStatus } from '../../platform/database/schema.js';
import { auditMany } from '../../platform/audit.js';
import { enqueueMessage, enqueueMessages, scrubReason, type OutboxMessageInput } from '../../platform/outbox/outbox.js';
import { refreshAccounts } from '../service-records/effectiveness.js';
import { countyCodeOf, issueVolunteerNumber, issueVolunteerNumbers } from './numbers.js';

/**
 * Recording real-name results: the one place that changes `people.realname_status` to a final value, so the
 * job (provider results, a batch at a time), manual review (review.ts) and later the face-recognition
 * self-service all behave alike. Inside the caller's transaction, which holds the people's row locks
 * (lockPerson / the job's batch lock):
 *   1. people: status, realname_checked_at = now, realname_note (a code, see text.ts NOTE);
 *   2. audit `realname.result` (source, status, previous status; never names or document numbers);
 *   3. verified → a volunteer number when the account is a volunteer with a service region (numbers.ts), last,
 *      so the county counters are locked for the shortest time;
 *   4. an SMS to each person with a phone, through the outbox (template realname_result).
 * A batch costs a fixed handful of statements, not a handful per person.
 */

export type RealnameSource = 'provider' | 'manual' | 'self_service';
export type FinalStatus = Exclude<RealNameStatus, 'pending'>;

export interface LockedPerson {
  account_id: string;
  realname_status: RealNameStatus;
  realname_checked_at: Date | null;
  phone_enc: string | null;
  site_code: string;
}

type Ctx = Pick<AppContext, 'cipher' | 'now'>;

/** The columns a result needs, for lockPerson and the job's batch lock. */
export function lockablePeople(db: Kysely<DB>) {
  return db.selectFrom('people as p').innerJoin('accounts as a', 'a.id', 'p.account_id')
    .select(['p.account_id', 'p.realname_status', 'p.realname_checked_at', 'p.phone_enc', 'a.site_code']);
}

/** Locks the person's row (FOR UPDATE) and returns what recording a result needs; null when there is none. */
export async function lockPerson(trx: Kysely<DB>, accountId: string): Promise<LockedPerson | null> {
  return (await lockablePeople(trx).where('p.account_id', '=', accountId).forUpdate('p').executeTakeFirst()) ?? null;
}

export interface RealnameResultInput {
  status: FinalStatus;
  source: RealnameSource;
  note: string;
  /** A reviewer's reason: told to the person and audited (digit runs removed), not stored on the person. */
  reason?: string | null;
  actor?: { id: string; username: string } | null;
  ip?: string | null;
  provider?: string;
}

/** Records results for several locked people (see the top of this file); returns each one's volunteer number. */
export async function recordRealnameResults(
  trx: Kysely<DB>, ctx: Ctx, entries: { person: LockedPerson; input: RealnameResultInput }[],
): Promise<Map<string, string | null>> {
  const numbers = new Map<string, string | null>();
  if (entries.length === 0) return numbers;
  const now = ctx.now();
  const groups = new Map<string, { status: FinalStatus; note: string; ids: string[] }>();
  for (const { person, input } of entries) {
    const key = `${input.status}\u0000${input.note}`;
    if (!groups.has(key)) groups.set(key, { status: input.status, note: input.note, ids: [] });
    groups.get(key)!.ids.push(person.account_id);
  }
  for (const g of groups.values()) {
    await trx.updateTable('people').set({ realname_status: g.status, realname_checked_at: now, realname_note: g.note })
      .where('account_id', 'in', g.ids).execute();
  }
  const reasons = new Map(entries.map(({ person, input }) => [person.account_id, input.reason ? scrubReason(input.reason).slice(0, 200) : null]));
  await auditMany(trx, entries.map(({ person, input }) => {
    const reason = reasons.get(person.account_id);
    return {
      actor: input.actor ?? null, action: 'realname.result', target: { type: 'account', id: person.account_id }, siteCode: person.site_code,
      ip: input.ip ?? null, outcome: 'success' as const,
      detail: { status: input.status, previousStatus: person.realname_status, source: input.source, note: input.note, ...(input.provider ? { provider: input.provider } : {}), ...(reason ? { reason } : {}) },
    };
  }), now);

  const verified = entries.filter((e) => e.input.status === 'verified').map((e) => e.person.account_id);
  // Hours recorded while unverified start counting in this same transaction.
  await refreshAccounts(trx, verified, now);
  const issued = await issueVolunteerNumbers(trx, ctx, verified);
  const notIssued = verified.filter((id) => !issued.has(id));
  const needsRegion = new Set<string>();
  if (notIssued.length > 0) {
    const profiles = await trx.selectFrom('volunteer_profiles').select(['account_id', 'volunteer_number', 'service_region_code'])
      .where('account_id', 'in', notIssued).execute();
    for (const p of profiles) {
      numbers.set(p.account_id, p.volunteer_number ?? null);
      if (!p.volunteer_number && !countyCodeOf(p.service_region_code)) needsRegion.add(p.account_id);
    }
  }
  for (const [id, n] of issued) numbers.set(id, n.volunteerNumber);

  const messages: OutboxMessageInput[] = [];
  for (const { person, input } of entries) {
    if (!numbers.has(person.account_id)) numbers.set(person.account_id, null);
    if (!person.phone_enc) continue;
    messages.push({
      channel: 'sms', to: ctx.cipher.decrypt(person.phone_enc), template: 'realname_result',
      params: { result: input.status, volunteerNumber: numbers.get(person.account_id) ?? null, needsRegion: needsRegion.has(person.account_id), reason: reasons.get(person.account_id) ?? null },
    });
  }
  await enqueueMessages(trx, ctx, messages);
  return numbers;
}

/** recordRealnameResults for one locked person. */
export async function recordRealnameResult(trx: Kysely<DB>, ctx: Ctx, person: LockedPerson, input: RealnameResultInput): Promise<{ volunteerNumber: string | null }> {
  const numbers = await recordRealnameResults(trx, ctx, [{ person, input }]);
  return { volunteerNumber: numbers.get(person.account_id) ?? null };
}

/**
 * A verified volunteer without a number who now has a service region gets one (the region was chosen after
 * verification, seed 001 case ④), with an SMS. Call inside a transaction holding the person's lock, e.g. the
 * profile update. Returns the number, or null when nothing was due.
 */
export async function issueNumberIfDue(trx: Kysely<DB>, ctx: Ctx, accountId: string): Promise<string | null> {
  const person = await trx.selectFrom('people').select(['realname_status', 'phone_enc']).where('account_id', '=', accountId).executeTakeFirst();
  if (person?.realname_status !== 'verified') return null;
  const issued = await issueVolunteerNumber(trx, ctx, accountId);
  if (!issued) return null;
  if (person.phone_enc) {
    await enqueueMessage(trx, ctx, {
      channel: 'sms', to: ctx.cipher.decrypt(person.phone_enc), template: 'volunteer_number_issued', params: { volunteerNumber: issued.volunteerNumber },
    });
  }
  return issued.volunteerNumber;
}
