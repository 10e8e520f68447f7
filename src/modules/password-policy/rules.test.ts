import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';

import {
  checkPassword,
  describeRules,
  isValidRules,
  longestRepeatedRun,
  longestSequentialRun,
  messageFor,
  DEFAULT_RULES,
  RULE_CODES,
  RULE_MESSAGES,
  STAFF_RULES,
  VOLUNTEER_RULES,
  type PasswordRules,
} from './rules.js';
import { commonPasswords, isCommonPassword, parseCommonPasswords } from './common-passwords.js';

const codes = (pw: string, rules: PasswordRules, username?: string): string[] =>
  checkPassword(pw, rules, username === undefined ? undefined : { username }).map((v) => v.code);

/** Only the list-independent rules, so that a case tests exactly one thing. */
const noCommon = (rules: PasswordRules): PasswordRules => ({ ...rules, forbidCommon: false });

type Case = [password: string, expected: string[]];

function table(name: string, rules: PasswordRules, cases: Case[], username?: string): void {
  test(name, () => {
    for (const [pw, expected] of cases) {
      assert.deepEqual(codes(pw, rules, username), expected, `password ${JSON.stringify(pw)}`);
    }
  });
}

// A password that passes every volunteer rule; the cases below change one thing at a time.
test('baseline passwords pass', () => {
  assert.deepEqual(checkPassword('Qz7kx2Lp', VOLUNTEER_RULES), []);
  assert.deepEqual(checkPassword('Qz7kx2Lp', STAFF_RULES), []);
  assert.deepEqual(checkPassword('Qz7kx2Lp', VOLUNTEER_RULES, { username: 'zhangsan' }), []);
});

table('volunteer length boundaries 7/8/20/21 (seed 000: 8-20)', VOLUNTEER_RULES, [
  ['Qz7kx2L', ['TOO_SHORT']],
  ['Qz7kx2Lp', []],
  ['Qz7kx2LpWm9rTe4vBn6y', []],
  ['Qz7kx2LpWm9rTe4vBn6yh', ['TOO_LONG']],
]);

table('staff length boundaries 7/8/16/17 (seed 003: 8~16)', STAFF_RULES, [
  ['Qz7kx2L', ['TOO_SHORT']],
  ['Qz7kx2Lp', []],
  ['Qz7kx2LpWm9rTe4v', []],
  ['Qz7kx2LpWm9rTe4vB', ['TOO_LONG']],
]);

test('length counts Unicode code points, not UTF-16 units', () => {
  // 7 ASCII + 1 astral emoji (2 UTF-16 units) = 8 code points.
  assert.deepEqual(codes('Qz7kx2L\u{1F600}', VOLUNTEER_RULES), []);
  // 6 ASCII + 1 emoji = 7 code points although .length is 8.
  assert.equal('Qz7kx2\u{1F600}'.length, 8);
  assert.deepEqual(codes('Qz7kx2\u{1F600}', VOLUNTEER_RULES), ['TOO_SHORT']);
  // Chinese characters count one each and are allowed.
  assert.deepEqual(codes('Qz7志愿服务x', VOLUNTEER_RULES), []);
});

table('volunteer classes: digit, lower and upper all required (seed 000)', noCommon(VOLUNTEER_RULES), [
  ['qz7kx2lp', ['MISSING_UPPER']],
  ['QZ7KX2LP', ['MISSING_LOWER']],
  ['QzckxwLp', ['MISSING_DIGIT']],
  ['qzckxwlp', ['MISSING_DIGIT', 'MISSING_UPPER']],
  ['!@#$%^&*', ['MISSING_DIGIT', 'MISSING_LOWER', 'MISSING_UPPER']],
  ['Qz7kx2L!', []],
]);

table('staff classes: any three of digit/upper/lower/special (seed 003)', noCommon(STAFF_RULES), [
  ['Qz7kx2Lp', []], // digit + upper + lower
  ['qz7kx2l!', []], // digit + lower + special
  ['QZ7KX2L!', []], // digit + upper + special
  ['Qz!kx#Lp', []], // upper + lower + special
  ['Qz7kx2L!', []], // all four
  ['qz7kx2lp', ['MISSING_CLASSES']], // digit + lower
  ['QZ7KX2LP', ['MISSING_CLASSES']], // digit + upper
  ['QzckxwLp', ['MISSING_CLASSES']], // upper + lower
  ['qz!kx#l@', ['MISSING_CLASSES']], // lower + special
  ['79135824', ['MISSING_CLASSES']], // digit only
]);

