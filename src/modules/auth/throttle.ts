import { sql } from 'kysely';
import type { AppContext } from '../../platform/context.js';
import { hitWindow } from '../../platform/rate-limit.js';

/** Consecutive failures allowed before a wait starts; then the wait doubles with each further failure. */
export const FREE_FAILURES = 5;
export const FIRST_WAIT_SECONDS = 30;
/** The wait never exceeds this: a lock that an attacker could stretch forever would lock out the real user. */
export const MAX_WAIT_SECONDS = 15 * 60;
export const ADDRESS_WINDOW_SECONDS = 15 * 60;

export function waitAfter(failures: number): number {
  if (failures < FREE_FAILURES) return 0;
  return Math.min(MAX_WAIT_SECONDS, FIRST_WAIT_SECONDS * 2 ** (failures - FREE_FAILURES));
}

/** Seconds the subject must still wait, or 0. */
export async function remainingWait(ctx: AppContext, subject: string): Promise<{ wait: number; hasRow: boolean }> {
  const row = await ctx.db.selectFrom('login_throttles').select('blocked_until').where('subject', '=', subject).executeTakeFirst();
  if (!row) return { wait: 0, hasRow: false };
  const ms = row.blocked_until ? row.blocked_until.getTime() - ctx.now().getTime() : 0;
  return { wait: ms > 0 ? Math.ceil(ms / 1000) : 0, hasRow: true };
}

/** Counts a failure for the subject and for the source address; returns the wait it now faces. */
export async function recordFailure(ctx: AppContext, subject: string, ip: string): Promise<number> {
  const now = ctx.now();
  const row = await ctx.db
    .insertInto('login_throttles')
    .values({ subject, failures: 1, blocked_until: null, updated_at: now })
    .onConflict((oc) => oc.column('subject').doUpdateSet({ failures: sql`login_throttles.failures + 1`, updated_at: now }))
    .returning('failures')
    .executeTakeFirstOrThrow();
  const wait = waitAfter(row.failures);
  if (wait > 0) {
    await ctx.db.updateTable('login_throttles').set({ blocked_until: new Date(now.getTime() + wait * 1000) }).where('subject', '=', subject).execute();
  }
  await hitWindow(ctx.db, `login-fail:${ip}`, ADDRESS_WINDOW_SECONDS, ctx.config.loginAddressFailureLimit, now);
  return wait;
}

export async function clearFailures(ctx: AppContext, subject: string): Promise<void> {
  await ctx.db.deleteFrom('login_throttles').where('subject', '=', subject).execute();
}

/** Seconds until this address may try again, when it has failed too often in the current window. */
export async function addressWait(ctx: AppContext, ip: string): Promise<number> {
  const now = ctx.now();
  const windowMs = ADDRESS_WINDOW_SECONDS * 1000;
  const start = new Date(Math.floor(now.getTime() / windowMs) * windowMs);
  const row = await ctx.db.selectFrom('rate_counters').select('count').where('key', '=', `login-fail:${ip}`).where('window_start', '=', start).executeTakeFirst();
  if (!row || row.count < ctx.config.loginAddressFailureLimit) return 0;
  return Math.max(1, Math.ceil((start.getTime() + windowMs - now.getTime()) / 1000));
}
