import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { AppContext } from '../../platform/context.js';
import type { DB } from '../../platform/database/schema.js';
import { AppError } from '../../platform/errors.js';
import { hashPassword } from '../../platform/passwords.js';
import { uuidv7 } from '../../platform/ids.js';
import { audit } from '../../platform/audit.js';
import { normaliseRecipient } from '../../platform/outbox/outbox.js';
import { checkCaptcha } from '../captcha/captcha.js';
import { enforcePasswordPolicy } from '../password-policy/service.js';
import { getRegion, getSite, provinceCodeOf } from '../places/divisions.js';
import { checkDocument, maskIdNumber, maskPhone, normalizePhone } from '../identity/documents.js';
import { accountIdByLookup, claimLookup, lookupKey } from '../accounts/lookups.js';
import { USERNAME_MESSAGES, usernameProblem } from '../accounts/usernames.js';
import { SERVICE_CATEGORY_CODES } from '../meta/catalog.js';
import { consumeSmsCode } from '../sms-codes/sms-codes.js';
import { validPersonName } from '../volunteers/register.js';
import { requireGroupActor } from './actor.js';
import { checkCreditCode } from './creditCode.js';
import { TEXT } from './text.js';

export interface RegisterGroupInput {
  siteCode: string;
  name: string;
  legalPerson: boolean;
  creditCode?: string;
  regionCode: string;
  serviceCategories: string[];
  leaderName: string;
  leaderIdNumber: string;
  contactName: string;
  contactPhone: string;
  contactSmsCode: string;
  email: string;
  username: string;
  password: string;
  liaisonGroupId?: string;
  exemptPassword?: string;
  parentGroupId?: string;
  captchaId?: string;
  captchaAnswer?: string;
}

export const invalid = (code: string, title: string, field: string, fieldCode = code) =>
  new AppError(422, code, title, { errors: [{ field, code: fieldCode }] });
const conflict = (code: string, title: string, field: string) => new AppError(409, code, title, { errors: [{ field, code }] });
const smsInvalid = (field: string) => new AppError(422, 'SMS_CODE_INVALID', '短信验证码错误或已失效，请重新获取', { errors: [{ field, code: 'SMS_CODE_INVALID' }] });

/** Credit codes share account_lookups with sign-in identifiers, so one code registers one group nationally. */
export const creditCodeKey = (ctx: AppContext, code: string) => lookupKey(ctx.cipher, 'credit_code', code);

export const validGroupName = (name: string) => {
  const n = name.trim();
  return n.length >= 2 && n.length <= 100 && !/[\u0000-\u001f<>]/.test(n);
};

export function checkPhone(raw: string, field: string): string {
  const phone = normalizePhone(raw);
  if (!phone) throw invalid('PHONE_INVALID', TEXT.phoneInvalid, field);
  return phone;
}

export function checkEmail(raw: string): string {
  const email = normaliseRecipient('email', raw);
  if (!email) throw invalid('EMAIL_INVALID', TEXT.emailInvalid, 'email');
  return email;
}

export function checkLeaderId(raw: string, now: Date): string {
  const document = checkDocument('resident_id', raw, now);
  if (!document.ok) {
    throw new AppError(422, 'ID_NUMBER_INVALID', TEXT.leaderIdInvalid, { errors: document.reasons.map((r) => ({ field: 'leaderIdNumber', code: r })) });
  }
  return document.normalized;
}

/**
 * Runs `write` in one transaction that also spends the SMS code. A wrong code rolls the transaction back,
 * which would also roll back the counted try; so the try is counted again outside it, keeping the 5-try limit.
 */
export async function withSmsCode<T>(ctx: AppContext, code: { phone: string; code: string; field: string }, write: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
  const marker = new Error('sms code');
  try {
    return await ctx.db.transaction().execute(async (trx) => {
      const result = await write(trx);
      if (!(await consumeSmsCode(ctx, trx, { phone: code.phone, purpose: 'contact', code: code.code }))) throw marker;
      return result;
    });
  } catch (error) {
    if (error !== marker) throw error;
    await consumeSmsCode(ctx, ctx.db, { phone: code.phone, purpose: 'contact', code: code.code });
    throw smsInvalid(code.field);
  }
}

/**
 * 志愿团体注册 (seed 002 §2.2.5): checks everything, then the group's sign-in account, its username and credit
 * code look-ups and the group row in one transaction that also spends the contact phone's SMS code. The
 * look-up keys and the (site, name) key decide uniqueness, so parallel registrations cannot both win.
 */
