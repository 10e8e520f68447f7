import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkDocument, DOCUMENT_REASON_MESSAGES, maskIdNumber, maskPhone, normalizePhone } from './documents.js';

// Check characters below were computed independently (ISO 7064 MOD 11-2) outside this code base.
const TODAY = new Date('2026-11-21T09:30:00+08:00');

function reasonsOf(idNumber: string, today = TODAY): string[] {
  const result = checkDocument('resident_id', idNumber, today);
  return result.ok ? [] : result.reasons;
}

test('valid resident IDs pass with birth date, gender and issue region', () => {
  const result = checkDocument('resident_id', '11010519491231002X', TODAY);
  assert.deepEqual(result, {
    ok: true,
    normalized: '11010519491231002X',
    birthDate: '1949-12-31',
    gender: 'female',
    issueRegionCode: '110105',
    needsManualReview: false,
  });
  const male = checkDocument('resident_id', '  110105199003071239 ', TODAY);
  assert.equal(male.ok, true);
  assert.ok(male.ok);
  assert.equal(male.normalized, '110105199003071239');
  assert.equal(male.gender, 'male');
  assert.equal(male.birthDate, '1990-03-07');
});

test('lower-case x is accepted and normalised to upper case', () => {
  const result = checkDocument('resident_id', '11010519491231002x', TODAY);
  assert.ok(result.ok);
  assert.equal(result.normalized, '11010519491231002X');
});

test('full-width digits are accepted', () => {
  const result = checkDocument('resident_id', '１１０１０５１９９００３０７１２３９', TODAY);
  assert.ok(result.ok);
  assert.equal(result.normalized, '110105199003071239');
});

test('a wrong check character is CHECK_DIGIT', () => {
  assert.deepEqual(reasonsOf('110105194912310021'), ['CHECK_DIGIT']);
  assert.deepEqual(reasonsOf('110105199003071238'), ['CHECK_DIGIT']);
  const result = checkDocument('resident_id', '110105199003071238', TODAY);
  assert.equal(result.ok, false);
  assert.ok(!result.ok);
  assert.equal(result.code, 'ID_NUMBER_INVALID');
});

test('bad length is LENGTH (15-digit first-generation numbers too)', () => {
  assert.deepEqual(reasonsOf('11010519491231002'), ['LENGTH']);
  assert.deepEqual(reasonsOf('110105194912310021X'), ['LENGTH']);
  assert.deepEqual(reasonsOf('110105491231002'), ['LENGTH']);
  assert.deepEqual(reasonsOf(''), ['LENGTH']);
  assert.deepEqual(reasonsOf('1101051949-231002X'), ['CHARACTERS']);
  assert.deepEqual(reasonsOf('11010519491231002XY'), ['LENGTH', 'CHARACTERS']);
});

test('non-digits are CHARACTERS; other fields are still checked', () => {
  assert.deepEqual(reasonsOf('11010519491231002A'), ['CHARACTERS']);
  assert.deepEqual(reasonsOf('1101051949123100X2'), ['CHARACTERS']);
  assert.deepEqual(reasonsOf('ABCDEF19491231002X'), ['CHARACTERS']);
  // X in the body and an impossible birth date: both reported
  assert.deepEqual(reasonsOf('11010519491331X02X'), ['CHARACTERS', 'BIRTH_DATE_INVALID']);
});

test('an unknown region is REGION_UNKNOWN, even with a correct check character', () => {
  assert.deepEqual(reasonsOf('123456199001010011'), ['REGION_UNKNOWN']);
  assert.deepEqual(reasonsOf('000000199001010011'), ['REGION_UNKNOWN', 'CHECK_DIGIT']);
});

test('historical codes stay valid: 110103 崇文区 (merged into 东城区 in 2010)', () => {
  const result = checkDocument('resident_id', '110103198001010013', TODAY);
  assert.ok(result.ok);
  assert.equal(result.issueRegionCode, '110103');
  assert.equal(result.gender, 'male');
});

test('cities without districts issue under the city code (东莞 441900); 省直辖 counties (仙桃 429004)', () => {
  assert.deepEqual(reasonsOf('441900200002294566'), []);
  assert.deepEqual(reasonsOf('429004199510150061'), []);
});

