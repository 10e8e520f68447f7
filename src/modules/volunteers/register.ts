import type { Static } from 'typebox';
import type { AppContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { hashPassword } from '../../platform/passwords.js';
import { uuidv7 } from '../../platform/ids.js';
import { audit } from '../../platform/audit.js';
import { checkCaptcha } from '../captcha/captcha.js';
import { enforcePasswordPolicy } from '../password-policy/service.js';
import { getSite, isServiceRegion, provinceCodeOf } from '../places/divisions.js';
import { checkDocument, DOCUMENT_REASON_MESSAGES, maskIdNumber, maskPhone, normalizePhone } from '../identity/documents.js';
import { accountIdByLookup, claimLookup, lookupKey, type PersonLookupKind } from '../accounts/lookups.js';
import { USERNAME_MESSAGES, usernameProblem } from '../accounts/usernames.js';
import { SERVICE_CATEGORY_CODES, SERVICE_FIELD_CODES } from '../meta/catalog.js';
import { siteSettings } from '../places/site-settings.js';
import { requireSmsCode } from '../sms-codes/sms-codes.js';
import type { RegisterVolunteerBody } from './schemas.js';
import { TEXT } from './text.js';

type Input = Static<typeof RegisterVolunteerBody>;

const invalid = (code: string, title: string, field: string, fieldCode = code) =>
  new AppError(422, code, title, { errors: [{ field, code: fieldCode }] });

/** Accepts a person's own name as written on the document: letters of any script, middle dots and spaces. */
export function validPersonName(name: string): boolean {
  return /^[\p{L}\p{M}][\p{L}\p{M}·•.\s]{0,49}$/u.test(name.trim()) && !/\s{2,}/.test(name);
}

const conflictFor: Record<PersonLookupKind, () => AppError> = {
  id_number: () => new AppError(409, 'ID_NUMBER_REGISTERED', TEXT.idRegistered, { errors: [{ field: 'idNumber', code: 'ID_NUMBER_REGISTERED' }] }),
  username: () => new AppError(409, 'USERNAME_TAKEN', TEXT.usernameTaken, { errors: [{ field: 'username', code: 'USERNAME_TAKEN' }] }),
  phone: () => new AppError(409, 'PHONE_REGISTERED', TEXT.phoneRegistered, { errors: [{ field: 'phone', code: 'PHONE_REGISTERED' }] }),
  volunteer_number: () => new AppError(409, 'CONFLICT', '编号冲突，请重试'),
};

/**
 * Registers a volunteer (seed 002 §2.1.1): checks everything, then writes the account, the person's
 * real-name record, the volunteer profile and the national look-up keys in one transaction. The
 * look-up keys are the arbiter of uniqueness, so two parallel registrations with one ID number cannot
 * both succeed.
 */
export async function registerVolunteer(ctx: AppContext, input: Input, ip: string) {
  await checkCaptcha(ctx, input.captchaId, input.captchaAnswer);

  const site = getSite(input.siteCode);
  if (!site) throw invalid('SITE_UNKNOWN', TEXT.siteUnknown, 'siteCode');
  const usernameIssue = usernameProblem(input.username);
  if (usernameIssue) throw invalid('USERNAME_INVALID', USERNAME_MESSAGES[usernameIssue], 'username', usernameIssue);
  if (!validPersonName(input.name)) throw invalid('NAME_INVALID', TEXT.nameInvalid, 'name');

  const idType = input.idType ?? 'resident_id';
  const document = checkDocument(idType, input.idNumber, ctx.now());
  if (!document.ok) {
    throw new AppError(422, 'ID_NUMBER_INVALID', TEXT.idInvalid, {
      errors: document.reasons.map((r) => ({ field: 'idNumber', code: r, message: DOCUMENT_REASON_MESSAGES[r] })),
    });
  }
  const phone = normalizePhone(input.phone);
  if (!phone) throw invalid('PHONE_INVALID', TEXT.phoneInvalid, 'phone');
  if ((await siteSettings(ctx.db, site.code)).requirePhoneVerification && !input.smsCode) {
    throw invalid('SMS_CODE_REQUIRED', TEXT.smsCodeRequired, 'smsCode');
  }
  if (!isServiceRegion(input.serviceRegionCode) || provinceCodeOf(input.serviceRegionCode) !== site.code) {
    throw invalid('REGION_INVALID', TEXT.regionInvalid, 'serviceRegionCode');
  }
  if (input.serviceCategories.some((c) => !SERVICE_CATEGORY_CODES.includes(c))) {
    throw invalid('CATEGORY_INVALID', TEXT.categoryInvalid, 'serviceCategories');
  }
  if ((input.serviceFields ?? []).some((c) => !SERVICE_FIELD_CODES.includes(c))) {
    throw invalid('FIELD_INVALID', TEXT.fieldInvalid, 'serviceFields');
  }
  await enforcePasswordPolicy(ctx.db, { siteCode: site.code, accountType: 'volunteer', password: input.password, username: input.username });

  const keys: [PersonLookupKind, string][] = [
    ['id_number', lookupKey(ctx.cipher, 'id_number', document.normalized)],
    ['username', lookupKey(ctx.cipher, 'username', input.username)],
    ['phone', lookupKey(ctx.cipher, 'phone', phone)],
  ];
  // A cheap early answer for the common case; the transaction below is what actually decides.
  for (const [kind, key] of keys) {
    if (await accountIdByLookup(ctx.db, kind, key)) throw conflictFor[kind]();
  }

  const passwordHash = await hashPassword(input.password);
  const now = ctx.now();
  const id = uuidv7(now.getTime());
  await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto('accounts').values({
      id, type: 'volunteer', site_code: site.code, username: input.username, display_name: input.name.trim(),
      password_hash: passwordHash, password_changed_at: now, status: 'active', created_at: now, updated_at: now,
    }).execute();
    for (const [kind, key] of keys) {
      if (!(await claimLookup(trx, kind, key, id))) throw conflictFor[kind]();
    }
    // A code given is checked even where the site does not ask for one: it proves the phone (real-name level basic).
    if (input.smsCode) await requireSmsCode(ctx, trx, { phone, purpose: 'register', code: input.smsCode });
    await trx.insertInto('people').values({
      account_id: id,
      name: input.name.trim(),
      id_type: idType,
      id_number_enc: ctx.cipher.encrypt(document.normalized),
      id_number_masked: maskIdNumber(document.normalized),
      birth_date: document.birthDate,
      gender: document.gender,
      phone_enc: ctx.cipher.encrypt(phone),
      phone_masked: maskPhone(phone),
      phone_verified_at: input.smsCode ? now : null,
      email: input.email.trim().toLowerCase(),
    }).execute();
    await trx.insertInto('volunteer_profiles').values({
      account_id: id,
      volunteer_number: null,
      service_region_code: input.serviceRegionCode,
      service_categories: input.serviceCategories,
      service_fields: input.serviceFields ?? [],
      skills: JSON.stringify({ skills: input.skills ?? [] }),
      other: '{}',
      event: '{}',
    }).execute();
    await audit(trx, {
      actor: { id, username: input.username }, action: 'volunteer.register', target: { type: 'account', id },
      siteCode: site.code, ip, outcome: 'success', detail: { idType },
    }, now);
  });
  return { id, username: input.username, realNameStatus: 'pending', volunteerNumber: null };
}
