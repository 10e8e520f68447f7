/**
 * Password strength rules (pure functions: no database, no HTTP).
 *
 * Sources:
 * - seed 000 (volunteers and groups, notice of 2019-12-10): 8-20 characters, must contain digits and
 *   upper- and lower-case letters, no 4 or more consecutive digits or letters (1234, abcd), no 4 or more
 *   repeated digits or letters (2222, bbbb).
 * - seed 003 (staff): 8~16 characters, at least three of digit / upper-case / lower-case / special.
 * - username and common-password checks are this project's additions (codes in api.md).
 *
 * Character classes, decided here:
 * - digit / lower / upper are the ASCII ranges 0-9, a-z, A-Z only.
 * - special is every other character: printable ASCII punctuation and the space, and also any
 *   non-ASCII character (Chinese characters, full-width letters, emoji, accented letters ...). Such
 *   characters are allowed and each counts as 'special'; they never count as a letter or digit, and
 *   they never form a sequential run.
 * - Length is counted in Unicode code points, so '密码' is 2 characters and an emoji is 1.
 */
import { isCommonPassword } from './common-passwords.js';

export type CharClass = 'digit' | 'lower' | 'upper' | 'special';

export interface PasswordRules {
  minLength: number;
  maxLength: number;
  /** Each of these classes must be present. */
  requiredClasses: CharClass[];
  /** At least `count` of the classes in `of` must be present. */
  minClasses: { count: number; of: CharClass[] } | null;
  /** Longest allowed run of consecutive digits or letters (3 forbids '1234', '4321', 'abcd', 'DcBa'). */
  maxSequential: number | null;
  /** Longest allowed run of one repeated character (3 forbids '2222', 'bbbb'). */
  maxRepeated: number | null;
  /** The password must not contain the username (case-insensitive; usernames shorter than 3 are ignored). */
  forbidUsername: boolean;
  /** The password must not be on the common-password list (case-insensitive). */
  forbidCommon: boolean;
}

export interface RuleViolation {
  code: string;
  params?: Record<string, unknown>;
}

export const CHAR_CLASSES: readonly CharClass[] = ['digit', 'lower', 'upper', 'special'];

export const RULE_CODES = [
  'TOO_SHORT',
  'TOO_LONG',
  'MISSING_DIGIT',
  'MISSING_LOWER',
  'MISSING_UPPER',
  'MISSING_SPECIAL',
  'MISSING_CLASSES',
  'SEQUENTIAL_CHARS',
  'REPEATED_CHARS',
  'CONTAINS_USERNAME',
  'COMMON_PASSWORD',
] as const;
export type RuleCode = (typeof RULE_CODES)[number];

const MISSING_CODE: Record<CharClass, RuleCode> = {
  digit: 'MISSING_DIGIT',
  lower: 'MISSING_LOWER',
  upper: 'MISSING_UPPER',
  special: 'MISSING_SPECIAL',
};

/** Usernames shorter than this (in code points) are not checked for containment. */
export const MIN_USERNAME_CHECK_LENGTH = 3;
/** Upper bound for lengths and run limits accepted by isValidRules. */
export const MAX_RULE_LENGTH = 128;

function freezeRules(rules: PasswordRules): PasswordRules {
  Object.freeze(rules.requiredClasses);
  if (rules.minClasses) {
    Object.freeze(rules.minClasses.of);
    Object.freeze(rules.minClasses);
  }
  return Object.freeze(rules);
}

/** Seed 000: volunteers (and groups). */
export const VOLUNTEER_RULES: PasswordRules = freezeRules({
  minLength: 8,
  maxLength: 20,
  requiredClasses: ['digit', 'lower', 'upper'],
  minClasses: null,
  maxSequential: 3,
  maxRepeated: 3,
  forbidUsername: true,
  forbidCommon: true,
});

/** Seed 003: staff — 8~16 characters, at least three of digit / upper / lower / special. */
export const STAFF_RULES: PasswordRules = freezeRules({
  minLength: 8,
  maxLength: 16,
  requiredClasses: [],
  minClasses: { count: 3, of: ['digit', 'upper', 'lower', 'special'] },
  maxSequential: 3,
  maxRepeated: 3,
  forbidUsername: true,
  forbidCommon: true,
});

export const DEFAULT_RULES: Readonly<Record<'volunteer' | 'group' | 'staff' | 'admin', PasswordRules>> = Object.freeze({
  volunteer: VOLUNTEER_RULES,
  group: VOLUNTEER_RULES,
  staff: STAFF_RULES,
  admin: STAFF_RULES,
});