test('MISSING_CLASSES carries count, classes and how many were found', () => {
  const [v] = checkPassword('qz7kx2lp', STAFF_RULES);
  assert.equal(v?.code, 'MISSING_CLASSES');
  assert.deepEqual(v?.params, { count: 3, of: ['digit', 'upper', 'lower', 'special'], found: 2 });
});

test('non-ASCII characters count as special', () => {
  // upper + lower + Chinese (special): three classes for staff.
  assert.deepEqual(codes('Qz志kx愿Lp', STAFF_RULES), []);
  assert.deepEqual(codes('qz志kx愿lp', STAFF_RULES), ['MISSING_CLASSES']);
  const special: PasswordRules = { ...noCommon(VOLUNTEER_RULES), requiredClasses: ['special'] };
  assert.deepEqual(codes('Qz7kx2Lp', special), ['MISSING_SPECIAL']);
  assert.deepEqual(codes('Qz7kx2L密', special), []);
  assert.deepEqual(codes('Qz7kx2L ', special), []); // space is printable ASCII, not alphanumeric
  assert.deepEqual(codes('Qz7kx2Lé', special), []);
});

table('sequential: seed examples 1234/abcd are refused, runs of 3 allowed', noCommon(VOLUNTEER_RULES), [
  ['Qz1234Lp', ['SEQUENTIAL_CHARS']],
  ['Q7abcdLp', ['SEQUENTIAL_CHARS']],
  ['Qz123xLp', []],
  ['Q7abcxLp', []],
  ['Qz7ABCDp', ['SEQUENTIAL_CHARS']],
  ['Qz7ABCxp', []],
  ['Qz7kx6789', ['SEQUENTIAL_CHARS']],
  ['Qz7wxyz1', ['SEQUENTIAL_CHARS']],
]);

table('sequential: descending runs', noCommon(VOLUNTEER_RULES), [
  ['Qz4321Lp', ['SEQUENTIAL_CHARS']],
  ['Q7dcbaLp', ['SEQUENTIAL_CHARS']],
  ['Qz432xLp', []],
  ['Q7dcbxLp', []],
  ['Qz9876kL', ['SEQUENTIAL_CHARS']],
]);

table('sequential: case-insensitive (DcBa, aBcD)', noCommon(VOLUNTEER_RULES), [
  ['Q7DcBax2', ['SEQUENTIAL_CHARS']],
  ['Q7aBcDx2', ['SEQUENTIAL_CHARS']],
  ['Z7xYzWq2', []], // x y z then W: no run of 4
  ['Q7aBcx2P', []],
]);

table('sequential: digits and letters do not chain, no wrap-around, one direction', noCommon(VOLUNTEER_RULES), [
  ['Qz89abLp', []], // '89' + 'ab', not a run of 4
  ['Qz789aLp', []],
  ['Qz7890Lp', []], // 9 -> 0 is not +1
  ['Qzyzab1P', []], // z -> a is not +1
  ['Qz1212Lp', []], // up/down/up is not a run
  ['Qz12321L', []], // 123 then 321: runs of 3
  ['Qz1-2-3-4L', []], // separated by specials
]);

test('longestSequentialRun', () => {
  const cases: [string, number][] = [
    ['', 0],
    ['!', 0],
    ['a', 1],
    ['1234', 4],
    ['4321', 4],
    ['DcBa', 4],
    ['aBcD', 4],
    ['89ab', 2],
    ['12321', 3],
    ['xabcdefg', 7],
  ];
  for (const [s, n] of cases) assert.equal(longestSequentialRun(s), n, s);
});

table('repeated: seed examples 2222/bbbb refused, 3 allowed', noCommon(VOLUNTEER_RULES), [
  ['Qz2222Lp', ['REPEATED_CHARS']],
  ['Q7bbbbLp', ['REPEATED_CHARS']],
  ['Qz222xLp', []],
  ['Q7bbbxLp', []],
  ['Q7BBBBLp', ['REPEATED_CHARS']],
  ['Qz7!!!!p', ['REPEATED_CHARS']], // applies to every character
  ['Qz7密密密密p', ['REPEATED_CHARS']],
  ['Q7bBbBLp', []], // case-sensitive: alternating b/B is not one repeated character
  ['Q7bb2bbL', []], // interrupted
]);

test('longestRepeatedRun', () => {
  const cases: [string, number][] = [
    ['', 0],
    ['a', 1],
    ['aaa', 3],
    ['aAaA', 1],
    ['xx2222y', 4],
    ['\u{1F600}\u{1F600}', 2],
  ];
  for (const [s, n] of cases) assert.equal(longestRepeatedRun(s), n, s);
});

