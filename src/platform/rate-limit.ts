import { sql, type Kysely } from 'kysely';
import type { DB } from './database/schema.js';

export interface WindowHit {
  count: number;
  allowed: boolean;
  /** Seconds until the window ends. */
  retryAfter: number;
}

/**
 * Counts one event against a fixed window and says whether it stays within `limit`. The upsert is a
 * single atomic statement, so parallel requests cannot both slip under the limit.
 */
export async function hitWindow(db: Kysely<DB>, key: string, windowSeconds: number, limit: number, now: Date): Promise<WindowHit> {
  const windowMs = windowSeconds * 1000;
  const start = new Date(Math.floor(now.getTime() / windowMs) * windowMs);
  const end = new Date(start.getTime() + windowMs);
  const row = await db
    .insertInto('rate_counters')
    .values({ key, window_start: start, count: 1, expires_at: end })
    .onConflict((oc) => oc.columns(['key', 'window_start']).doUpdateSet({ count: sql`rate_counters.count + 1` }))
    .returning('count')
    .executeTakeFirstOrThrow();
  return { count: row.count, allowed: row.count <= limit, retryAfter: Math.max(1, Math.ceil((end.getTime() - now.getTime()) / 1000)) };
}

export async function purgeExpiredCounters(db: Kysely<DB>, now: Date): Promise<void> {
  await db.deleteFrom('rate_counters').where('expires_at', '<', now).execute();
}
