import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { asUser, createTestApp, makeIdNumber, makePhone, outboxFor, signIn, TEST_ADMIN, waitForImport, type TestApp } from '../../../test/helper.js';

let t: TestApp;
let admin: string;
before(async () => {
  t = await createTestApp();
  admin = (await signIn(t.app, TEST_ADMIN.username, TEST_ADMIN.password)).cookie;
});
after(async () => { await t.close(); });

const post = (url: string, payload: Record<string, unknown>) => t.app.inject({ method: 'POST', url: `/api/v1${url}`, payload });

/** Imports one volunteer through the API and returns who they are, with the username the import gave them. */
async function imported(name = '刘洋') {
  const person = { name, idNumber: makeIdNumber(), phone: makePhone() };
  const csv = `姓名,证件号码,手机号,服务区域代码\r\n${person.name},${person.idNumber},${person.phone},110105\r\n`;
  const res = await asUser(t.app, admin, {
    method: 'POST', url: '/api/v1/imports?kind=volunteers&siteCode=11&fileName=one.csv', payload: csv, headers: { 'content-type': 'text/csv' },
  });
  assert.equal(res.statusCode, 202, res.body);
  const { final } = await waitForImport(t.app, admin, res.json().importId);
  assert.equal(final.created, 1, JSON.stringify(final));
  const rows = (await asUser(t.app, admin, { method: 'GET', url: `/api/v1/imports/${final.id}/rows` })).json().items;
  return { ...person, username: rows[0].username as string };
}

test('activation end to end: import → SMS → account + name → code → own password → sign in', async () => {
  const p = await imported();
  const [notice] = await outboxFor(t.app, p.phone);
  assert.equal(notice.subject, '账号激活通知');
  assert.ok(notice.body.includes(p.username));
  assert.equal(new URL(notice.link).searchParams.get('account'), p.username);

  const started = await post('/activation/start', { account: p.username, name: p.name });
  assert.equal(started.statusCode, 202, started.body);
  assert.equal(started.json().sentTo, `${p.phone.slice(0, 3)}****${p.phone.slice(7)}`);
  assert.deepEqual([started.json().accountType, started.json().siteCode], ['volunteer', '11']);
  const [sms] = await outboxFor(t.app, p.phone);
  assert.match(sms.code, /^\d{6}$/);
  assert.match(sms.body, /激活账号/);

  const weak = await post('/activation/complete', { account: p.username, code: sms.code, newPassword: 'abc' });
  assert.equal(weak.statusCode, 422);
  assert.equal(weak.json().code, 'PASSWORD_POLICY');
  assert.equal(weak.json().errors[0].field, 'newPassword');
  const wrong = await post('/activation/complete', { account: p.username, code: sms.code === '000000' ? '111111' : '000000', newPassword: 'Mine2468xy' });
  assert.equal(wrong.json().code, 'SMS_CODE_INVALID');
  const done = await post('/activation/complete', { account: p.username, code: sms.code, newPassword: 'Mine2468xy' });
  assert.equal(done.statusCode, 204, done.body);

  const { body } = await signIn(t.app, p.phone, 'Mine2468xy');
  assert.equal(body.account.username, p.username);
  assert.equal(body.account.realNameLevel, 'basic', 'the phone was proved by the SMS code');
  assert.equal((await post('/activation/complete', { account: p.username, code: sms.code, newPassword: 'Other2468xy' })).statusCode, 422, 'one use');
  assert.equal((await post('/activation/start', { account: p.username, name: p.name })).statusCode, 404, 'an active account needs no activation');
});

test('a wrong name, an unknown account: 404 NO_MATCH and no code', async () => {
  const p = await imported('陈静');
  const wrongName = await post('/activation/start', { account: p.username, name: '陈晶' });
  assert.equal(wrongName.statusCode, 404);
  assert.equal(wrongName.json().code, 'NO_MATCH');
  assert.equal((await post('/activation/start', { account: 'nobody_here', name: '陈静' })).json().code, 'NO_MATCH');
  assert.equal((await outboxFor(t.app, p.phone)).filter((m) => m.code).length, 0);
  // The phone number works as the account too.
  assert.equal((await post('/activation/start', { account: p.phone, name: p.name })).statusCode, 202);
  assert.equal((await post('/activation/complete', { account: p.username, code: '12345', newPassword: 'Mine2468xy' })).statusCode, 400);
});

test('starting activation is throttled per account', async () => {
  const p = await imported('黄磊');
  const codes: number[] = [];
  for (let i = 0; i < 12; i++) codes.push((await post('/activation/start', { account: p.username, name: '不对' })).statusCode);
  assert.deepEqual(codes.slice(-2), [429, 429]);
});
