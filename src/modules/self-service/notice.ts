import type { Kysely } from 'kysely';
import type { AppContext } from '../../platform/context.js';
import type { DB } from '../../platform/database/schema.js';
import { enqueueMessage, normaliseRecipient } from '../../platform/outbox/outbox.js';
import { CHANGE_NAMES } from './text.js';

/**
 * Tells the account's e-mail (the one it had before the change) that self-service changed something, inside
 * the change's transaction. Whoever took over an account by face check would otherwise go unnoticed.
 */
export async function noticeChange(
  trx: Kysely<DB>,
  ctx: AppContext,
  input: { email: string | null; username: string; change: keyof typeof CHANGE_NAMES },
): Promise<void> {
  if (!input.email || !normaliseRecipient('email', input.email)) return;
  await enqueueMessage(trx, ctx, { channel: 'email', to: input.email, template: 'self_service_change', params: { username: input.username, what: CHANGE_NAMES[input.change] } });
}
