import type { Kysely } from 'kysely';
import type { AccountType, DB } from './database/schema.js';
import type { AppContext } from './context.js';
import { randomToken, sha256 } from './crypto.js';
import { uuidv7 } from './ids.js';
import { prepared } from './database/prepared.js';

export const SESSION_COOKIE = 'zy_session';

/** How often a busy session's idle deadline is pushed forward; saves a write on every request. */
const TOUCH_INTERVAL_MS = 60_000;

export interface SessionAccount {
  id: string;
  type: AccountType;
  username: string;
  siteCode: string;
  displayName: string;
}

export interface AuthState {
  sessionId: string;
  kind: 'cookie' | 'token';
  account: SessionAccount;
  /** The group whose space this session acts in (seed 004 §五); null in personal space. */
  actingGroupId: string | null;
}

export async function createSession(
  ctx: AppContext,
  db: Kysely<DB>,
  input: { accountId: string; kind: 'cookie' | 'token'; ip: string | null; userAgent: string | null },
): Promise<{ id: string; token: string; absoluteExpiresAt: Date }> {
  const now = ctx.now();
  const token = randomToken();
  const id = uuidv7(now.getTime());
  const absoluteExpiresAt = new Date(now.getTime() + ctx.config.sessionAbsoluteHours * 3600_000);
  await db
    .insertInto('sessions')
    .values({
      id,
      token_hash: sha256(token),
      account_id: input.accountId,
      kind: input.kind,
      created_at: now,
      last_seen_at: now,
      idle_expires_at: new Date(now.getTime() + ctx.config.sessionIdleMinutes * 60_000),
      absolute_expires_at: absoluteExpiresAt,
      ip: input.ip,
      user_agent: input.userAgent?.slice(0, 300) ?? null,
    })
    .execute();
  return { id, token, absoluteExpiresAt };
}

/** The live session behind a token, or null when it is unknown, ended, idle too long or too old. */
export async function resolveSession(ctx: AppContext, token: string): Promise<AuthState | null> {
  if (token.length < 20 || token.length > 200) return null;
  const now = ctx.now();
  const row = await ctx.db
    .selectFrom('sessions as s')
    .innerJoin('accounts as a', 'a.id', 's.account_id')
    .select([
      's.id', 's.kind', 's.acting_group_id', 's.last_seen_at', 's.idle_expires_at', 's.absolute_expires_at', 's.ended_at',
      'a.id as account_id', 'a.type', 'a.username', 'a.site_code', 'a.display_name', 'a.status',
    ])
    .where('s.token_hash', '=', sha256(token))
    .modifyEnd(prepared)
    .executeTakeFirst();
  if (!row || row.ended_at || row.status !== 'active') return null;
  if (row.idle_expires_at <= now || row.absolute_expires_at <= now) {
    await endSession(ctx.db, row.id, row.absolute_expires_at <= now ? 'expired' : 'idle', now);
    return null;
  }
  if (now.getTime() - row.last_seen_at.getTime() > TOUCH_INTERVAL_MS) {
    await ctx.db
      .updateTable('sessions')
      .set({ last_seen_at: now, idle_expires_at: new Date(now.getTime() + ctx.config.sessionIdleMinutes * 60_000) })
      .where('id', '=', row.id)
      .execute();
  }
  return {
    sessionId: row.id,
    kind: row.kind,
    actingGroupId: row.acting_group_id,
    account: { id: row.account_id, type: row.type, username: row.username, siteCode: row.site_code, displayName: row.display_name },
  };
}

export async function endSession(db: Kysely<DB>, id: string, reason: string, now: Date): Promise<void> {
  await db.updateTable('sessions').set({ ended_at: now, end_reason: reason }).where('id', '=', id).where('ended_at', 'is', null).execute();
}

/** Ends every open session of an account, optionally sparing one (the one that changed the password). */
export async function endAccountSessions(db: Kysely<DB>, accountId: string, reason: string, now: Date, exceptId?: string): Promise<number> {
  let query = db
    .updateTable('sessions')
    .set({ ended_at: now, end_reason: reason })
    .where('account_id', '=', accountId)
    .where('ended_at', 'is', null);
  if (exceptId) query = query.where('id', '!=', exceptId);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}
