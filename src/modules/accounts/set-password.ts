import type { Kysely } from 'kysely';
import type { AppContext } from '../../platform/context.js';
import type { DB } from '../../platform/database/schema.js';
import { audit } from '../../platform/audit.js';
import { endAccountSessions } from '../../platform/sessions.js';

/**
 * Replaces an account's password (already hashed and checked against the policy) and ends its sessions:
 * every one of them after a reset or activation, every other one after a change by the signed-in owner.
 * Pending sign-in waits are cleared, since whoever proved control of the account may now sign in.
 */
export async function setPasswordHash(
  ctx: AppContext,
  trx: Kysely<DB>,
  input: {
    account: { id: string; username: string; siteCode: string };
    hash: string;
    action: string;
    ip: string | null;
    keepSessionId?: string;
    actor?: { id: string; username: string } | null;
    detail?: Record<string, unknown>;
  },
): Promise<void> {
  const now = ctx.now();
  const { account } = input;
  await trx.updateTable('accounts').set({ password_hash: input.hash, password_changed_at: now, updated_at: now }).where('id', '=', account.id).execute();
  const ended = await endAccountSessions(trx, account.id, input.action, now, input.keepSessionId);
  await trx.deleteFrom('login_throttles').where('subject', '=', `account:${account.id}`).execute();
  await audit(trx, {
    actor: input.actor === undefined ? { id: account.id, username: account.username } : input.actor,
    action: input.action, target: { type: 'account', id: account.id }, siteCode: account.siteCode, ip: input.ip,
    outcome: 'success', detail: { endedSessions: ended, ...input.detail },
  }, now);
}
