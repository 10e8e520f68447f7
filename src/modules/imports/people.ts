import { randomBytes, randomInt } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AppContext } from '../../platform/context.js';
import type { DB, IdType, ImportKind, ImportRowProblem, StaffPostKind } from '../../platform/database/schema.js';
import { hashPassword } from '../../platform/passwords.js';
import { uuidv7 } from '../../platform/ids.js';
import { checkDocument, DOCUMENT_REASON_MESSAGES, maskIdNumber, maskPhone, normalizePhone } from '../identity/documents.js';
import { isServiceRegion, provinceCodeOf } from '../places/divisions.js';
import { lookupKey, type PersonLookupKind } from '../accounts/lookups.js';
import { USERNAME_MESSAGES, usernameProblem } from '../accounts/usernames.js';
import { validPersonName } from '../volunteers/register.js';
import { SERVICE_CATEGORIES } from '../meta/catalog.js';
import type { Field } from './columns.js';
import type { Cell } from './read.js';
import { TEXT } from './text.js';

/**
 * People created by someone else (an import row, or a unit administrator adding one person): the same checks as
 * self-registration (checkDocument, normalizePhone, validPersonName, usernameProblem, isServiceRegion, the
 * category catalogue), every problem of a row reported, and a batch insert that lets the national look-up keys
 * decide uniqueness exactly as registration does.
 */

export type PersonCells = Partial<Record<Field, Cell | undefined>>;

export interface PostInput {
  kind: StaffPostKind;
  positionTitle: string | null;
  staffingCategory: string | null;
  rank: string | null;
  staffRole: string | null;
}

export interface PersonRecord {
  row: number;
  name: string;
  idType: IdType;
  idNumber: string;
  birthDate: string | null;
  gender: 'male' | 'female' | null;
  phone: string;
  email: string | null;
  /** Lower-cased form is the look-up; null until one is generated for a row that gave none. */
  username: string | null;
  serviceRegionCode: string | null;
  serviceCategories: string[];
  post: PostInput | null;
}

export interface PersonKeys {
  id_number: string;
  phone: string;
  username: string;
}

export type Problem = ImportRowProblem;

const ID_TYPES: Record<string, IdType> = {
  '': 'resident_id', resident_id: 'resident_id', 居民身份证: 'resident_id', 身份证: 'resident_id', 二代身份证: 'resident_id',
  港澳台居民居住证: 'resident_id', 居住证: 'resident_id',
  passport: 'passport', 护照: 'passport', 外国护照: 'passport', 中国护照: 'passport',
  hk_macao_permit: 'hk_macao_permit', 港澳通行证: 'hk_macao_permit', 往来港澳通行证: 'hk_macao_permit',
  港澳居民来往内地通行证: 'hk_macao_permit', 回乡证: 'hk_macao_permit',
  taiwan_permit: 'taiwan_permit', 台胞证: 'taiwan_permit', 台湾居民来往大陆通行证: 'taiwan_permit',
};

const POST_KINDS: Record<string, StaffPostKind> = {
  '': 'main', main: 'main', 主职: 'main', 主要职务: 'main', part_time: 'part_time', 兼职: 'part_time', 挂职: 'part_time', '兼职/挂职': 'part_time', '挂职/兼职': 'part_time',
};

const CATEGORY_BY_TEXT = new Map<string, string>();
for (const c of SERVICE_CATEGORIES) {
  CATEGORY_BY_TEXT.set(c.code!, c.code!);
  CATEGORY_BY_TEXT.set(c.name!, c.code!);
}

const EMAIL = /^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]+$/;

/** A cell as trimmed text ('' when empty); numbers as their integer digits. */
function text(cell: Cell | undefined): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'number') return Number.isInteger(cell) ? cell.toFixed(0) : String(cell);
  return cell.normalize('NFKC').trim();
}

/** Whether a cell shows an ID number that a spreadsheet turned into a number (precision lost, or 1.10105E+17). */
function idNumberMangled(cell: Cell | undefined): boolean {
  if (typeof cell === 'number') return !Number.isSafeInteger(cell);
  return typeof cell === 'string' && /^\d+(\.\d+)?[eE]\+\d+$/.test(cell.trim());
}

