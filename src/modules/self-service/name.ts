import type { AppContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { audit } from '../../platform/audit.js';
import { validPersonName } from '../volunteers/register.js';
import { noteAction, sameName, selfActor, type TicketHolder } from './tickets.js';
import { noticeChange } from './notice.js';
import { TEXT } from './text.js';

/**
 * 修改姓名 (seed 001: "若已实名认证，请通过自助服务，进行人脸识别进行修改姓名，再次提交认证"). A verified
 * identity is locked in the profile (IDENTITY_LOCKED); here, after identity and face checks, the name may
 * change, and the person goes back to real-name status `pending` so the real-name job checks the new name
 * against the ID number. The volunteer number never changes (seed 001: "不能更改"), and the face check stays
 * recorded: it proved who holds the ID number, not the spelling of the name. Until re-verified the ticket
 * can do nothing more (self-service needs a verified person), so change the name last.
 */
export async function changeName(ctx: AppContext, holder: TicketHolder, requested: string, ip: string): Promise<{ name: string; realNameStatus: 'pending' }> {
  const name = requested.normalize('NFKC').replace(/\s+/g, ' ').trim();
  if (!validPersonName(name)) throw new AppError(422, 'NAME_INVALID', TEXT.nameInvalid, { errors: [{ field: 'name', code: 'NAME_INVALID' }] });
  if (sameName(name, holder.person.name)) throw new AppError(422, 'NAME_UNCHANGED', TEXT.nameUnchanged, { errors: [{ field: 'name', code: 'NAME_UNCHANGED' }] });
  const accountId = holder.account.id;
  const now = ctx.now();
  await ctx.db.transaction().execute(async (trx) => {
    await trx.updateTable('people')
      .set({ name, realname_status: 'pending', realname_checked_at: null, realname_note: null })
      .where('account_id', '=', accountId).execute();
    await trx.updateTable('accounts').set({ display_name: name, updated_at: now }).where('id', '=', accountId).execute();
    await noteAction(trx, holder.ticketId, 'name');
    await audit(trx, {
      actor: selfActor(holder), action: 'self_service.name', target: { type: 'account', id: accountId }, siteCode: holder.account.siteCode, ip,
      outcome: 'success', detail: { ticketId: holder.ticketId, previousRealNameStatus: holder.person.realnameStatus },
    }, now);
    await noticeChange(trx, ctx, { email: holder.person.email, username: holder.account.username, change: 'name' });
  });
  return { name, realNameStatus: 'pending' };
}
