import type { AppContext } from '../../platform/context.js';
import { startPoller } from '../../platform/poller.js';
import type { IdType } from '../../platform/database/schema.js';
import { scrubReason } from '../../platform/outbox/outbox.js';
import { createProvider } from './providers.js';
import { ProviderUnavailableError, type ProviderVerdict, type RealnameProvider } from './types.js';
import { issueNumberIfDue, lockablePeople, lockPerson, recordRealnameResults } from './results.js';
import { NOTE } from './text.js';

/**
 * The real-name verification job. A pass:
 *
 *   claim:  UPDATE people SET realname_checked_at = now
 *           WHERE account_id IN (SELECT account_id FROM people
 *                                WHERE realname_status = 'pending' AND realname_note IS NULL
 *                                  AND (realname_checked_at IS NULL OR realname_checked_at <= now − CHECK_LEASE_MS)
 *                                ORDER BY realname_checked_at NULLS FIRST LIMIT n FOR UPDATE SKIP LOCKED)
 *           RETURNING account_id, name, id_type, id_number_enc
 *   check:  outside any transaction (an HTTP provider may take seconds): documents the provider cannot check
 *           (passports, permits, 港澳台 residence permits 81/82/83…) are never sent; they stay `pending` with
 *           realname_note 'manual_review' and wait for a reviewer (POST /admin/realname/{id}). Resident IDs go
 *           to the provider: verified / failed / no_result.
 *   write:  one transaction for the whole batch: lock the rows again (in account order) and keep those still
 *           pending with the same realname_checked_at (the claim); a profile correction in between resets
 *           realname_checked_at, so a result for the old name is dropped ("superseded") and the corrected
 *           identity is claimed afresh. results.ts records statuses, volunteer numbers, SMS and audit entries
 *           with a fixed number of statements per batch: one commit per batch, not per person (a commit waits
 *           for the disk; bench/realname.ts measures the difference).
 *
 * realname_checked_at is both "last checked" and the claim: a worker that dies mid-pass, or a provider that
 * cannot answer (the pass stops at the first ProviderUnavailableError), leaves the person pending, claimed
 * again after CHECK_LEASE_MS. Several servers can run the job on one database (SKIP LOCKED). When the queue
 * is drained, a pass also gives numbers to verified volunteers who have a region but no number yet (safety
 * net; the profile update issues them directly). Logs carry account ids and counts only: never names,
 * document or phone numbers.
 */

export const CHECK_LEASE_MS = 10 * 60_000;

type JobContext = Pick<AppContext, 'db' | 'cipher' | 'now' | 'log' | 'config'>;

export interface RealnamePass {
  claimed: number;
  verified: number;
  failed: number;
  noResult: number;
  /** Parked for a reviewer: documents the provider cannot check. */
  manualReview: number;
  /** Left pending because the provider could not answer (tried again after CHECK_LEASE_MS). */
  unavailable: number;
  /** Changed by the person while being checked: the result was dropped. */
  superseded: number;
  /** Numbers given to verified volunteers who had none (region chosen later). */
  numbered: number;
}

export interface RealnamePassOptions {
  provider?: RealnameProvider;
  batchSize?: number;
  /** People checked and written at the same time (default 4). */
  concurrency?: number;
}

const providers = new WeakMap<object, RealnameProvider>();

/** The provider of a running server (one per config), created on first use. */
export function providerFor(ctx: Pick<AppContext, 'config' | 'log'>): RealnameProvider {
  let provider = providers.get(ctx.config);
  if (!provider) {
    provider = createProvider(ctx.config, (stats) => ctx.log.info({ ...stats, loadMs: Math.round(stats.loadMs) }, 'real-name registry loaded'));
    providers.set(ctx.config, provider);
  }
  return provider;
}

/** Whether the provider may be asked about this document: mainland resident ID cards only. */
export function providerCanCheck(idType: IdType, idNumber: string): boolean {
  return idType === 'resident_id' && /^\d{17}[\dX]$/.test(idNumber) && !/^8[123]/.test(idNumber);
}

interface Claimed {
  account_id: string;
  name: string;
  id_type: IdType;
  id_number_enc: string;
  realname_checked_at: Date | null;
}