function optionalText(cell: Cell | undefined, label: string, max: number, field: string, problems: Problem[]): string | null {
  const value = text(cell);
  if (!value) return null;
  if ([...value].length > max) {
    problems.push({ field, code: 'TOO_LONG', message: TEXT.rows.TOO_LONG(label, max) });
    return null;
  }
  return value;
}

export type CheckResult = { ok: true; record: PersonRecord } | { ok: false; name: string | null; problems: Problem[] };

/**
 * Checks one person for `kind` on a site (`siteCode`: where a volunteer will serve; a unit's site for staff).
 * Every problem is listed, in column order.
 */
export function checkPerson(kind: ImportKind, row: number, cells: PersonCells, options: { siteCode: string; now: Date }): CheckResult {
  const problems: Problem[] = [];
  const name = text(cells.name);
  if (!name) problems.push({ field: 'name', code: 'NAME_REQUIRED', message: TEXT.rows.NAME_REQUIRED });
  else if (!validPersonName(name)) problems.push({ field: 'name', code: 'NAME_INVALID', message: TEXT.rows.NAME_INVALID });

  const idType = ID_TYPES[text(cells.idType).replace(/\s/g, '').toLowerCase()] ?? ID_TYPES[text(cells.idType).replace(/\s/g, '')];
  if (!idType) problems.push({ field: 'idType', code: 'ID_TYPE_UNKNOWN', message: TEXT.rows.ID_TYPE_UNKNOWN });

  const rawId = text(cells.idNumber);
  let document: ReturnType<typeof checkDocument> | null = null;
  if (!rawId) problems.push({ field: 'idNumber', code: 'ID_NUMBER_REQUIRED', message: TEXT.rows.ID_NUMBER_REQUIRED });
  else if (idNumberMangled(cells.idNumber)) problems.push({ field: 'idNumber', code: 'ID_NUMBER_AS_NUMBER', message: TEXT.rows.ID_NUMBER_AS_NUMBER });
  else if (idType) {
    document = checkDocument(idType, rawId, options.now);
    if (!document.ok) {
      for (const reason of document.reasons) problems.push({ field: 'idNumber', code: reason, message: DOCUMENT_REASON_MESSAGES[reason] ?? DOCUMENT_REASON_MESSAGES.ID_NUMBER_INVALID });
    }
  }

  const rawPhone = text(cells.phone);
  const phone = rawPhone ? normalizePhone(rawPhone) : null;
  if (!rawPhone) problems.push({ field: 'phone', code: 'PHONE_REQUIRED', message: TEXT.rows.PHONE_REQUIRED });
  else if (!phone) problems.push({ field: 'phone', code: 'PHONE_INVALID', message: TEXT.rows.PHONE_INVALID });

  const email = text(cells.email).toLowerCase() || null;
  if (email && (email.length > 254 || !EMAIL.test(email))) problems.push({ field: 'email', code: 'EMAIL_INVALID', message: TEXT.rows.EMAIL_INVALID });

  const username = text(cells.username) || null;
  const usernameIssue = username ? usernameProblem(username) : null;
  if (usernameIssue) problems.push({ field: 'username', code: usernameIssue, message: USERNAME_MESSAGES[usernameIssue]! });

  let serviceRegionCode: string | null = null;
  const serviceCategories: string[] = [];
  let post: PostInput | null = null;
  if (kind === 'volunteers') {
    serviceRegionCode = text(cells.serviceRegionCode) || null;
    if (!serviceRegionCode) problems.push({ field: 'serviceRegionCode', code: 'REGION_REQUIRED', message: TEXT.rows.REGION_REQUIRED });
    else if (!isServiceRegion(serviceRegionCode) || provinceCodeOf(serviceRegionCode) !== options.siteCode) {
      problems.push({ field: 'serviceRegionCode', code: 'REGION_INVALID', message: TEXT.rows.REGION_INVALID });
    }
    for (const token of text(cells.serviceCategories).split(/[,，、;；/\s]+/).filter(Boolean)) {
      const code = CATEGORY_BY_TEXT.get(token);
      if (!code) problems.push({ field: 'serviceCategories', code: 'CATEGORY_INVALID', message: TEXT.rows.CATEGORY_INVALID(token.slice(0, 20)) });
      else if (!serviceCategories.includes(code)) serviceCategories.push(code);
    }
  } else {
    const postKind = POST_KINDS[text(cells.postKind).replace(/\s/g, '').toLowerCase()];
    if (!postKind) problems.push({ field: 'postKind', code: 'POST_KIND_INVALID', message: TEXT.rows.POST_KIND_INVALID });
    post = {
      kind: postKind ?? 'main',
      positionTitle: optionalText(cells.positionTitle, '职务', 50, 'positionTitle', problems),
      staffingCategory: optionalText(cells.staffingCategory, '人员编制', 30, 'staffingCategory', problems),
      rank: optionalText(cells.rank, '职级', 30, 'rank', problems),
      staffRole: optionalText(cells.staffRole, '人员角色', 30, 'staffRole', problems),
    };
  }

  if (problems.length > 0 || !document?.ok || !phone || !idType) return { ok: false, name: name || null, problems };
  return {
    ok: true,
    record: {
      row, name, idType, idNumber: document.normalized, birthDate: document.birthDate, gender: document.gender,
      phone, email, username, serviceRegionCode, serviceCategories, post,
    },
  };
}

