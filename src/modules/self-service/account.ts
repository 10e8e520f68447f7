import type { AppContext } from '../../platform/context.js';
import { audit } from '../../platform/audit.js';
import { maskEmail } from '../recovery/recovery.js';
import { noteAction, selfActor, type TicketHolder } from './tickets.js';
import { usernameChangeableAt } from './username.js';

/**
 * 查看用户名 (seed 002 §2.2.3): what the person may see after identity and face checks. The phone and e-mail
 * are masked: they say which contacts are registered without handing them to whoever holds the ticket.
 */
export async function viewAccount(ctx: AppContext, holder: TicketHolder, ip: string) {
  const profile = await ctx.db.selectFrom('volunteer_profiles').select('volunteer_number').where('account_id', '=', holder.account.id).executeTakeFirst();
  await ctx.db.transaction().execute(async (trx) => {
    await noteAction(trx, holder.ticketId, 'view');
    await audit(trx, {
      actor: selfActor(holder), action: 'self_service.view', target: { type: 'account', id: holder.account.id },
      siteCode: holder.account.siteCode, ip, outcome: 'success', detail: { ticketId: holder.ticketId },
    }, ctx.now());
  });
  const changeable = usernameChangeableAt(holder.account.usernameChangedAt, ctx.now());
  return {
    username: holder.account.username,
    name: holder.person.name,
    volunteerNumber: profile?.volunteer_number ?? null,
    maskedPhone: holder.person.phoneMasked,
    maskedEmail: holder.person.email ? maskEmail(holder.person.email) : null,
    usernameChangeableAt: changeable ? changeable.toISOString() : null,
  };
}
