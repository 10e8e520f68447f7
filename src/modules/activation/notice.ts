import type { Kysely } from 'kysely';
import type { AppContext } from '../../platform/context.js';
import type { DB } from '../../platform/database/schema.js';
import { publicBaseUrl } from '../../platform/config.js';
import { enqueueMessage, enqueueMessages } from '../../platform/outbox/outbox.js';

/** Where the web app's activation page is; the account is filled in, the person adds their name. */
export function activationLink(ctx: Pick<AppContext, 'config'>, username: string): string {
  return `${publicBaseUrl(ctx.config)}/activate?account=${encodeURIComponent(username)}`;
}

/**
 * The SMS telling someone an account was created for them (by an import, by their unit's administrator, or
 * re-opened by an approved 通过管理员找回密码) and how to activate it. Written inside the caller's transaction.
 * `by`: who created it, e.g. the unit's name.
 */
export async function enqueueActivationNotice(
  ctx: Pick<AppContext, 'config' | 'cipher' | 'now'>, trx: Kysely<DB>, person: { username: string; phone: string }, by: string | null,
): Promise<void> {
  await enqueueMessage(trx, ctx, {
    channel: 'sms', to: person.phone, template: 'account_activation',
    params: { username: person.username, link: activationLink(ctx, person.username), by },
  });
}

/** The same notices for many people in one multi-row insert (an import writes hundreds per batch). */
export async function enqueueActivationNotices(
  ctx: Pick<AppContext, 'config' | 'cipher' | 'now'>, trx: Kysely<DB>, people: { username: string; phone: string }[], by: string | null,
): Promise<void> {
  await enqueueMessages(trx, ctx, people.map((person) => ({
    channel: 'sms' as const, to: person.phone, template: 'account_activation' as const,
    params: { username: person.username, link: activationLink(ctx, person.username), by },
  })));
}