test('港澳居民居住证 numbers (810000) pass but need manual review', () => {
  const result = checkDocument('resident_id', '810000198505050079', TODAY);
  assert.ok(result.ok);
  assert.equal(result.needsManualReview, true);
});

test('Feb 29 is valid in leap years only (2000 yes, 1900 and 2025 no)', () => {
  assert.deepEqual(reasonsOf('110105200002290021'), []);
  assert.deepEqual(reasonsOf('110105202402290046'), []);
  // 1900 is not a leap year (divisible by 100, not by 400)
  assert.deepEqual(reasonsOf('110105190002290033'), ['BIRTH_DATE_INVALID']);
  assert.deepEqual(reasonsOf('441900190002280010'), []);
  // 2025-02-29 with the check character computed for it: only the date is wrong
  assert.deepEqual(reasonsOf('11010520250229' + '004' + checkCharFor('11010520250229004')), ['BIRTH_DATE_INVALID']);
});

test('impossible dates and dates before 1900 are BIRTH_DATE_INVALID', () => {
  assert.deepEqual(reasonsOf('110105189912310015'), ['BIRTH_DATE_INVALID']);
  assert.deepEqual(reasonsOf('11010519491331' + '002' + checkCharFor('11010519491331002')), ['BIRTH_DATE_INVALID']);
  assert.deepEqual(reasonsOf('11010519490431' + '002' + checkCharFor('11010519490431002')), ['BIRTH_DATE_INVALID']);
  assert.deepEqual(reasonsOf('11010519490100' + '002' + checkCharFor('11010519490100002')), ['BIRTH_DATE_INVALID']);
});

test('a birth date after today is BIRTH_DATE_FUTURE; today itself is fine (China time)', () => {
  // born 2026-11-22, checked on 2026-11-21
  assert.deepEqual(reasonsOf('11010520261122' + '005' + checkCharFor('11010520261122005')), ['BIRTH_DATE_FUTURE']);
  assert.deepEqual(reasonsOf('110105202611220052', new Date('2026-11-22T00:30:00+08:00')), []);
  // 2026-11-21T16:30Z is already 2026-11-22 in Beijing
  assert.deepEqual(reasonsOf('110105202611220052', new Date('2026-11-21T16:30:00Z')), []);
  assert.deepEqual(reasonsOf('110105202611220052', new Date('2026-11-21T15:30:00Z')), ['BIRTH_DATE_FUTURE']);
});

test('every applicable reason is reported', () => {
  // unknown region, impossible date, wrong check character
  const body = '12345619900230001';
  const wrong = checkCharFor(body) === '0' ? '1' : '0';
  assert.deepEqual(reasonsOf(body + wrong), ['REGION_UNKNOWN', 'BIRTH_DATE_INVALID', 'CHECK_DIGIT']);
});

test('passports and permits: format only, always manual review', () => {
  for (const [type, value, normalized] of [
    ['passport', 'e12345678', 'E12345678'],
    ['passport', 'G12345678', 'G12345678'],
    ['passport', 'X1234', 'X1234'],
    ['hk_macao_permit', 'C12345678', 'C12345678'],
    ['hk_macao_permit', 'CA1234567', 'CA1234567'],
    ['hk_macao_permit', 'H12345678', 'H12345678'],
    ['hk_macao_permit', 'M1234567801', 'M1234567801'],
    ['taiwan_permit', '12345678', '12345678'],
    ['taiwan_permit', '12345678(B)', '12345678B'],
    ['taiwan_permit', '1234567801', '1234567801'],
  ] as const) {
    const result = checkDocument(type, value, TODAY);
    assert.deepEqual(
      result,
      { ok: true, normalized, birthDate: null, gender: null, issueRegionCode: null, needsManualReview: true },
      `${type} ${value}`,
    );
  }
  const bad = (type: 'passport' | 'hk_macao_permit' | 'taiwan_permit', value: string) => {
    const result = checkDocument(type, value, TODAY);
    return result.ok ? [] : result.reasons;
  };
  assert.deepEqual(bad('passport', 'E123'), ['LENGTH']);
  assert.deepEqual(bad('passport', 'E1234567890123456789'), ['LENGTH']);
  assert.deepEqual(bad('passport', 'E1234-5678'), ['CHARACTERS']);
  assert.deepEqual(bad('hk_macao_permit', 'W12345678'), ['CHARACTERS']);
  assert.deepEqual(bad('hk_macao_permit', 'C1234567'), ['LENGTH']);
  assert.deepEqual(bad('hk_macao_permit', 'H123456789'), ['LENGTH']);
  assert.deepEqual(bad('taiwan_permit', '1234567'), ['LENGTH']);
  assert.deepEqual(bad('taiwan_permit', 'A123456789'), ['CHARACTERS']);
  // 18 characters is too long for a passport
  assert.equal(checkDocument('passport', '110105199003071239', TODAY).ok, false);
});

