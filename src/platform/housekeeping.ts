import type { AppContext } from './context.js';
import { purgeExpiredCounters } from './rate-limit.js';
import type { Kysely } from 'kysely';
import type { DB } from './database/schema.js';

/** A clean-up a feature module contributes (e.g. deleting reviewed face photos). */
export type HousekeepingTask = (db: Kysely<DB>, now: Date) => Promise<void>;

/** Periodic clean-up of rows that only matter for a while (counters, captchas, old throttle entries) plus the tasks modules hand in. */
export function startHousekeeping(ctx: AppContext, tasks: HousekeepingTask[] = [], intervalMs = 5 * 60_000): () => void {
  const run = async () => {
    const now = ctx.now();
    try {
      await purgeExpiredCounters(ctx.db, now);
      await ctx.db.deleteFrom('captchas').where('expires_at', '<', now).execute();
      await ctx.db.deleteFrom('login_throttles').where('updated_at', '<', new Date(now.getTime() - 86_400_000)).execute();
      for (const task of tasks) await task(ctx.db, now);
    } catch (error) {
      ctx.log.warn({ err: error }, 'housekeeping failed');
    }
  };
  const timer = setInterval(run, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