test('null sequential/repeated limits disable those checks', () => {
  const off: PasswordRules = { ...noCommon(VOLUNTEER_RULES), maxSequential: null, maxRepeated: null };
  assert.deepEqual(codes('Qz1234Lp', off), []);
  assert.deepEqual(codes('Qz2222Lp', off), []);
  const five: PasswordRules = { ...noCommon(VOLUNTEER_RULES), maxSequential: 4, maxRepeated: 4 };
  assert.deepEqual(codes('Qz1234Lp', five), []);
  assert.deepEqual(codes('Qz12345L', five), ['SEQUENTIAL_CHARS']);
  assert.deepEqual(codes('Qz2222Lp', five), []);
  assert.deepEqual(codes('Qz22222L', five), ['REPEATED_CHARS']);
});

table('username containment is case-insensitive', noCommon(VOLUNTEER_RULES), [
  ['Zhangsan7Q', ['CONTAINS_USERNAME']],
  ['Q7ZHANGSANx', ['CONTAINS_USERNAME']],
  ['Q7zHaNgSaN', ['CONTAINS_USERNAME']],
  ['Q7zhangsa9', []],
  ['Qz7kx2Lp', []],
], 'ZhangSan');

test('username: short usernames ignored, no username or rule off means no check', () => {
  const rules = noCommon(VOLUNTEER_RULES);
  assert.deepEqual(codes('Qz7kx2Lp', rules, 'kx'), []); // 2 characters: ignored
  assert.deepEqual(codes('Qz7kx2Lp', rules, 'kx2'), ['CONTAINS_USERNAME']); // 3 characters: checked
  assert.deepEqual(codes('Qz7kx2Lp', rules, ' kx2 '), ['CONTAINS_USERNAME']); // trimmed
  assert.deepEqual(codes('Qz7kx2Lp', rules, ''), []);
  assert.deepEqual(codes('Qz7kx2Lp', rules), []);
  assert.deepEqual(codes('Qz7kx2Lp', { ...rules, forbidUsername: false }, 'kx2'), []);
  assert.deepEqual(codes('Qz7张三x2Lp', rules, '张三'), []); // 2 code points: ignored
  assert.deepEqual(codes('Qz7张三丰2Lp', rules, '张三丰'), ['CONTAINS_USERNAME']);
});

test('common passwords are detected case-insensitively', () => {
  // These pass every other volunteer rule, so only the list stops them.
  for (const pw of ['Passw0rd', 'PassW0rd', 'Woaini1314', 'WoAiNi1314', 'Zaq12wsx', '1Qaz2wsx', 'Qwer1357']) {
    assert.deepEqual(codes(pw, VOLUNTEER_RULES), ['COMMON_PASSWORD'], pw);
  }
  assert.deepEqual(codes('P@ssw0rd', STAFF_RULES), ['COMMON_PASSWORD']);
  assert.deepEqual(codes('Passw0rd', noCommon(VOLUNTEER_RULES)), []);
  assert.deepEqual(codes('Qz7kx2Lp', VOLUNTEER_RULES), []);
});

test('isCommonPassword: well-known and Chinese-user passwords', () => {
  const common = ['123456', 'password', 'qwerty', 'iloveyou', 'woaini1314', '5201314', 'qq123456', 'aa123456',
    'abc123456', 'a123456789', 'PASSWORD', 'WoAiNi1314'];
  for (const pw of common) assert.equal(isCommonPassword(pw), true, pw);
  for (const pw of ['Qz7kx2Lp', 'x7#Kq!2mZr', '']) assert.equal(isCommonPassword(pw), false, pw);
});

test('common-password list: >= 10,000 distinct lowercase entries, header names source and licence', () => {
  const set = commonPasswords();
  assert.ok(set.size >= 10_000, `only ${set.size} entries`);
  const url = new URL('./common-passwords.txt', import.meta.url);
  const text = readFileSync(url, 'utf8');
  const lines = text.split('\n').filter((l) => l !== '');
  assert.ok(lines[0]?.startsWith('#'));
  const header = lines.filter((l) => l.startsWith('#')).join('\n');
  assert.match(header, /@zxcvbn-ts\/language-common/);
  assert.match(header, /MIT/);
  const entries = lines.filter((l) => !l.startsWith('#'));
  assert.equal(entries.length, set.size, 'entries are distinct');
  for (const e of entries) assert.equal(e, e.toLowerCase(), e);
  assert.ok(!set.has(lines[0]!.toLowerCase()), 'header line is not an entry');
  assert.ok(statSync(url).size < 210 * 1024, 'file stays small');
});

