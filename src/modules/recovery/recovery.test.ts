import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, signIn, volunteerBody, type TestApp } from '../../../test/helper.js';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t.close(); });

async function registered() {
  const body = volunteerBody();
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/volunteers', payload: body });
  assert.equal(res.statusCode, 201, res.body);
  return body;
}
const post = (url: string, payload: Record<string, unknown>) => t.app.inject({ method: 'POST', url: `/api/v1${url}`, payload });
const outbox = async (to: string) => (await t.app.inject({ method: 'GET', url: `/api/v1/dev/outbox?to=${encodeURIComponent(to)}` })).json().items;

test('username recovery: name + ID number + phone', async () => {
  const v = await registered();
  const ok = await post('/recovery/username', { accountType: 'volunteer', name: v.name, idNumber: v.idNumber, phone: v.phone });
  assert.equal(ok.statusCode, 200, ok.body);
  assert.equal(ok.json().username, v.username);
  for (const wrong of [{ name: '李四' }, { phone: '13900000000' }, { idNumber: volunteerBody().idNumber }]) {
    const res = await post('/recovery/username', { accountType: 'volunteer', name: v.name, idNumber: v.idNumber, phone: v.phone, ...wrong });
    assert.equal(res.statusCode, 404);
    assert.equal(res.json().code, 'NO_MATCH');
  }
});

test('username recovery is throttled per ID number', async () => {
  const v = await registered();
  const codes = [];
  for (let i = 0; i < 7; i++) codes.push((await post('/recovery/username', { accountType: 'volunteer', name: '王五', idNumber: v.idNumber, phone: v.phone })).statusCode);
  assert.deepEqual(codes.slice(-2), [429, 429]);
});

test('password reset by e-mail code: masked destination, 3 hours, one use, every session ends', async () => {
  const v = await registered();
  const { cookie } = await signIn(t.app, v.username, v.password);
  const res = await post('/recovery/password', { username: v.username, channel: 'email', email: v.email.toUpperCase() });
  assert.equal(res.statusCode, 202, res.body);
  assert.match(res.json().sentTo, /^(.\*\*\*.|\*\*\*)@example\.com$/);
  assert.ok(!res.json().sentTo.includes(v.email.split('@')[0]));
  const [mail] = await outbox(v.email);
  assert.equal(mail.channel, 'email');
  assert.match(mail.code, /^\d{6}$/);
  assert.match(mail.body, /3 ?小时/);
  assert.match(mail.link, /^https?:\/\//, 'an absolute link');
  assert.match(mail.link, /\/recover\/reset\?token=/);

  const weak = await post('/recovery/password/reset', { username: v.username, code: mail.code, newPassword: 'abc' });
  assert.equal(weak.json().code, 'PASSWORD_POLICY');
  const wrong = await post('/recovery/password/reset', { username: v.username, code: mail.code === '123456' ? '654321' : '123456', newPassword: 'Fresh2468x' });
  assert.equal(wrong.json().code, 'RECOVERY_CODE_INVALID');
  const ok = await post('/recovery/password/reset', { username: v.username, code: mail.code, newPassword: 'Fresh2468x' });
  assert.equal(ok.statusCode, 204, ok.body);
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } })).statusCode, 401, 'sessions ended');
  assert.equal((await post('/recovery/password/reset', { username: v.username, code: mail.code, newPassword: 'Other2468x' })).statusCode, 422, 'one use');
  assert.equal((await post('/auth/login', { identifier: v.username, password: 'Fresh2468x' })).statusCode, 200);
});

test('password reset by link, and links expire after 3 hours', async () => {
  const v = await registered();
  await post('/recovery/password', { username: v.username, channel: 'email', email: v.email });
  const token = new URL((await outbox(v.email))[0].link, 'http://x').searchParams.get('token');
  assert.equal((await post('/recovery/password/reset', { token, newPassword: 'Linked2468x' })).statusCode, 204);
  assert.equal((await post('/recovery/password/reset', { token, newPassword: 'Linked2468y' })).statusCode, 422);

  t.clock.advance(61_000);
  await post('/recovery/password', { username: v.username, channel: 'email', email: v.email });
  const late = new URL((await outbox(v.email))[0].link, 'http://x').searchParams.get('token');
  t.clock.advance(3 * 3600_000 + 1000);
  assert.equal((await post('/recovery/password/reset', { token: late, newPassword: 'Late2468xyz' })).json().code, 'RECOVERY_CODE_INVALID');
});

test('password reset by SMS', async () => {
  const v = await registered();
  const res = await post('/recovery/password', { username: v.username, channel: 'sms', phone: v.phone });
  assert.equal(res.json().sentTo, `${v.phone.slice(0, 3)}****${v.phone.slice(7)}`);
  const [sms] = await outbox(v.phone);
  assert.equal(sms.channel, 'sms');
  assert.equal((await post('/recovery/password/reset', { username: v.username, code: sms.code, newPassword: 'ViaSms2468x' })).statusCode, 204);
});

test('a wrong address gets the same answer and no message', async () => {
  const v = await registered();
  const res = await post('/recovery/password', { username: v.username, channel: 'email', email: 'someone@else.org' });
  assert.equal(res.statusCode, 202);
  assert.equal(res.json().sentTo, 's***e@else.org');
  assert.equal((await outbox('someone@else.org')).length, 0);
  const unknown = await post('/recovery/password', { username: 'no_such_user', channel: 'email', email: 'someone@else.org' });
  assert.equal(unknown.statusCode, 202);
});

test('parallel resets with one code: exactly one succeeds', async () => {
  const v = await registered();
  await post('/recovery/password', { username: v.username, channel: 'email', email: v.email });
  const [mail] = await outbox(v.email);
  const results = await Promise.all(Array.from({ length: 4 }, (_, i) => post('/recovery/password/reset', { username: v.username, code: mail.code, newPassword: `Paral${i}2468x` })));
  assert.deepEqual(results.map((r) => r.statusCode).sort(), [204, 422, 422, 422]);
});
