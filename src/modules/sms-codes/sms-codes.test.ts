import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, makePhone, type TestApp } from '../../../test/helper.js';
import { consumeSmsCode } from './sms-codes.js';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t.close(); });

const send = (phone: string, purpose = 'register', ip?: string) =>
  t.app.inject({ method: 'POST', url: '/api/v1/sms-codes', payload: { phone, purpose }, ...(ip ? { remoteAddress: ip } : {}) });
async function lastCode(phone: string): Promise<string> {
  const res = await t.app.inject({ method: 'GET', url: `/api/v1/dev/outbox?to=${phone}` });
  return res.json().items[0].code;
}

test('a code is 6 digits, sent through the outbox, and works once', async () => {
  const phone = makePhone();
  const res = await send(phone);
  assert.equal(res.statusCode, 202, res.body);
  const code = await lastCode(phone);
  assert.match(code, /^\d{6}$/);
  const stored = await t.app.ctx.db.selectFrom('sms_codes').selectAll().execute();
  assert.ok(stored.every((r) => !r.code_hash.includes(code)), 'only a hash is stored');
  assert.equal(await consumeSmsCode(t.app.ctx, t.app.ctx.db, { phone, purpose: 'contact', code }), false, 'codes are per purpose');
  assert.equal(await consumeSmsCode(t.app.ctx, t.app.ctx.db, { phone, purpose: 'register', code }), true);
  assert.equal(await consumeSmsCode(t.app.ctx, t.app.ctx.db, { phone, purpose: 'register', code }), false, 'one use');
});

test('a code expires after 10 minutes', async () => {
  const phone = makePhone();
  await send(phone);
  const code = await lastCode(phone);
  t.clock.advance(10 * 60_000 + 1000);
  assert.equal(await consumeSmsCode(t.app.ctx, t.app.ctx.db, { phone, purpose: 'register', code }), false);
});

test('five tries, then the code is dead even when right', async () => {
  const phone = makePhone();
  await send(phone);
  const code = await lastCode(phone);
  const wrong = code === '000000' ? '111111' : '000000';
  for (let i = 0; i < 5; i++) assert.equal(await consumeSmsCode(t.app.ctx, t.app.ctx.db, { phone, purpose: 'register', code: wrong }), false);
  assert.equal(await consumeSmsCode(t.app.ctx, t.app.ctx.db, { phone, purpose: 'register', code }), false);
});

test('parallel submissions of one code succeed at most once', async () => {
  const phone = makePhone();
  await send(phone);
  const code = await lastCode(phone);
  const results = await Promise.all(Array.from({ length: 8 }, () => consumeSmsCode(t.app.ctx, t.app.ctx.db, { phone, purpose: 'register', code })));
  assert.equal(results.filter(Boolean).length, 1);
});

test('per number: one send per 60 s (429 TOO_MANY_CODES with retryAfter), ten in 10 minutes', async () => {
  const phone = makePhone();
  assert.equal((await send(phone)).statusCode, 202);
  const again = await send(phone);
  assert.equal(again.statusCode, 429);
  assert.equal(again.json().code, 'TOO_MANY_CODES');
  assert.ok(again.json().retryAfter > 0 && again.json().retryAfter <= 60);
  t.clock.advance(30_000);
  assert.equal((await send(phone)).statusCode, 429);
  for (let i = 1; i < 10; i++) {
    t.clock.advance(i === 1 ? 30_000 : 60_000);
    assert.equal((await send(phone)).statusCode, 202, `send ${i + 1}`);
  }
  const state = await t.app.ctx.db.selectFrom('sms_send_state').selectAll().execute();
  assert.ok(state.some((s) => s.window_count === 10));
});

test('the per-number limit holds under parallel requests', async () => {
  const phone = makePhone();
  const results = await Promise.all(Array.from({ length: 6 }, () => send(phone)));
  assert.deepEqual(results.map((r) => r.statusCode).sort(), [202, 429, 429, 429, 429, 429]);
});

test('per source address: a bound against SMS pumping', async () => {
  const small = await createTestApp({ smsAddressHourlyLimit: 3 });
  try {
    for (let i = 0; i < 3; i++) {
      const res = await small.app.inject({ method: 'POST', url: '/api/v1/sms-codes', payload: { phone: makePhone(), purpose: 'register' } });
      assert.equal(res.statusCode, 202);
    }
    const res = await small.app.inject({ method: 'POST', url: '/api/v1/sms-codes', payload: { phone: makePhone(), purpose: 'register' } });
    assert.equal(res.statusCode, 429);
    assert.equal(res.json().code, 'TOO_MANY_CODES');
  } finally {
    await small.close();
  }
});

test('bad numbers and purposes are refused', async () => {
  assert.equal((await send('12345')).json().code, 'PHONE_INVALID');
  assert.equal((await send(makePhone(), 'steal')).statusCode, 400);
});