test('parseCommonPasswords skips comments and blanks, lowercases, handles CRLF', () => {
  const set = parseCommonPasswords('# header\r\nABC123\r\n\r\n  qwerty  \n#not-a-password\nabc123\n');
  assert.deepEqual([...set].sort(), ['abc123', 'qwerty']);
});

test('every broken rule is reported, not just the first', () => {
  // 'zhangsan' username, all lowercase + '1234' + 'aaaa', 21 characters.
  assert.deepEqual(codes('zhangsan1234aaaaxyqwp', VOLUNTEER_RULES, 'zhangsan'), [
    'TOO_LONG',
    'MISSING_UPPER',
    'SEQUENTIAL_CHARS',
    'REPEATED_CHARS',
    'CONTAINS_USERNAME',
  ]);
  assert.deepEqual(codes('111111', VOLUNTEER_RULES), [
    'TOO_SHORT',
    'MISSING_LOWER',
    'MISSING_UPPER',
    'REPEATED_CHARS',
    'COMMON_PASSWORD',
  ]);
  assert.deepEqual(codes('12345678', STAFF_RULES), ['MISSING_CLASSES', 'SEQUENTIAL_CHARS', 'COMMON_PASSWORD']);
  assert.deepEqual(codes('', VOLUNTEER_RULES), ['TOO_SHORT', 'MISSING_DIGIT', 'MISSING_LOWER', 'MISSING_UPPER']);
});

test('violation params give the limits', () => {
  assert.deepEqual(checkPassword('Qz7', VOLUNTEER_RULES)[0], { code: 'TOO_SHORT', params: { min: 8 } });
  assert.deepEqual(checkPassword('Qz7kx2LpWm9rTe4vBn6yh', VOLUNTEER_RULES)[0], { code: 'TOO_LONG', params: { max: 20 } });
  assert.deepEqual(checkPassword('Qz1234Lp', VOLUNTEER_RULES), [{ code: 'SEQUENTIAL_CHARS', params: { max: 3 } }]);
  assert.deepEqual(checkPassword('Qz2222Lp', VOLUNTEER_RULES), [{ code: 'REPEATED_CHARS', params: { max: 3 } }]);
});

test('default rules follow the seeds', () => {
  assert.deepEqual(
    { ...VOLUNTEER_RULES },
    {
      minLength: 8, maxLength: 20, requiredClasses: ['digit', 'lower', 'upper'], minClasses: null,
      maxSequential: 3, maxRepeated: 3, forbidUsername: true, forbidCommon: true,
    },
  );
  assert.equal(STAFF_RULES.minLength, 8);
  assert.equal(STAFF_RULES.maxLength, 16);
  assert.deepEqual(STAFF_RULES.requiredClasses, []);
  assert.equal(STAFF_RULES.minClasses?.count, 3);
  assert.deepEqual([...(STAFF_RULES.minClasses?.of ?? [])].sort(), ['digit', 'lower', 'special', 'upper']);
  assert.equal(DEFAULT_RULES.volunteer, VOLUNTEER_RULES);
  assert.equal(DEFAULT_RULES.group, VOLUNTEER_RULES);
  assert.equal(DEFAULT_RULES.staff, STAFF_RULES);
  assert.equal(DEFAULT_RULES.admin, STAFF_RULES);
  for (const r of Object.values(DEFAULT_RULES)) assert.equal(isValidRules(r), true);
  assert.throws(() => {
    (VOLUNTEER_RULES as { minLength: number }).minLength = 1;
  }, TypeError);
  assert.throws(() => VOLUNTEER_RULES.requiredClasses.push('special'), TypeError);
});

test('describeRules uses the seed wording', () => {
  assert.deepEqual(describeRules(VOLUNTEER_RULES), [
    '长度为8-20个字符',
    '必须同时包含数字和大小写字母',
    '不能包含4个及以上连续的数字或字母（例如1234或abcd）',
    '不能包含4个及以上重复的字符（例如2222或bbbb）',
    '不能包含用户名',
    '不能使用常见的弱密码',
  ]);
  const staff = describeRules(STAFF_RULES);
  assert.equal(staff[0], '长度为8-16个字符');
  assert.equal(staff[1], '至少包含数字、大写字母、小写字母、特殊字符中的任意三种');
  const custom = describeRules({
    minLength: 10, maxLength: 10, requiredClasses: ['digit', 'special'], minClasses: null,
    maxSequential: 4, maxRepeated: 2, forbidUsername: false, forbidCommon: false,
  });
  assert.deepEqual(custom, [
    '长度为10个字符',
    '必须同时包含数字和特殊字符',
    '不能包含5个及以上连续的数字或字母（例如12345或abcde）',
    '不能包含3个及以上重复的字符（例如222或bbb）',
  ]);
});

