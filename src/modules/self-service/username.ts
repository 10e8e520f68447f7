import type { AppContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { audit } from '../../platform/audit.js';
import { claimLookup, lookupKey, releaseLookup } from '../accounts/lookups.js';
import { USERNAME_MESSAGES, usernameProblem } from '../accounts/usernames.js';
import { noteAction, selfActor, type TicketHolder } from './tickets.js';
import { noticeChange } from './notice.js';
import { TEXT } from './text.js';

/** Seed 002 §2.2.8: "180 天内，用户名仅允许修改一次". Registration does not count as a change. */
export const USERNAME_CHANGE_DAYS = 180;

/** When the username may change again; null when it may change now. */
export function usernameChangeableAt(changedAt: Date | null, now: Date): Date | null {
  if (!changedAt) return null;
  const at = new Date(changedAt.getTime() + USERNAME_CHANGE_DAYS * 86_400_000);
  return at > now ? at : null;
}

/** A calendar date as people in China read it (UTC+8). */
const chinaDate = (at: Date) => new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10);

/**
 * 修改用户名 (seed 002 §2.2.8): the rules of registration, national uniqueness through the look-up keys, and
 * once per 180 days. One transaction locks the account row (so two changes of one account cannot both pass the
 * 180-day test), releases the old key and claims the new one (so two accounts cannot both take one name).
 */
export async function changeUsername(ctx: AppContext, holder: TicketHolder, requested: string, ip: string) {
  const username = requested.trim();
  const problem = usernameProblem(username);
  if (problem) throw new AppError(422, 'USERNAME_INVALID', USERNAME_MESSAGES[problem] ?? TEXT.usernameInvalid, { errors: [{ field: 'username', code: problem }] });
  const accountId = holder.account.id;
  const now = ctx.now();
  return ctx.db.transaction().execute(async (trx) => {
    const account = await trx.selectFrom('accounts').select(['username', 'username_changed_at', 'site_code']).where('id', '=', accountId).forUpdate().executeTakeFirstOrThrow();
    if (account.username === username) {
      throw new AppError(422, 'USERNAME_UNCHANGED', TEXT.usernameUnchanged, { errors: [{ field: 'username', code: 'USERNAME_UNCHANGED' }] });
    }
    const changeable = usernameChangeableAt(account.username_changed_at, now);
    if (changeable) {
      throw new AppError(409, 'USERNAME_CHANGE_TOO_SOON', TEXT.usernameTooSoon(chinaDate(changeable)), { extra: { changeableAt: changeable.toISOString() } });
    }
    const newKey = lookupKey(ctx.cipher, 'username', username);
    if (newKey !== lookupKey(ctx.cipher, 'username', account.username)) {
      await releaseLookup(trx, 'username', accountId);
      if (!(await claimLookup(trx, 'username', newKey, accountId))) {
        throw new AppError(409, 'USERNAME_TAKEN', TEXT.usernameTaken, { errors: [{ field: 'username', code: 'USERNAME_TAKEN' }] });
      }
    }
    await trx.updateTable('accounts').set({ username, username_changed_at: now, updated_at: now }).where('id', '=', accountId).execute();
    await noteAction(trx, holder.ticketId, 'username');
    await audit(trx, {
      actor: selfActor(holder), action: 'self_service.username', target: { type: 'account', id: accountId }, siteCode: account.site_code, ip,
      outcome: 'success', detail: { ticketId: holder.ticketId, from: account.username, to: username },
    }, now);
    await noticeChange(trx, ctx, { email: holder.person.email, username, change: 'username' });
    const next = usernameChangeableAt(now, now)!;
    return { username, usernameChangeableAt: next.toISOString() };
  });
}