const USERNAME_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

/** 'zy' + 8 letters/digits without look-alikes (no l, o, 0, 1): passes usernameProblem, 32⁸ ≈ 10¹² choices. */
export function generateUsername(): string {
  let out = 'zy';
  for (let i = 0; i < 8; i++) out += USERNAME_ALPHABET[randomInt(USERNAME_ALPHABET.length)];
  return out;
}

export function personKeys(ctx: Pick<AppContext, 'cipher'>, record: PersonRecord): PersonKeys {
  return {
    id_number: lookupKey(ctx.cipher, 'id_number', record.idNumber),
    phone: lookupKey(ctx.cipher, 'phone', record.phone),
    username: lookupKey(ctx.cipher, 'username', record.username ?? ''),
  };
}

/**
 * The password hash of an account nobody has activated yet: argon2id of 32 random bytes that are thrown away at
 * once. No password verifies against it, and a sign-in attempt costs the same argon2 work as for any account,
 * so timing does not tell inactive accounts apart. One hash serves a whole import.
 */
export async function unusablePasswordHash(): Promise<string> {
  return hashPassword(randomBytes(32).toString('base64'));
}

export const CONFLICT_PROBLEM: Record<PersonLookupKind, Problem> = {
  id_number: { field: 'idNumber', code: 'ID_NUMBER_REGISTERED', message: TEXT.rows.ID_NUMBER_REGISTERED },
  phone: { field: 'phone', code: 'PHONE_REGISTERED', message: TEXT.rows.PHONE_REGISTERED },
  username: { field: 'username', code: 'USERNAME_TAKEN', message: TEXT.rows.USERNAME_TAKEN },
  volunteer_number: { field: 'volunteerNumber', code: 'CONFLICT', message: '编号冲突' },
};

export interface InsertOptions {
  kind: ImportKind;
  siteCode: string;
  unitId: string | null;
  passwordHash: string;
  now: Date;
}

export interface Keyed {
  record: PersonRecord & { username: string };
  keys: PersonKeys;
}

/**
 * Creates inactive accounts for a batch inside `trx`: accounts, then their look-up keys with
 * `ON CONFLICT DO NOTHING`. A person whose keys were not all claimed (someone registered the same ID number,
 * phone or username since the check) loses: their account and keys are removed again in the same transaction
 * and they come back in `lost` with the reasons. The others get their person row and profile or post.
 */
