import type { AppContext } from '../../platform/context.js';
import { hashPassword } from '../../platform/passwords.js';
import { setPasswordHash } from '../accounts/set-password.js';
import { enforcePasswordPolicy } from '../password-policy/service.js';
import { noteAction, selfActor, type TicketHolder } from './tickets.js';
import { noticeChange } from './notice.js';

/**
 * 重置密码 through self-service: the new password must meet the account's policy; every session of the
 * account ends (whoever was signed in must prove themselves again), pending sign-in waits are cleared, and
 * live password-reset codes and links die with the old password.
 */
export async function resetPasswordBySelfService(ctx: AppContext, holder: TicketHolder, newPassword: string, ip: string): Promise<void> {
  const { account } = holder;
  await enforcePasswordPolicy(ctx.db, { siteCode: account.siteCode, accountType: account.type, password: newPassword, username: account.username, field: 'newPassword' });
  const hash = await hashPassword(newPassword);
  await ctx.db.transaction().execute(async (trx) => {
    await trx.updateTable('recovery_codes').set({ consumed_at: ctx.now() }).where('account_id', '=', account.id).where('consumed_at', 'is', null).execute();
    await setPasswordHash(ctx, trx, {
      account: { id: account.id, username: account.username, siteCode: account.siteCode },
      hash, action: 'self_service.password_reset', ip, actor: selfActor(holder), detail: { ticketId: holder.ticketId },
    });
    await noteAction(trx, holder.ticketId, 'password');
    await noticeChange(trx, ctx, { email: holder.person.email, username: account.username, change: 'password' });
  });
}
