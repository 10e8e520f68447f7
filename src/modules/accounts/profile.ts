import type { AppContext } from '../../platform/context.js';
import { AppError, errors } from '../../platform/errors.js';
import { audit } from '../../platform/audit.js';
import type { SessionAccount } from '../../platform/sessions.js';
import { checkDocument, DOCUMENT_REASON_MESSAGES, maskIdNumber } from '../identity/documents.js';
import { fullName, isServiceRegion, provinceCodeOf } from '../places/divisions.js';
import { SERVICE_CATEGORY_CODES, SERVICE_FIELD_CODES } from '../meta/catalog.js';
import { claimLookup, lookupKey, releaseLookup } from './lookups.js';
import { validPersonName } from '../volunteers/register.js';
import { TEXT } from '../volunteers/text.js';
import type { IdType } from '../../platform/database/schema.js';
import { issueNumberIfDue } from '../realname/results.js';

/** The six profile tabs of seed 002 §2.1.6.4; the owner sees the whole ID-card and phone numbers here. */
export async function readProfile(ctx: AppContext, account: SessionAccount) {
  const row = await ctx.db
    .selectFrom('accounts as a')
    .leftJoin('people as p', 'p.account_id', 'a.id')
    .leftJoin('volunteer_profiles as v', 'v.account_id', 'a.id')
    .select([
      'a.id', 'a.username', 'a.site_code', 'a.created_at', 'p.name', 'p.id_type', 'p.id_number_enc', 'p.birth_date', 'p.gender',
      'p.phone_enc', 'p.email', 'p.realname_status', 'v.volunteer_number', 'v.service_region_code', 'v.service_categories',
      'v.service_fields', 'v.skills', 'v.other', 'v.event',
    ])
    .where('a.id', '=', account.id)
    .executeTakeFirst();
  if (!row) throw errors.notFound();
  return {
    basic: {
      id: row.id, username: row.username, siteCode: row.site_code, volunteerNumber: row.volunteer_number ?? null,
      email: row.email ?? null, phone: row.phone_enc ? ctx.cipher.decrypt(row.phone_enc) : null, registeredAt: row.created_at.toISOString(),
    },
    identity: {
      name: row.name ?? null, idType: row.id_type ?? null, idNumber: row.id_number_enc ? ctx.cipher.decrypt(row.id_number_enc) : null,
      birthDate: row.birth_date ?? null, gender: row.gender ?? null, realNameStatus: row.realname_status ?? 'pending',
      locked: row.realname_status === 'verified',
    },
    intentions: {
      serviceRegionCode: row.service_region_code ?? null,
      serviceRegionName: row.service_region_code ? fullName(row.service_region_code) : null,
      serviceCategories: row.service_categories ?? [], serviceFields: row.service_fields ?? [],
    },
    skills: (row.skills ?? {}) as Record<string, unknown>,
    other: (row.other ?? {}) as Record<string, unknown>,
    event: (row.event ?? {}) as Record<string, unknown>,
  };
}

export interface ProfilePatch {
  basic?: { email?: string };
  identity?: { name?: string; idType?: IdType; idNumber?: string };
  intentions?: { serviceRegionCode?: string; serviceCategories?: string[]; serviceFields?: string[] };
  skills?: Record<string, unknown>;
  other?: Record<string, unknown>;
  event?: Record<string, unknown>;
}

const bad = (code: string, title: string, field: string) => new AppError(422, code, title, { errors: [{ field, code }] });

/**
 * Saves profile tabs. Username and account id never change here. Identity (name, document) may be
 * corrected only until it is verified (409 IDENTITY_LOCKED); a correction sends it back to `pending`.
 * Birth date and gender always follow the document number.
 */