test('junk never throws', () => {
  for (const value of [undefined, null, 42, {}, [], '   ', '\u0000'] as unknown as string[]) {
    for (const type of ['resident_id', 'passport', 'hk_macao_permit', 'taiwan_permit', 'bogus'] as const) {
      const result = checkDocument(type as 'passport', value, TODAY);
      assert.equal(result.ok, false);
    }
    assert.equal(normalizePhone(value), null);
    assert.equal(typeof maskPhone(value), 'string');
    assert.equal(typeof maskIdNumber(value), 'string');
  }
  assert.equal(checkDocument('resident_id', '11010519491231002X', new Date('nonsense')).ok, true);
});

test('masking ID numbers', () => {
  assert.equal(maskIdNumber('11010519491231002X'), '110105********002X');
  assert.equal(maskIdNumber('E12345678'), 'E1*****78');
  assert.equal(maskIdNumber('H1234567801'), 'H1*******01');
  assert.equal(maskIdNumber('X1234'), 'X***4');
  assert.equal(maskIdNumber('1234'), '****');
  assert.equal(maskIdNumber(''), '');
});

test('masking phone numbers', () => {
  assert.equal(maskPhone('13812345678'), '138****5678');
  assert.equal(maskPhone('+86 138-1234-5678'), '138****5678');
  assert.equal(maskPhone('010-12345678'), '010*****5678');
  assert.equal(maskPhone('12345'), '*****');
});

test('phone normalisation', () => {
  assert.equal(normalizePhone('13812345678'), '13812345678');
  assert.equal(normalizePhone('138 1234 5678'), '13812345678');
  assert.equal(normalizePhone('138-1234-5678'), '13812345678');
  assert.equal(normalizePhone('+86 138 1234 5678'), '13812345678');
  assert.equal(normalizePhone('+86-13812345678'), '13812345678');
  assert.equal(normalizePhone('8613812345678'), '13812345678');
  assert.equal(normalizePhone('008613812345678'), '13812345678');
  assert.equal(normalizePhone('19912345678'), '19912345678');
  assert.equal(normalizePhone('12812345678'), null); // 12x is not a mobile prefix
  assert.equal(normalizePhone('1381234567'), null);
  assert.equal(normalizePhone('138123456789'), null);
  assert.equal(normalizePhone('1381234567a'), null);
  assert.equal(normalizePhone('+1 415 555 0100'), null);
  assert.equal(normalizePhone('010-12345678'), null);
  assert.equal(normalizePhone(''), null);
});

test('every reason has a Chinese message', () => {
  for (const reason of ['LENGTH', 'CHARACTERS', 'REGION_UNKNOWN', 'BIRTH_DATE_INVALID', 'BIRTH_DATE_FUTURE', 'CHECK_DIGIT']) {
    assert.match(DOCUMENT_REASON_MESSAGES[reason] ?? '', /[\u4e00-\u9fa5]/, reason);
  }
  assert.equal(DOCUMENT_REASON_MESSAGES.CHECK_DIGIT, '身份证号码校验位不正确，请核对最后一位');
});

/** Independent reference implementation for building fixtures (not the code under test). */
function checkCharFor(body17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body17].reduce((acc, ch, i) => acc + Number(ch) * weights[i]!, 0);
  return '10X98765432'[sum % 11]!;
}