async function claimDue(ctx: JobContext, batchSize: number): Promise<Claimed[]> {
  const now = ctx.now();
  const due = ctx.db
    .selectFrom('people')
    .select('account_id')
    .where('realname_status', '=', 'pending')
    .where('realname_note', 'is', null)
    .where((eb) => eb.or([eb('realname_checked_at', 'is', null), eb('realname_checked_at', '<=', new Date(now.getTime() - CHECK_LEASE_MS))]))
    .orderBy('realname_checked_at', (ob) => ob.asc().nullsFirst())
    .limit(batchSize)
    .forUpdate()
    .skipLocked();
  return ctx.db
    .updateTable('people')
    .set({ realname_checked_at: now })
    .where('account_id', 'in', due)
    .where('realname_status', '=', 'pending')
    .returning(['account_id', 'name', 'id_type', 'id_number_enc', 'realname_checked_at'])
    .execute();
}

const NOTE_OF: Record<ProviderVerdict, string> = { verified: NOTE.providerMatch, failed: NOTE.providerMismatch, no_result: NOTE.providerNoRecord };

type Checked = { row: Claimed; verdict: ProviderVerdict | 'manual' };

/** null: the stored number cannot be decrypted (wrong DATA_KEY or a damaged row); the person stays pending. */
async function checkOne(ctx: JobContext, provider: RealnameProvider, row: Claimed): Promise<Checked | null> {
  let idNumber: string;
  try {
    idNumber = ctx.cipher.decrypt(row.id_number_enc);
  } catch {
    return null;
  }
  if (!providerCanCheck(row.id_type, idNumber)) return { row, verdict: 'manual' };
  return { row, verdict: await provider.check({ name: row.name, idNumber }) };
}

/** Writes the checked people of a pass in one transaction; returns those whose result was dropped (superseded). */
async function writeResults(ctx: JobContext, provider: RealnameProvider, checked: Checked[]): Promise<Set<string>> {
  if (checked.length === 0) return new Set();
  return ctx.db.transaction().execute(async (trx) => {
    const claims = new Map(checked.map((c) => [c.row.account_id, c]));
    const locked = await lockablePeople(trx)
      .where('p.account_id', 'in', [...claims.keys()])
      .where('p.realname_status', '=', 'pending')
      .orderBy('p.account_id')
      .forUpdate('p')
      .execute();
    // Still pending with our claim: a correction meanwhile reset realname_checked_at, and the old result is dropped.
    const held = locked.filter((p) => p.realname_checked_at?.getTime() === claims.get(p.account_id)!.row.realname_checked_at?.getTime());
    const manual = held.filter((p) => claims.get(p.account_id)!.verdict === 'manual').map((p) => p.account_id);
    if (manual.length > 0) {
      await trx.updateTable('people').set({ realname_note: NOTE.manualReview, realname_checked_at: ctx.now() }).where('account_id', 'in', manual).execute();
    }
    await recordRealnameResults(trx, ctx, held.flatMap((person) => {
      const verdict = claims.get(person.account_id)!.verdict;
      return verdict === 'manual' ? [] : [{ person, input: { status: verdict, source: 'provider' as const, note: NOTE_OF[verdict], provider: provider.name } }];
    }));
    const written = new Set(held.map((p) => p.account_id));
    return new Set(checked.map((c) => c.row.account_id).filter((id) => !written.has(id)));
  });
}

const FIRST_ID = '00000000-0000-0000-0000-000000000000';
/** Where the sweep below goes on (per server), so people whose region yields no number cannot starve the rest. */
const sweepCursors = new WeakMap<object, string>();

/** Verified volunteers with a service region and no number (the region came later): number them. */
async function numberVerified(ctx: JobContext, limit: number): Promise<number> {
  const after = sweepCursors.get(ctx.config) ?? FIRST_ID;
  const rows = await ctx.db
    .selectFrom('volunteer_profiles as v')
    .innerJoin('people as p', 'p.account_id', 'v.account_id')
    .select('v.account_id')
    .where('v.volunteer_number', 'is', null)
    .where('v.service_region_code', 'is not', null)
    .where('p.realname_status', '=', 'verified')
    .where('v.account_id', '>', after)
    .orderBy('v.account_id')
    .limit(limit)
    .execute();
  sweepCursors.set(ctx.config, rows.length === limit ? rows[rows.length - 1].account_id : FIRST_ID);
  let numbered = 0;
  for (const { account_id } of rows) {
    const issued = await ctx.db.transaction().execute(async (trx) => {
      const person = await lockPerson(trx, account_id);
      return person ? issueNumberIfDue(trx, ctx, account_id) : null;
    });
    if (issued) numbered += 1;
  }
  return numbered;
}

