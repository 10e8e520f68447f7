/**
 * Identity documents (证件): format checks, masking and phone normalisation. Pure functions, no I/O except
 * the lazily loaded division codes behind `isIssueCode`.
 *
 * What is checked:
 *  - resident_id (居民身份证, GB 11643-1999): exactly 18 characters after trimming; 17 digits and a check
 *    character (digit or X, either case; normalised to upper case); the first 6 digits a current or historical
 *    division code (`isIssueCode`: IDs keep the code of their issue, e.g. 110103 崇文区); the birth date
 *    YYYYMMDD a real calendar date, not before 1900-01-01 and not after today (today as a calendar date in
 *    China, UTC+8); the ISO 7064 MOD 11-2 check character. Every reason that applies is reported. When the
 *    length is wrong the positions of the fields are unknown, so only LENGTH/CHARACTERS are reported.
 *    Numbers starting 810000/820000/830000 are 港澳台居民居住证 (same format); they pass but need manual
 *    review, as the real-name provider cannot check Hong Kong, Macao and Taiwan people.
 *  - passport (护照): 5–17 upper-case letters or digits (Chinese passports E/G + 8 digits fit).
 *  - hk_macao_permit: either 往来港澳通行证 of a mainland resident ('C' + 8 digits, or 'C' + letter + 7
 *    digits on the electronic card), or 港澳居民来往内地通行证 (回乡证) of a Hong Kong/Macao resident ('H' or
 *    'M' + 8 digits, or + 10 digits when the 2-digit issue count is written after the number).
 *  - taiwan_permit (台湾居民来往大陆通行证, 台胞证): 8 digits on the card issued since 2015; older booklets
 *    carry 10 characters (8 digits + 2 digits or letters, sometimes written with brackets, e.g. '12345678(B)':
 *    brackets are dropped). Accepted: 8 digits, optionally followed by 1–2 digits or letters.
 *  Passports and permits cannot be checked further here: they always need manual review and carry no birth
 *  date or gender.
 * Inputs are NFKC-normalised first, so full-width digits and letters typed on Chinese keyboards count.
 */
import { isIssueCode } from '../places/divisions.js';

export type IdType = 'resident_id' | 'passport' | 'hk_macao_permit' | 'taiwan_permit';

export type DocumentCheck =
  | {
      ok: true;
      normalized: string;
      birthDate: string | null;
      gender: 'male' | 'female' | null;
      issueRegionCode: string | null;
      needsManualReview: boolean;
    }
  | { ok: false; code: 'ID_NUMBER_INVALID'; reasons: string[] };

export type DocumentReason = 'LENGTH' | 'CHARACTERS' | 'REGION_UNKNOWN' | 'BIRTH_DATE_INVALID' | 'BIRTH_DATE_FUTURE' | 'CHECK_DIGIT';

/** Chinese messages a person can act on, by reason code (plus the overall code as a title). */
export const DOCUMENT_REASON_MESSAGES: Record<string, string> = Object.freeze({
  ID_NUMBER_INVALID: '证件号码不正确，请核对后重新填写',
  LENGTH: '证件号码位数不正确，请核对（居民身份证号码为18位）',
  CHARACTERS: '证件号码含有不允许的字符或格式不符，请核对（居民身份证号码为17位数字加1位数字或字母X；其他证件只含字母和数字）',
  REGION_UNKNOWN: '身份证号码前6位（地区码）无法识别，请核对',
  BIRTH_DATE_INVALID: '身份证号码中的出生日期（第7至14位）不是有效日期，请核对',
  BIRTH_DATE_FUTURE: '身份证号码中的出生日期（第7至14位）晚于今天，请核对',
  CHECK_DIGIT: '身份证号码校验位不正确，请核对最后一位',
});

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/** ISO 7064 MOD 11-2 check character of the first 17 digits. */
function checkCharOf(body17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(body17[i]) * WEIGHTS[i]!;
  return CHECK_CHARS[sum % 11]!;
}

const clean = (value: unknown): string => (typeof value === 'string' ? value.normalize('NFKC').trim() : '');

const invalid = (reasons: string[]): DocumentCheck => ({ ok: false, code: 'ID_NUMBER_INVALID', reasons });

/** Today's calendar date in China (UTC+8) as YYYYMMDD. */
function chinaDate(today: Date): string {
  const shifted = new Date(today.getTime() + 8 * 3600_000);
  if (Number.isNaN(shifted.getTime())) return '99991231';
  const y = String(shifted.getUTCFullYear()).padStart(4, '0');
  const m = String(shifted.getUTCMonth() + 1).padStart(2, '0');
  const d = String(shifted.getUTCDate()).padStart(2, '0');
  return `${y}${m}${d}`;
}

function isCalendarDate(yyyymmdd: string): boolean {
  const year = Number(yyyymmdd.slice(0, 4));
  const month = Number(yyyymmdd.slice(4, 6));
  const day = Number(yyyymmdd.slice(6, 8));
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  return day <= days;
}