/** The class of one code point (see the file comment: everything that is not ASCII alphanumeric is special). */
export function charClass(cp: number): CharClass {
  if (cp >= 0x30 && cp <= 0x39) return 'digit';
  if (cp >= 0x61 && cp <= 0x7a) return 'lower';
  if (cp >= 0x41 && cp <= 0x5a) return 'upper';
  return 'special';
}

function codePoints(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) out.push(ch.codePointAt(0)!);
  return out;
}

/** 'digit' or 'letter' for ASCII alphanumerics (letters folded to lower case), else null. */
function seqKey(cp: number): { kind: 'digit' | 'letter'; value: number } | null {
  if (cp >= 0x30 && cp <= 0x39) return { kind: 'digit', value: cp };
  if (cp >= 0x61 && cp <= 0x7a) return { kind: 'letter', value: cp };
  if (cp >= 0x41 && cp <= 0x5a) return { kind: 'letter', value: cp + 0x20 };
  return null;
}

/**
 * Length of the longest run of consecutive digits or letters, ascending or descending, case-insensitive
 * ('aBcD' and 'DcBa' are runs of 4). Digits and letters never chain ('89ab' is two runs of 2), there is
 * no wrap-around ('7890' and 'yzab' are not runs of 4), and a run keeps one direction ('1212' is 2).
 */
export function longestSequentialRun(password: string): number {
  let best = 0;
  let run = 0;
  let dir = 0;
  let prev: ReturnType<typeof seqKey> = null;
  for (const cp of codePoints(password)) {
    const cur = seqKey(cp);
    if (cur === null) {
      run = 0;
      dir = 0;
    } else if (prev !== null && prev.kind === cur.kind && Math.abs(cur.value - prev.value) === 1) {
      const d = cur.value - prev.value;
      if (d === dir) {
        run += 1;
      } else {
        run = 2;
        dir = d;
      }
    } else {
      run = 1;
      dir = 0;
    }
    prev = cur;
    if (run > best) best = run;
  }
  return best;
}

/**
 * Length of the longest run of one identical character.
 *
 * Case-SENSITIVE on purpose: the seed forbids "repeated" characters (2222, bbbb), i.e. the same key
 * pressed again and again; 'bBbB' alternates between two different characters (and needs Shift each
 * time), so it is not a repetition in that sense. (Sequences, by contrast, are about alphabetical order,
 * which has no case, so that check is case-insensitive.) The check applies to every character, not
 * only digits and letters: '!!!!' or '我我我我' is just as weak as '2222'.
 */
export function longestRepeatedRun(password: string): number {
  let best = 0;
  let run = 0;
  let prev = -1;
  for (const cp of codePoints(password)) {
    run = cp === prev ? run + 1 : 1;
    prev = cp;
    if (run > best) best = run;
  }
  return best;
}

/**
 * Every rule the password breaks (empty array: acceptable), in a stable order:
 * length, required classes, minimum classes, sequences, repetitions, username, common list.
 */
export function checkPassword(
  password: string,
  rules: PasswordRules,
  context?: { username?: string },
): RuleViolation[] {
  const violations: RuleViolation[] = [];
  const cps = codePoints(password);

  if (cps.length < rules.minLength) violations.push({ code: 'TOO_SHORT', params: { min: rules.minLength } });
  if (cps.length > rules.maxLength) violations.push({ code: 'TOO_LONG', params: { max: rules.maxLength } });

  const present = new Set<CharClass>();
  for (const cp of cps) present.add(charClass(cp));

  for (const cls of CHAR_CLASSES) {
    if (rules.requiredClasses.includes(cls) && !present.has(cls)) violations.push({ code: MISSING_CODE[cls] });
  }

  if (rules.minClasses) {
    const of = [...new Set(rules.minClasses.of)];
    const found = of.filter((c) => present.has(c)).length;
    if (found < rules.minClasses.count) {
      violations.push({ code: 'MISSING_CLASSES', params: { count: rules.minClasses.count, of, found } });
    }
  }

  if (rules.maxSequential !== null && longestSequentialRun(password) > rules.maxSequential) {
    violations.push({ code: 'SEQUENTIAL_CHARS', params: { max: rules.maxSequential } });
  }

  if (rules.maxRepeated !== null && longestRepeatedRun(password) > rules.maxRepeated) {
    violations.push({ code: 'REPEATED_CHARS', params: { max: rules.maxRepeated } });
  }

  const username = context?.username?.trim() ?? '';
  if (
    rules.forbidUsername &&
    codePoints(username).length >= MIN_USERNAME_CHECK_LENGTH &&
    password.toLowerCase().includes(username.toLowerCase())
  ) {
    violations.push({ code: 'CONTAINS_USERNAME' });
  }

  if (rules.forbidCommon && isCommonPassword(password)) violations.push({ code: 'COMMON_PASSWORD' });

  return violations;
}