export async function updateProfile(ctx: AppContext, account: SessionAccount, patch: ProfilePatch, ip: string) {
  if (account.type !== 'volunteer') throw errors.forbidden('只有志愿者账号可以修改志愿者资料');
  const now = ctx.now();
  await ctx.db.transaction().execute(async (trx) => {
    const person = await trx.selectFrom('people').selectAll().where('account_id', '=', account.id).forUpdate().executeTakeFirstOrThrow();
    if (patch.identity && Object.keys(patch.identity).length > 0) {
      if (person.realname_status === 'verified') throw new AppError(409, 'IDENTITY_LOCKED', TEXT.identityLocked);
      const name = patch.identity.name ?? person.name;
      if (!validPersonName(name)) throw bad('NAME_INVALID', TEXT.nameInvalid, 'identity.name');
      const idType = patch.identity.idType ?? person.id_type;
      const number = patch.identity.idNumber ?? ctx.cipher.decrypt(person.id_number_enc);
      const document = checkDocument(idType, number, now);
      if (!document.ok) {
        throw new AppError(422, 'ID_NUMBER_INVALID', TEXT.idInvalid, {
          errors: document.reasons.map((r) => ({ field: 'identity.idNumber', code: r, message: DOCUMENT_REASON_MESSAGES[r] })),
        });
      }
      const oldNumber = ctx.cipher.decrypt(person.id_number_enc);
      if (document.normalized !== oldNumber) {
        await releaseLookup(trx, 'id_number', account.id);
        if (!(await claimLookup(trx, 'id_number', lookupKey(ctx.cipher, 'id_number', document.normalized), account.id))) {
          throw new AppError(409, 'ID_NUMBER_REGISTERED', TEXT.idRegistered);
        }
      }
      await trx.updateTable('people').set({
        name: name.trim(), id_type: idType, id_number_enc: ctx.cipher.encrypt(document.normalized),
        id_number_masked: maskIdNumber(document.normalized), birth_date: document.birthDate, gender: document.gender,
        realname_status: 'pending', realname_checked_at: null, realname_note: null,
      }).where('account_id', '=', account.id).execute();
      await trx.updateTable('accounts').set({ display_name: name.trim(), updated_at: now }).where('id', '=', account.id).execute();
    }
    if (patch.basic?.email !== undefined) {
      await trx.updateTable('people').set({ email: patch.basic.email.trim().toLowerCase() }).where('account_id', '=', account.id).execute();
    }
    const intentions = patch.intentions;
    // The home site is read under the person lock taken above: a record transfer that committed meanwhile has moved it.
    const homeSite = intentions?.serviceRegionCode === undefined ? account.siteCode
      : (await trx.selectFrom('accounts').select('site_code').where('id', '=', account.id).executeTakeFirstOrThrow()).site_code;
    if (intentions?.serviceRegionCode !== undefined &&
      (!isServiceRegion(intentions.serviceRegionCode) || provinceCodeOf(intentions.serviceRegionCode) !== homeSite)) {
      throw bad('REGION_INVALID', TEXT.regionInvalid, 'intentions.serviceRegionCode');
    }
    if (intentions?.serviceCategories && (intentions.serviceCategories.length === 0 || intentions.serviceCategories.some((c) => !SERVICE_CATEGORY_CODES.includes(c)))) {
      throw bad('CATEGORY_INVALID', TEXT.categoryInvalid, 'intentions.serviceCategories');
    }
    if (intentions?.serviceFields?.some((c) => !SERVICE_FIELD_CODES.includes(c))) throw bad('FIELD_INVALID', TEXT.fieldInvalid, 'intentions.serviceFields');
    const profileSet = {
      ...(intentions?.serviceRegionCode !== undefined ? { service_region_code: intentions.serviceRegionCode } : {}),
      ...(intentions?.serviceCategories ? { service_categories: intentions.serviceCategories } : {}),
      ...(intentions?.serviceFields ? { service_fields: intentions.serviceFields } : {}),
      ...(patch.skills ? { skills: JSON.stringify(patch.skills) } : {}),
      ...(patch.other ? { other: JSON.stringify(patch.other) } : {}),
      ...(patch.event ? { event: JSON.stringify(patch.event) } : {}),
    };
    if (Object.keys(profileSet).length > 0) {
      await trx.updateTable('volunteer_profiles').set(profileSet).where('account_id', '=', account.id).execute();
      // Verified without a service region (seed 001 case ④): choosing one issues the volunteer number now.
      if (profileSet.service_region_code) await issueNumberIfDue(trx, ctx, account.id);
    }
    await audit(trx, { actor: account, action: 'profile.update', target: { type: 'account', id: account.id }, siteCode: account.siteCode, ip, outcome: 'success', detail: { tabs: Object.keys(patch) } }, now);
  });
}
