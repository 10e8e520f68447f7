import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCreditCode, creditCodeCheckChar } from './creditCode.js';

test('check characters of real-world-shaped codes (the GB 32100 example and two enterprise-shaped codes)', () => {
  assert.equal(creditCodeCheckChar('91350100M000100Y4'), '3');
  assert.equal(creditCodeCheckChar('91440300708461136'), 'T');
  assert.equal(creditCodeCheckChar('51110105MJ0123456'), 'R');
  assert.equal(creditCodeCheckChar('52110000500012345'), '3');
  for (const code of ['91350100M000100Y43', '91440300708461136T', '51110105MJ0123456R', '521100005000123453']) {
    assert.deepEqual(checkCreditCode(code), { ok: true, normalized: code });
  }
});

test('lower case and surrounding spaces are accepted and normalised', () => {
  assert.deepEqual(checkCreditCode(' 51110105mj0123456r '), { ok: true, normalized: '51110105MJ0123456R' });
});

test('a check value of 31 becomes 0', () => {
  // Search the 17-character prefixes with a last digit varying until the sum is a multiple of 31.
  const found = [...'0123456789'].map((d) => `5111010500012345${d}`).find((p) => creditCodeCheckChar(p) === '0');
  assert.ok(found, 'some prefix has check 0');
  assert.equal(checkCreditCode(`${found}0`).ok, true);
});

test('refusals: length, characters outside the alphabet, wrong check character', () => {
  assert.deepEqual(checkCreditCode('51110105MJ012345'), { ok: false, problem: 'LENGTH' });
  assert.deepEqual(checkCreditCode(''), { ok: false, problem: 'LENGTH' });
  for (const bad of ['I', 'O', 'Z', 'S', 'V', '-']) {
    assert.deepEqual(checkCreditCode(`51110105M${bad}0123456R`), { ok: false, problem: 'CHARACTERS' }, bad);
  }
  assert.deepEqual(checkCreditCode('51110105MJ0123456A'), { ok: false, problem: 'CHECK_CHAR' });
  assert.deepEqual(checkCreditCode('91350100M000100Y44'), { ok: false, problem: 'CHECK_CHAR' });
});