function checkResidentId(raw: string, today: Date): DocumentCheck {
  const value = raw.toUpperCase();
  const reasons: string[] = [];
  if (value.length !== 18) {
    reasons.push('LENGTH');
    if (!/^\d*[\dX]?$/.test(value)) reasons.push('CHARACTERS');
    return invalid(reasons);
  }
  if (!/^\d{17}[\dX]$/.test(value)) reasons.push('CHARACTERS');

  // Each field is checked when its own characters are digits, so that every applicable reason is reported.
  const region = value.slice(0, 6);
  if (/^\d{6}$/.test(region) && !isIssueCode(region)) reasons.push('REGION_UNKNOWN');
  const birth = value.slice(6, 14);
  let birthOk = false;
  if (/^\d{8}$/.test(birth)) {
    if (!isCalendarDate(birth) || birth < '19000101') reasons.push('BIRTH_DATE_INVALID');
    else if (birth > chinaDate(today)) reasons.push('BIRTH_DATE_FUTURE');
    else birthOk = true;
  }
  const body = value.slice(0, 17);
  if (/^\d{17}$/.test(body) && /^[\dX]$/.test(value[17]!) && checkCharOf(body) !== value[17]) reasons.push('CHECK_DIGIT');

  if (reasons.length > 0) return invalid(reasons);
  return {
    ok: true,
    normalized: value,
    birthDate: birthOk ? `${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6, 8)}` : null,
    gender: Number(value[16]) % 2 === 1 ? 'male' : 'female',
    issueRegionCode: region,
    needsManualReview: /^8[123]/.test(region),
  };
}

/** Shared shape check for passports and permits: characters first, then length, then the exact pattern. */
function checkByPattern(value: string, lengths: (length: number) => boolean, pattern: RegExp): DocumentCheck {
  const reasons: string[] = [];
  const charactersOk = /^[A-Z0-9]*$/.test(value);
  if (!lengths(value.length)) reasons.push('LENGTH');
  if (!charactersOk || (reasons.length === 0 && !pattern.test(value))) reasons.push('CHARACTERS');
  if (reasons.length > 0) return invalid(reasons);
  return { ok: true, normalized: value, birthDate: null, gender: null, issueRegionCode: null, needsManualReview: true };
}

/**
 * Checks a document number of the given type. `today` (default: now) bounds the birth date of resident IDs.
 * Never throws; anything that is not a string is treated as an empty number.
 */
export function checkDocument(idType: IdType, value: string, today: Date = new Date()): DocumentCheck {
  const cleaned = clean(value);
  switch (idType) {
    case 'resident_id':
      return checkResidentId(cleaned, today instanceof Date ? today : new Date());
    case 'passport':
      return checkByPattern(cleaned.toUpperCase(), (n) => n >= 5 && n <= 17, /^[A-Z0-9]{5,17}$/);
    case 'hk_macao_permit':
      return checkByPattern(
        cleaned.toUpperCase(),
        (n) => n === 9 || n === 11,
        /^(C\d{8}|C[A-Z]\d{7}|[HM]\d{8}|[HM]\d{10})$/,
      );
    case 'taiwan_permit':
      return checkByPattern(cleaned.toUpperCase().replace(/[()]/g, ''), (n) => n >= 8 && n <= 10, /^\d{8}[A-Z0-9]{0,2}$/);
    default:
      return invalid(['CHARACTERS']);
  }
}

/**
 * Masks a document number for display: 18 characters (resident ID) keep the first 6 and the last 4
 * ('110105********002X'); other numbers keep the first 2 and last 2 (first 1 and last 1 below 8 characters,
 * nothing at 4 or fewer, so that most of a short number stays hidden).
 */
export function maskIdNumber(value: string): string {
  const s = typeof value === 'string' ? value.trim() : '';
  const n = s.length;
  if (n === 18) return `${s.slice(0, 6)}${'*'.repeat(8)}${s.slice(14)}`;
  if (n >= 8) return `${s.slice(0, 2)}${'*'.repeat(n - 4)}${s.slice(n - 2)}`;
  if (n >= 5) return `${s.slice(0, 1)}${'*'.repeat(n - 2)}${s.slice(n - 1)}`;
  return '*'.repeat(n);
}

/**
 * Masks a phone number for display: a mainland mobile becomes '138****5678'; anything else keeps its
 * first 3 and last 4 characters when it has at least 8, otherwise it is fully masked.
 */
export function maskPhone(value: string): string {
  const mobile = normalizePhone(value);
  if (mobile) return `${mobile.slice(0, 3)}****${mobile.slice(7)}`;
  const s = typeof value === 'string' ? value.trim() : '';
  if (s.length >= 8) return `${s.slice(0, 3)}${'*'.repeat(s.length - 7)}${s.slice(-4)}`;
  return '*'.repeat(s.length);
}

/**
 * A mainland mobile number as 11 digits ('13812345678'), or null. Accepts spaces and dashes anywhere and a
 * '+86', '0086' or '86' country prefix.
 */
export function normalizePhone(value: string): string | null {
  if (typeof value !== 'string') return null;
  let digits = value.normalize('NFKC').replace(/[\s-]/g, '');
  if (digits.startsWith('+86')) digits = digits.slice(3);
  else if (digits.startsWith('0086')) digits = digits.slice(4);
  else if (/^86\d{11}$/.test(digits)) digits = digits.slice(2);
  return /^1[3-9]\d{9}$/.test(digits) ? digits : null;
}