// ---------------------------------------------------------------------------------------------
// Chinese texts for the UI

const CLASS_NAMES: Record<CharClass, string> = {
  digit: '数字',
  lower: '小写字母',
  upper: '大写字母',
  special: '特殊字符',
};

const CN_DIGITS = ['零', '一', '两', '三', '四', '五', '六', '七', '八', '九', '十'];

function cnCount(n: number): string {
  return n >= 0 && n <= 10 ? CN_DIGITS[n]! : String(n);
}

/** '数字和大小写字母', '数字、大写字母和特殊字符' ... (lower+upper are merged into '大小写字母'). */
function joinClasses(classes: readonly CharClass[]): string {
  const set = new Set(classes);
  const names: string[] = [];
  if (set.has('digit')) names.push(CLASS_NAMES.digit);
  if (set.has('lower') && set.has('upper')) names.push('大小写字母');
  else if (set.has('upper')) names.push(CLASS_NAMES.upper);
  else if (set.has('lower')) names.push(CLASS_NAMES.lower);
  if (set.has('special')) names.push(CLASS_NAMES.special);
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join('、')}和${names[names.length - 1]}`;
}

function orderedClasses(classes: readonly CharClass[]): CharClass[] {
  // Seed 003 lists them as 数字、大写、小写、特殊.
  return (['digit', 'upper', 'lower', 'special'] as const).filter((c) => classes.includes(c));
}

function lengthText(rules: PasswordRules): string {
  return rules.minLength === rules.maxLength
    ? `长度为${rules.minLength}个字符`
    : `长度为${rules.minLength}-${rules.maxLength}个字符`;
}

function minClassesText(mc: { count: number; of: CharClass[] }): string {
  const of = orderedClasses(mc.of);
  if (mc.count >= of.length) return `必须同时包含${joinClasses(of)}`;
  return `至少包含${of.map((c) => CLASS_NAMES[c]).join('、')}中的任意${cnCount(mc.count)}种`;
}

function sequentialText(max: number): string {
  const n = max + 1;
  const examples: string[] = [];
  if (n <= 9) examples.push('123456789'.slice(0, n));
  else if (n === 10) examples.push('0123456789');
  if (n <= 26) examples.push('abcdefghijklmnopqrstuvwxyz'.slice(0, n));
  const eg = examples.length > 0 ? `（例如${examples.join('或')}）` : '';
  return `不能包含${n}个及以上连续的数字或字母${eg}`;
}

function repeatedText(max: number): string {
  const n = max + 1;
  const eg = n <= 12 ? `（例如${'2'.repeat(n)}或${'b'.repeat(n)}）` : '';
  return `不能包含${n}个及以上重复的字符${eg}`;
}

const USERNAME_TEXT = '不能包含用户名';
const COMMON_TEXT = '不能使用常见的弱密码';

/** The rules as Chinese sentences for the UI, e.g. ['长度为8-20个字符', '必须同时包含数字和大小写字母', ...]. */
export function describeRules(rules: PasswordRules): string[] {
  const out = [lengthText(rules)];
  if (rules.requiredClasses.length > 0) out.push(`必须同时包含${joinClasses(rules.requiredClasses)}`);
  if (rules.minClasses) out.push(minClassesText(rules.minClasses));
  if (rules.maxSequential !== null) out.push(sequentialText(rules.maxSequential));
  if (rules.maxRepeated !== null) out.push(repeatedText(rules.maxRepeated));
  if (rules.forbidUsername) out.push(USERNAME_TEXT);
  if (rules.forbidCommon) out.push(COMMON_TEXT);
  return out;
}

/**
 * Fixed Chinese message per code, worded for the default (seed) rules where numbers matter.
 * Prefer messageFor(), which uses the actual rules.
 */
export const RULE_MESSAGES: Readonly<Record<string, string>> = Object.freeze({
  TOO_SHORT: '密码长度不足',
  TOO_LONG: '密码长度超出上限',
  MISSING_DIGIT: '必须包含数字',
  MISSING_LOWER: '必须包含小写字母',
  MISSING_UPPER: '必须包含大写字母',
  MISSING_SPECIAL: '必须包含特殊字符',
  MISSING_CLASSES: '至少包含数字、大写字母、小写字母、特殊字符中的任意三种',
  SEQUENTIAL_CHARS: '不能包含4个及以上连续的数字或字母（例如1234或abcd）',
  REPEATED_CHARS: '不能包含4个及以上重复的字符（例如2222或bbbb）',
  CONTAINS_USERNAME: USERNAME_TEXT,
  COMMON_PASSWORD: '该密码过于常见，容易被猜到，请换一个',
});

/** Chinese message for one violation, using the numbers of `rules`. Unknown codes get a generic text. */
export function messageFor(v: RuleViolation, rules: PasswordRules): string {
  switch (v.code) {
    case 'TOO_SHORT':
    case 'TOO_LONG':
      return `密码${lengthText(rules)}`;
    case 'MISSING_CLASSES':
      return rules.minClasses ? `密码${minClassesText(rules.minClasses)}` : RULE_MESSAGES.MISSING_CLASSES;
    case 'SEQUENTIAL_CHARS':
      return rules.maxSequential !== null ? sequentialText(rules.maxSequential) : RULE_MESSAGES.SEQUENTIAL_CHARS;
    case 'REPEATED_CHARS':
      return rules.maxRepeated !== null ? repeatedText(rules.maxRepeated) : RULE_MESSAGES.REPEATED_CHARS;
    default:
      return Object.hasOwn(RULE_MESSAGES, v.code) ? RULE_MESSAGES[v.code]! : '密码不符合强度规则';
  }
}

// ---------------------------------------------------------------------------------------------
// Validation of rules edited by an administrator

const RULE_KEYS = new Set([
  'minLength',
  'maxLength',
  'requiredClasses',
  'minClasses',
  'maxSequential',
  'maxRepeated',
  'forbidUsername',
  'forbidCommon',
]);

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

function isInt(v: unknown, min: number, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}

function isClassList(v: unknown): v is CharClass[] {
  return (
    Array.isArray(v) &&
    v.every((c) => (CHAR_CLASSES as readonly unknown[]).includes(c)) &&
    new Set(v).size === v.length
  );
}

/**
 * Shape and sanity check for rules coming from an admin edit (or the database): exactly the known keys;
 * 1 <= minLength <= maxLength <= 128; class lists of distinct known classes; minClasses.count between 1
 * and minClasses.of.length; maxSequential / maxRepeated null or 2..128 (1 would forbid 'ab' or 'aa'
 * everywhere); and the class requirements must fit within maxLength characters.
 */
export function isValidRules(value: unknown): value is PasswordRules {
  if (!isPlainObject(value)) return false;
  const keys = Object.keys(value);
  if (keys.length !== RULE_KEYS.size || !keys.every((k) => RULE_KEYS.has(k))) return false;

  const { minLength, maxLength, requiredClasses, minClasses, maxSequential, maxRepeated, forbidUsername, forbidCommon } =
    value;
  if (!isInt(minLength, 1, MAX_RULE_LENGTH) || !isInt(maxLength, minLength, MAX_RULE_LENGTH)) return false;
  if (!isClassList(requiredClasses)) return false;

  let needed = requiredClasses.length;
  if (minClasses !== null) {
    if (!isPlainObject(minClasses)) return false;
    const mk = Object.keys(minClasses);
    if (mk.length !== 2 || !mk.includes('count') || !mk.includes('of')) return false;
    const { count, of } = minClasses;
    if (!isClassList(of) || of.length === 0 || !isInt(count, 1, of.length)) return false;
    const alreadyRequired = of.filter((c) => requiredClasses.includes(c)).length;
    needed += Math.max(0, count - alreadyRequired);
  }
  if (needed > maxLength) return false;

  if (maxSequential !== null && !isInt(maxSequential, 2, MAX_RULE_LENGTH)) return false;
  if (maxRepeated !== null && !isInt(maxRepeated, 2, MAX_RULE_LENGTH)) return false;
  if (typeof forbidUsername !== 'boolean' || typeof forbidCommon !== 'boolean') return false;
  return true;
}
