import type { Kysely } from 'kysely';
import type { AppContext } from '../../platform/context.js';
import type { DB } from '../../platform/database/schema.js';
import { enqueueMessage } from '../../platform/outbox/outbox.js';
import type { TemplateKey, TemplateParams } from '../../platform/outbox/templates.js';

/**
 * Tells an account something through the outbox, in the caller's transaction: by SMS to a person's phone, else to
 * their e-mail; a group account through its contact phone, else its e-mail. Returns the channel, or null when the
 * account has no way to be reached (it still sees the outcome in its own list).
 */
export async function tellAccount<K extends TemplateKey>(trx: Kysely<DB>, ctx: Pick<AppContext, 'cipher' | 'now'>, accountId: string,
  template: K, params: TemplateParams[K]): Promise<'sms' | 'email' | null> {
  const person = await trx.selectFrom('people').select(['phone_enc', 'email']).where('account_id', '=', accountId).executeTakeFirst();
  const group = person ? null
    : await trx.selectFrom('groups').select(['contact_phone_enc as phone_enc', 'email']).where('account_id', '=', accountId).executeTakeFirst();
  const target = person ?? group;
  if (target?.phone_enc) {
    await enqueueMessage(trx, ctx, { channel: 'sms', to: ctx.cipher.decrypt(target.phone_enc), template, params });
    return 'sms';
  }
  if (target?.email) {
    await enqueueMessage(trx, ctx, { channel: 'email', to: target.email, template, params });
    return 'email';
  }
  return null;
}