test('messages: one per code, and messageFor uses the actual rules', () => {
  for (const code of RULE_CODES) assert.ok(RULE_MESSAGES[code], code);
  assert.equal(RULE_MESSAGES.SEQUENTIAL_CHARS, '不能包含4个及以上连续的数字或字母（例如1234或abcd）');
  assert.equal(messageFor({ code: 'TOO_SHORT', params: { min: 8 } }, STAFF_RULES), '密码长度为8-16个字符');
  assert.equal(messageFor({ code: 'SEQUENTIAL_CHARS' }, VOLUNTEER_RULES), RULE_MESSAGES.SEQUENTIAL_CHARS);
  assert.equal(
    messageFor({ code: 'SEQUENTIAL_CHARS' }, { ...VOLUNTEER_RULES, maxSequential: 5 }),
    '不能包含6个及以上连续的数字或字母（例如123456或abcdef）',
  );
  assert.equal(messageFor({ code: 'MISSING_CLASSES' }, STAFF_RULES), '密码至少包含数字、大写字母、小写字母、特殊字符中的任意三种');
  assert.equal(messageFor({ code: 'MISSING_UPPER' }, VOLUNTEER_RULES), '必须包含大写字母');
  assert.equal(messageFor({ code: 'NO_SUCH_CODE' }, VOLUNTEER_RULES), '密码不符合强度规则');
  assert.equal(messageFor({ code: 'toString' }, VOLUNTEER_RULES), '密码不符合强度规则');
  // Every violation of a bad password gets a specific message.
  for (const v of checkPassword('zhangsan1234aaaa', VOLUNTEER_RULES, { username: 'zhangsan' })) {
    assert.notEqual(messageFor(v, VOLUNTEER_RULES), '密码不符合强度规则', v.code);
  }
});

test('isValidRules accepts sane rules and rejects nonsense', () => {
  const good: PasswordRules = { ...VOLUNTEER_RULES, requiredClasses: [...VOLUNTEER_RULES.requiredClasses] };
  assert.equal(isValidRules(good), true);
  assert.equal(isValidRules(JSON.parse(JSON.stringify(STAFF_RULES))), true);
  assert.equal(isValidRules({ ...good, minLength: 1, maxLength: 128, requiredClasses: [], maxSequential: null, maxRepeated: null }), true);

  const bad: [string, unknown][] = [
    ['null', null],
    ['string', 'rules'],
    ['array', [good]],
    ['empty object', {}],
    ['missing key', (({ forbidCommon: _, ...rest }) => rest)(good)],
    ['extra key', { ...good, maxAge: 90 }],
    ['min 0', { ...good, minLength: 0 }],
    ['min > max', { ...good, minLength: 21, maxLength: 20 }],
    ['max > 128', { ...good, maxLength: 129 }],
    ['fractional', { ...good, minLength: 8.5 }],
    ['NaN', { ...good, maxLength: Number.NaN }],
    ['string number', { ...good, minLength: '8' }],
    ['unknown class', { ...good, requiredClasses: ['digit', 'emoji'] }],
    ['duplicate class', { ...good, requiredClasses: ['digit', 'digit'] }],
    ['classes not array', { ...good, requiredClasses: 'digit' }],
    ['minClasses count 0', { ...STAFF_RULES, minClasses: { count: 0, of: ['digit', 'lower'] } }],
    ['minClasses count > of', { ...STAFF_RULES, minClasses: { count: 3, of: ['digit', 'lower'] } }],
    ['minClasses empty of', { ...STAFF_RULES, minClasses: { count: 0, of: [] } }],
    ['minClasses extra key', { ...STAFF_RULES, minClasses: { count: 3, of: ['digit', 'lower', 'upper'], x: 1 } }],
    ['minClasses not object', { ...STAFF_RULES, minClasses: 3 }],
    ['classes cannot fit', { ...good, minLength: 1, maxLength: 2 }],
    ['maxSequential 1', { ...good, maxSequential: 1 }],
    ['maxSequential negative', { ...good, maxSequential: -3 }],
    ['maxRepeated 0', { ...good, maxRepeated: 0 }],
    ['maxRepeated undefined', { ...good, maxRepeated: undefined }],
    ['forbidUsername not boolean', { ...good, forbidUsername: 'yes' }],
    ['forbidCommon not boolean', { ...good, forbidCommon: 1 }],
  ];
  for (const [name, value] of bad) assert.equal(isValidRules(value), false, name);
});