export async function registerGroup(ctx: AppContext, request: FastifyRequest, input: RegisterGroupInput) {
  await checkCaptcha(ctx, input.captchaId, input.captchaAnswer);
  const now = ctx.now();
  const site = getSite(input.siteCode);
  if (!site) throw invalid('SITE_UNKNOWN', TEXT.siteUnknown, 'siteCode');
  const name = input.name.trim();
  if (!validGroupName(name)) throw invalid('NAME_INVALID', TEXT.nameInvalid, 'name');

  let creditCode: string | null = null;
  if (input.creditCode?.trim()) {
    const checked = checkCreditCode(input.creditCode);
    if (!checked.ok) throw invalid('CREDIT_CODE_INVALID', TEXT.creditCodeInvalid, 'creditCode', checked.problem);
    creditCode = checked.normalized;
  } else if (input.legalPerson) {
    throw invalid('CREDIT_CODE_REQUIRED', TEXT.creditCodeRequired, 'creditCode');
  }

  const region = getRegion(input.regionCode);
  if (!region || provinceCodeOf(input.regionCode) !== site.code) throw invalid('REGION_INVALID', TEXT.regionInvalid, 'regionCode');
  if (input.serviceCategories.some((c) => !SERVICE_CATEGORY_CODES.includes(c))) throw invalid('CATEGORY_INVALID', TEXT.categoryInvalid, 'serviceCategories');
  if (!validPersonName(input.leaderName)) throw invalid('NAME_INVALID', TEXT.personNameInvalid, 'leaderName');
  const leaderId = checkLeaderId(input.leaderIdNumber, now);
  if (!validPersonName(input.contactName)) throw invalid('NAME_INVALID', TEXT.personNameInvalid, 'contactName');
  const phone = checkPhone(input.contactPhone, 'contactPhone');
  const email = checkEmail(input.email);
  const usernameIssue = usernameProblem(input.username);
  if (usernameIssue) throw invalid('USERNAME_INVALID', USERNAME_MESSAGES[usernameIssue], 'username', usernameIssue);

  if (input.liaisonGroupId) {
    const liaison = await ctx.db.selectFrom('groups').select(['site_code', 'status']).where('id', '=', input.liaisonGroupId).executeTakeFirst();
    if (!liaison || liaison.status !== 'approved' || liaison.site_code !== site.code) throw invalid('LIAISON_INVALID', TEXT.liaisonInvalid, 'liaisonGroupId');
  }
  if (input.parentGroupId) {
    // Only a group that may register sub-groups, signed in as or for itself, names itself as the parent.
    const parent = await requireGroupActor(ctx, request, 'register_subgroups', input.parentGroupId);
    if (parent.group.siteCode !== site.code) throw invalid('PARENT_INVALID', TEXT.parentInvalid, 'parentGroupId');
  }
  await enforcePasswordPolicy(ctx.db, { siteCode: site.code, accountType: 'group', password: input.password, username: input.username });

  const usernameKey = lookupKey(ctx.cipher, 'username', input.username);
  const creditKey = creditCode ? creditCodeKey(ctx, creditCode) : null;
  // Cheap early answers for the common case; the transaction below is what decides.
  if (await accountIdByLookup(ctx.db, 'username', usernameKey)) throw conflict('USERNAME_TAKEN', TEXT.usernameTaken, 'username');
  if (creditKey && (await ctx.db.selectFrom('account_lookups').select('account_id').where('kind', '=', 'credit_code').where('lookup', '=', creditKey).executeTakeFirst())) {
    throw conflict('CREDIT_CODE_REGISTERED', TEXT.creditCodeRegistered, 'creditCode');
  }
  if (await ctx.db.selectFrom('groups').select('id').where('site_code', '=', site.code).where('name', '=', name).executeTakeFirst()) {
    throw conflict('GROUP_NAME_TAKEN', TEXT.nameTaken, 'name');
  }

  const [passwordHash, exemptHash] = await Promise.all([
    hashPassword(input.password),
    input.exemptPassword ? hashPassword(input.exemptPassword) : Promise.resolve(null),
  ]);
  const accountId = uuidv7(now.getTime());
  const id = uuidv7(now.getTime());
  const actor = { id: request.auth?.account.id ?? accountId, username: request.auth?.account.username ?? input.username };
  await withSmsCode(ctx, { phone, code: input.contactSmsCode, field: 'contactSmsCode' }, async (trx) => {
    await trx.insertInto('accounts').values({
      id: accountId, type: 'group', site_code: site.code, username: input.username, display_name: name,
      password_hash: passwordHash, password_changed_at: now, status: 'active', created_at: now, updated_at: now,
    }).execute();
    if (!(await claimLookup(trx, 'username', usernameKey, accountId))) throw conflict('USERNAME_TAKEN', TEXT.usernameTaken, 'username');
    if (creditKey && !(await claimLookup(trx, 'credit_code', creditKey, accountId))) throw conflict('CREDIT_CODE_REGISTERED', TEXT.creditCodeRegistered, 'creditCode');
    const inserted = await trx.insertInto('groups').values({
      site_code: site.code, id, account_id: accountId, name, legal_person: input.legalPerson, credit_code: creditCode,
      region_code: input.regionCode, service_categories: input.serviceCategories, leader_name: input.leaderName.trim(),
      leader_id_enc: ctx.cipher.encrypt(leaderId), leader_id_masked: maskIdNumber(leaderId), leader_id_lookup: lookupKey(ctx.cipher, 'id_number', leaderId),
      contact_name: input.contactName.trim(), contact_phone_enc: ctx.cipher.encrypt(phone), contact_phone_masked: maskPhone(phone),
      contact_verified_at: now, email, level: 'pending', status: 'pending', liaison_group_id: input.liaisonGroupId ?? null,
      parent_group_id: input.parentGroupId ?? null, exempt_password_hash: exemptHash, created_at: now, updated_at: now,
    }).onConflict((oc) => oc.columns(['site_code', 'name']).doNothing()).returning('id').executeTakeFirst();
    if (!inserted) throw conflict('GROUP_NAME_TAKEN', TEXT.nameTaken, 'name');
    await audit(trx, {
      actor, action: 'group.register', target: { type: 'group', id }, siteCode: site.code, ip: request.ip, outcome: 'success',
      detail: { groupId: id, role: request.auth ? 'parent_group' : 'group_account', legalPerson: input.legalPerson, parentGroupId: input.parentGroupId ?? null, liaisonGroupId: input.liaisonGroupId ?? null },
    }, now);
  });
  return { id, status: 'pending' as const };
}