export async function insertPeople(
  ctx: Pick<AppContext, 'cipher'>,
  trx: Kysely<DB>,
  batch: Keyed[],
  options: InsertOptions,
): Promise<{ created: { item: Keyed; accountId: string }[]; lost: { item: Keyed; problems: Problem[] }[] }> {
  if (batch.length === 0) return { created: [], lost: [] };
  const { now } = options;
  const type = options.kind === 'staff' ? 'staff' as const : 'volunteer' as const;
  const ids = batch.map(() => uuidv7(now.getTime()));
  await trx.insertInto('accounts').values(batch.map(({ record }, i) => ({
    id: ids[i]!, type, site_code: options.siteCode, username: record.username, display_name: record.name,
    password_hash: options.passwordHash, password_changed_at: now, status: 'inactive' as const, created_at: now, updated_at: now,
  }))).execute();

  const kinds: (keyof PersonKeys)[] = ['id_number', 'phone', 'username'];
  const claimed = await trx
    .insertInto('account_lookups')
    .values(batch.flatMap(({ keys }, i) => kinds.map((kind) => ({ kind, lookup: keys[kind], account_id: ids[i]! }))))
    .onConflict((oc) => oc.columns(['kind', 'lookup']).doNothing())
    .returning(['kind', 'account_id'])
    .execute();
  const got = new Set(claimed.map((c) => `${c.account_id}:${c.kind}`));

  const created: { item: Keyed; accountId: string }[] = [];
  const lost: { item: Keyed; problems: Problem[] }[] = [];
  batch.forEach((item, i) => {
    const missing = kinds.filter((kind) => !got.has(`${ids[i]}:${kind}`));
    if (missing.length === 0) created.push({ item, accountId: ids[i]! });
    else lost.push({ item, problems: missing.map((kind) => CONFLICT_PROBLEM[kind]) });
  });
  if (lost.length > 0) {
    const lostIds = lost.map((l) => ids[batch.indexOf(l.item)]!);
    await trx.deleteFrom('account_lookups').where('account_id', 'in', lostIds).execute();
    await trx.deleteFrom('accounts').where('id', 'in', lostIds).execute();
  }
  if (created.length === 0) return { created, lost };

  await trx.insertInto('people').values(created.map(({ item: { record }, accountId }) => ({
    account_id: accountId,
    name: record.name,
    id_type: record.idType,
    id_number_enc: ctx.cipher.encrypt(record.idNumber),
    id_number_masked: maskIdNumber(record.idNumber),
    birth_date: record.birthDate,
    gender: record.gender,
    phone_enc: ctx.cipher.encrypt(record.phone),
    phone_masked: maskPhone(record.phone),
    email: record.email,
  }))).execute();

  if (options.kind === 'volunteers') {
    await trx.insertInto('volunteer_profiles').values(created.map(({ item: { record }, accountId }) => ({
      account_id: accountId,
      volunteer_number: null,
      service_region_code: record.serviceRegionCode,
      service_categories: record.serviceCategories,
      service_fields: [],
      skills: JSON.stringify({ skills: [] }),
      other: '{}',
      event: '{}',
    }))).execute();
  } else {
    if (!options.unitId) throw new Error('insertPeople: staff need a unit');
    const unitId = options.unitId;
    await trx.insertInto('staff_posts').values(created.map(({ item: { record }, accountId }) => ({
      id: uuidv7(now.getTime()),
      account_id: accountId,
      unit_id: unitId,
      kind: record.post?.kind ?? 'main',
      position_title: record.post?.positionTitle ?? null,
      staffing_category: record.post?.staffingCategory ?? null,
      rank: record.post?.rank ?? null,
      staff_role: record.post?.staffRole ?? null,
      created_at: now,
      updated_at: now,
    }))).execute();
  }
  return { created, lost };
}

/** Removes accounts that were created but must not stay (an all-or-nothing import that could not finish). */
export async function removePeople(trx: Kysely<DB>, accountIds: string[]): Promise<void> {
  if (accountIds.length === 0) return;
  await trx.deleteFrom('staff_posts').where('account_id', 'in', accountIds).execute();
  await trx.deleteFrom('unit_admins').where('account_id', 'in', accountIds).execute();
  await trx.deleteFrom('volunteer_profiles').where('account_id', 'in', accountIds).execute();
  await trx.deleteFrom('people').where('account_id', 'in', accountIds).execute();
  await trx.deleteFrom('account_lookups').where('account_id', 'in', accountIds).execute();
  await trx.deleteFrom('accounts').where('id', 'in', accountIds).execute();
}
