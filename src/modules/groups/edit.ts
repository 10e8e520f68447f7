import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import { hashPassword } from '../../platform/passwords.js';
import { audit } from '../../platform/audit.js';
import { maskIdNumber, maskPhone } from '../identity/documents.js';
import { lookupKey } from '../accounts/lookups.js';
import { SERVICE_CATEGORY_CODES } from '../meta/catalog.js';
import { validPersonName } from '../volunteers/register.js';
import type { GroupsTable } from '../../platform/database/schema-groups.js';
import type { Updateable, Kysely } from 'kysely';
import type { DB } from '../../platform/database/schema.js';
import { requireGroupActor } from './actor.js';
import { checkEmail, checkLeaderId, checkPhone, invalid, withSmsCode } from './register.js';
import { TEXT } from './text.js';

export interface EditGroupInput {
  introduction?: string;
  serviceCategories?: string[];
  email?: string;
  contactName?: string;
  contactPhone?: string;
  contactSmsCode?: string;
  exemptPassword?: string | null;
  leaderName?: string;
  leaderIdNumber?: string;
}

/**
 * 修改团体信息 by the group (its account or a person acting for it). A new contact phone needs a code sent to
 * it, spent in the same transaction. A rejected group that edits its record goes back to review.
 */
export async function editGroup(ctx: AppContext, request: FastifyRequest, id: string, input: EditGroupInput) {
  const actor = await requireGroupActor(ctx, request, 'edit_own_record', id);
  const now = ctx.now();
  const current = await ctx.db.selectFrom('groups').select(['contact_phone_enc', 'status']).where('id', '=', id).executeTakeFirstOrThrow();
  const set: Updateable<GroupsTable> = {};
  if (input.introduction !== undefined) set.introduction = input.introduction.trim();
  if (input.serviceCategories !== undefined) {
    if (input.serviceCategories.some((c) => !SERVICE_CATEGORY_CODES.includes(c))) throw invalid('CATEGORY_INVALID', TEXT.categoryInvalid, 'serviceCategories');
    set.service_categories = input.serviceCategories;
  }
  if (input.email !== undefined) set.email = checkEmail(input.email);
  if (input.contactName !== undefined) {
    if (!validPersonName(input.contactName)) throw invalid('NAME_INVALID', TEXT.personNameInvalid, 'contactName');
    set.contact_name = input.contactName.trim();
  }
  if (input.leaderName !== undefined) {
    if (!validPersonName(input.leaderName)) throw invalid('NAME_INVALID', TEXT.personNameInvalid, 'leaderName');
    set.leader_name = input.leaderName.trim();
  }
  if (input.leaderIdNumber !== undefined) {
    const leaderId = checkLeaderId(input.leaderIdNumber, now);
    Object.assign(set, { leader_id_enc: ctx.cipher.encrypt(leaderId), leader_id_masked: maskIdNumber(leaderId), leader_id_lookup: lookupKey(ctx.cipher, 'id_number', leaderId) });
  }
  let newPhone: string | null = null;
  if (input.contactPhone !== undefined) {
    const phone = checkPhone(input.contactPhone, 'contactPhone');
    if (phone !== ctx.cipher.decrypt(current.contact_phone_enc)) {
      if (!input.contactSmsCode) throw invalid('SMS_CODE_REQUIRED', TEXT.smsCodeRequired, 'contactSmsCode');
      newPhone = phone;
      Object.assign(set, { contact_phone_enc: ctx.cipher.encrypt(phone), contact_phone_masked: maskPhone(phone), contact_verified_at: now });
    }
  }
  if (input.exemptPassword !== undefined) set.exempt_password_hash = input.exemptPassword === null || input.exemptPassword === '' ? null : await hashPassword(input.exemptPassword);
  if (current.status === 'rejected' && Object.keys(set).length > 0) set.status = 'pending';
  const changed = Object.keys(input).filter((k) => k !== 'contactSmsCode' && (k !== 'contactPhone' || newPhone));

  const write = async (trx: Kysely<DB>) => {
    if (Object.keys(set).length > 0) {
      await trx.updateTable('groups').set({ ...set, updated_at: now }).where('site_code', '=', actor.group.siteCode).where('id', '=', id).execute();
    }
    await audit(trx, {
      actor: actor.actor, action: 'group.edit', target: { type: 'group', id }, siteCode: actor.group.siteCode, ip: request.ip, outcome: 'success',
      detail: { groupId: id, role: actor.role, fields: changed, resubmitted: set.status === 'pending' },
    }, now);
  };
  if (newPhone) await withSmsCode(ctx, { phone: newPhone, code: input.contactSmsCode!, field: 'contactSmsCode' }, write);
  else await ctx.db.transaction().execute(write);
}