/** One pass of the job (tests call it directly; the worker below calls it on a timer). */
export async function runRealnamePass(ctx: JobContext, options: RealnamePassOptions = {}): Promise<RealnamePass> {
  // Bounded so that one batch's multi-row INSERTs stay far below PostgreSQL's 65,535 parameters.
  const batchSize = Math.min(options.batchSize ?? 100, 2_000);
  const provider = options.provider ?? providerFor(ctx);
  const pass: RealnamePass = { claimed: 0, verified: 0, failed: 0, noResult: 0, manualReview: 0, unavailable: 0, superseded: 0, numbered: 0 };
  await provider.prepare();
  const rows = await claimDue(ctx, batchSize);
  pass.claimed = rows.length;
  // Check outside any transaction (an HTTP provider may take seconds), `concurrency` at a time.
  const checked: Checked[] = [];
  const undecryptable: string[] = [];
  let next = 0;
  // Set by the lanes (closures), so TypeScript must not narrow it to null.
  let halted = null as ProviderUnavailableError | null;
  const lane = async () => {
    while (!halted && next < rows.length) {
      const row = rows[next++];
      try {
        const result = await checkOne(ctx, provider, row);
        if (result) checked.push(result);
        else undecryptable.push(row.account_id);
      } catch (error) {
        // Everyone not yet checked stays pending and is claimed again after the lease.
        halted ??= error instanceof ProviderUnavailableError
          ? error
          : new ProviderUnavailableError(`check failed: ${error instanceof Error ? error.message : String(error)}`, true);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 4, rows.length) }, lane));
  // Then one transaction writes them all.
  const superseded = await writeResults(ctx, provider, checked);
  for (const { row, verdict } of checked) {
    const outcome = superseded.has(row.account_id) ? 'superseded' : verdict === 'manual' ? 'manualReview' : verdict === 'no_result' ? 'noResult' : verdict;
    pass[outcome] += 1;
    ctx.log.debug({ accountId: row.account_id, outcome }, 'real-name check');
  }
  pass.unavailable = rows.length - checked.length;
  if (undecryptable.length > 0) {
    ctx.log.error({ accountIds: undecryptable.slice(0, 20), count: undecryptable.length }, 'real-name: document numbers cannot be decrypted with the current DATA_KEY; left pending');
  }
  if (halted) {
    const level = halted.retryable ? 'warn' : 'error';
    ctx.log[level]({ provider: provider.name, reason: scrubReason(halted.reason), left: pass.unavailable }, 'real-name pass stopped early; the rest stay pending');
  }
  if (rows.length < batchSize && !halted) pass.numbered = await numberVerified(ctx, batchSize);
  return pass;
}

export interface RealnameWorkerOptions {
  /** Pause between passes when there was nothing more to do (default 5 s). */
  intervalMs?: number;
  batchSize?: number;
  concurrency?: number;
  provider?: RealnameProvider;
}

/**
 * Runs passes until stopped: a full batch is followed at once by another pass; errors are logged (without
 * personal data) and never leave the loop. The returned function stops it and resolves once the current pass
 * is done (call it before closing the database).
 */
export function startRealnameWorker(ctx: JobContext, options: RealnameWorkerOptions = {}): () => Promise<void> {
  const intervalMs = options.intervalMs ?? 5_000;
  const provider = options.provider ?? providerFor(ctx);
  // The registry answers from memory: large batches (one commit each). A remote API is slow: smaller batches,
  // more checks in flight, and a batch always ends well inside the claim lease (100 × ≤ 16 s / 8 ≪ 10 min).
  const batchSize = options.batchSize ?? (provider.name === 'registry' ? 500 : 100);
  const concurrency = options.concurrency ?? (provider.name === 'registry' ? 4 : 8);
  ctx.log.info({ provider: provider.name, batchSize }, 'real-name worker started');

  return startPoller(async () => {
    try {
      const started = performance.now();
      const result = await runRealnamePass(ctx, { provider, batchSize, concurrency });
      if (result.claimed > 0 || result.numbered > 0) ctx.log.info({ ...result, ms: Math.round(performance.now() - started) }, 'real-name pass');
      return { busy: result.claimed === batchSize && result.unavailable === 0 };
    } catch (error) {
      const reason = error instanceof ProviderUnavailableError ? error.reason : error instanceof Error ? error.message : String(error);
      ctx.log.warn({ reason: scrubReason(reason) }, 'real-name pass failed');
      return { busy: false };
    }
  }, intervalMs);
}
