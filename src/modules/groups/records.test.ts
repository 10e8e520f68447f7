import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, signIn, asUser, outboxFor, makePhone, makeIdNumber, volunteerBody, TEST_ADMIN, type TestApp } from '../../../test/helper.js';
import { seedGroup } from '../../../test/groups.js';
import { contactCode, registerGroupViaApi } from './test-support.js';

let t: TestApp;
let admin: string;
before(async () => {
  t = await createTestApp();
  admin = (await signIn(t.app, TEST_ADMIN.username, TEST_ADMIN.password)).cookie;
});
after(async () => { await t.close(); });

const post = (url: string, payload: Record<string, unknown>) => t.app.inject({ method: 'POST', url: `/api/v1${url}`, payload });
const detail = (id: string, cookie?: string) =>
  cookie ? asUser(t.app, cookie, { method: 'GET', url: `/api/v1/groups/${id}` }) : t.app.inject({ method: 'GET', url: `/api/v1/groups/${id}` });

test('detail: public side masked; leader, e-mail and review only to the group and its authorities; pending hidden from others', async () => {
  const g = await registerGroupViaApi(t.app, { regionCode: '110105', introduction: undefined });
  const self = (await signIn(t.app, g.body.username, g.body.password)).cookie;
  const vol = volunteerBody();
  assert.equal((await post('/volunteers', vol)).statusCode, 201);
  const volunteer = (await signIn(t.app, vol.username, vol.password)).cookie;
  const advancedOutside = await seedGroup(t.app, { level: 'advanced', jurisdiction: { regions: ['110108'] } });

  assert.equal((await detail(g.id)).statusCode, 404, 'pending: anonymous');
  assert.equal((await detail(g.id, volunteer)).statusCode, 404, 'pending: a volunteer');
  assert.equal((await detail(g.id, await advancedOutside.signIn())).statusCode, 404, 'pending: an authority elsewhere');
  const own = await detail(g.id, self);
  assert.equal(own.statusCode, 200, own.body);
  assert.equal(own.json().leaderName, '王负责');
  assert.equal(own.json().leaderIdNumber, `${g.body.leaderIdNumber.slice(0, 6)}********${g.body.leaderIdNumber.slice(14)}`);
  assert.equal((await detail(g.id, admin)).json().email, g.body.email);

  await asUser(t.app, admin, { method: 'POST', url: `/api/v1/groups/${g.id}/review`, payload: { decision: 'approve' } });
  const pub = await detail(g.id);
  assert.equal(pub.statusCode, 200);
  const view = pub.json();
  assert.equal(view.type, 'non_legal');
  assert.equal(view.regionName, '北京市朝阳区');
  assert.equal(view.contactPhone, `${g.body.contactPhone.slice(0, 3)}****${g.body.contactPhone.slice(7)}`);
  assert.equal(view.level, 'basic');
  assert.equal(view.memberCount, 0);
  assert.equal(view.totalHours, 0);
  for (const hidden of ['leaderName', 'leaderIdNumber', 'email', 'review']) assert.ok(!(hidden in view), hidden);
  assert.ok(!pub.body.includes(g.body.contactPhone) && !pub.body.includes(g.body.leaderIdNumber));
  assert.equal((await detail('0190aaaa-0000-7000-8000-000000000000')).statusCode, 404);
});

test('PATCH by the group: a new contact phone needs a code sent to it; exempt password set and cleared; audited', async () => {
  const g = await seedGroup(t.app, { level: 'basic' });
  const cookie = await g.signIn();
  const patch = (payload: Record<string, unknown>, c = cookie, id = g.id) => asUser(t.app, c, { method: 'PATCH', url: `/api/v1/groups/${id}`, payload });

  assert.equal((await patch({ introduction: '社区助老', serviceCategories: ['elderly_disabled'], exemptPassword: 'join2468' })).statusCode, 204);
  let row = await t.app.ctx.db.selectFrom('groups').selectAll().where('id', '=', g.id).executeTakeFirstOrThrow();
  assert.equal(row.introduction, '社区助老');
  assert.ok(row.exempt_password_hash?.startsWith('$argon2'));
  assert.equal((await patch({ exemptPassword: null })).statusCode, 204);

  const phone = makePhone();
  const noCode = await patch({ contactPhone: phone });
  assert.equal(noCode.statusCode, 422);
  assert.equal(noCode.json().code, 'SMS_CODE_REQUIRED');
  const code = await contactCode(t.app, phone);
  const wrong = await patch({ contactPhone: phone, contactSmsCode: code === '000000' ? '111111' : '000000' });
  assert.equal(wrong.json().code, 'SMS_CODE_INVALID');
  assert.equal((await patch({ contactPhone: g.phone })).statusCode, 204, 'the same phone needs no code');
  assert.equal((await patch({ contactPhone: phone, contactSmsCode: code, contactName: '赵新' })).statusCode, 204);
  row = await t.app.ctx.db.selectFrom('groups').selectAll().where('id', '=', g.id).executeTakeFirstOrThrow();
  assert.equal(t.app.ctx.cipher.decrypt(row.contact_phone_enc), phone);
  assert.equal(row.contact_phone_masked, `${phone.slice(0, 3)}****${phone.slice(7)}`);
  assert.equal(row.exempt_password_hash, null);
  assert.equal((await detail(g.id)).json().contactName, '赵新');

  const other = await seedGroup(t.app, { level: 'basic' });
  assert.equal((await patch({ introduction: 'x' }, await other.signIn())).statusCode, 404, 'another group');
  assert.equal((await patch({ introduction: 'x' }, admin)).statusCode, 404);
  const log = await t.app.ctx.db.selectFrom('audit_log').selectAll().where('action', '=', 'group.edit').where('target_id', '=', g.id).orderBy('id').execute();
  assert.equal(log.length, 4);
  assert.deepEqual((log[3].detail as any).fields.sort(), ['contactName', 'contactPhone']);
  assert.ok(!JSON.stringify(log).includes(phone), 'no phone in the audit log');
});

test('a rejected group edits its record and goes back to review', async () => {
  const g = await registerGroupViaApi(t.app);
  await asUser(t.app, admin, { method: 'POST', url: `/api/v1/groups/${g.id}/review`, payload: { decision: 'reject', reason: '材料不全' } });
  const cookie = (await signIn(t.app, g.body.username, g.body.password)).cookie;
  assert.equal((await asUser(t.app, cookie, { method: 'PATCH', url: `/api/v1/groups/${g.id}`, payload: { introduction: '补充材料' } })).statusCode, 204);
  assert.equal((await detail(g.id, cookie)).json().status, 'pending');
});

test('sign-in refuses a group whose contact phone is unverified until it confirms it by SMS', async () => {
  const g = await seedGroup(t.app, { level: 'basic' });
  await t.app.ctx.db.updateTable('groups').set({ contact_verified_at: null }).where('id', '=', g.id).execute();
  const login = () => post('/auth/login', { identifier: g.username, password: g.password });
  const refused = await login();
  assert.equal(refused.statusCode, 403);
  assert.equal(refused.json().code, 'CONTACT_UNVERIFIED');
  assert.match(refused.json().title, /联系人手机号/);
  const denied = await t.app.ctx.db.selectFrom('audit_log').selectAll().where('action', '=', 'auth.login').where('target_id', '=', g.accountId).execute();
  assert.ok(denied.some((e) => e.outcome === 'denied' && (e.detail as any).reason === 'contact_unverified'));

  const code = await contactCode(t.app, g.phone);
  const otherPhone = makePhone();
  const mismatch = await post('/groups/contact-verification', { username: g.username, contactPhone: otherPhone, smsCode: await contactCode(t.app, otherPhone) });
  assert.equal(mismatch.statusCode, 422);
  assert.equal(mismatch.json().code, 'CONTACT_VERIFICATION_FAILED');
  const wrong = await post('/groups/contact-verification', { username: g.username, contactPhone: g.phone, smsCode: code === '000000' ? '111111' : '000000' });
  assert.equal(wrong.json().code, 'CONTACT_VERIFICATION_FAILED');
  assert.equal((await post('/groups/contact-verification', { username: 'nobody_here', contactPhone: g.phone, smsCode: code })).statusCode, 422);
  const ok = await post('/groups/contact-verification', { username: g.username, contactPhone: g.phone, smsCode: code });
  assert.equal(ok.statusCode, 204, ok.body);
  assert.equal((await login()).statusCode, 200);
});

test('group username recovery: group name + leader name + leader ID number, throttled per ID number', async () => {
  const g = await seedGroup(t.app, { level: 'basic', name: '海淀区阳光志愿服务队' });
  const ok = await post('/recovery/username', { accountType: 'group', groupName: '海淀区阳光志愿服务队', leaderName: '王负责', leaderIdNumber: g.leaderId.toLowerCase() });
  assert.equal(ok.statusCode, 200, ok.body);
  assert.equal(ok.json().username, g.username);
  for (const wrong of [{ groupName: '海淀区月亮志愿服务队' }, { leaderName: '王负' }, { leaderIdNumber: makeIdNumber() }]) {
    const res = await post('/recovery/username', { accountType: 'group', groupName: '海淀区阳光志愿服务队', leaderName: '王负责', leaderIdNumber: g.leaderId, ...wrong });
    assert.equal(res.statusCode, 404);
    assert.equal(res.json().code, 'NO_MATCH');
  }
  const missing = await post('/recovery/username', { accountType: 'group', groupName: 'x' });
  assert.equal(missing.statusCode, 400);
  assert.deepEqual(missing.json().errors.map((e: any) => e.field), ['leaderName', 'leaderIdNumber']);
  const codes = [];
  for (let i = 0; i < 5; i++) codes.push((await post('/recovery/username', { accountType: 'group', groupName: 'x', leaderName: '王负责', leaderIdNumber: g.leaderId })).statusCode);
  assert.deepEqual(codes.slice(-2), [429, 429]);
});

test('group password reset by e-mail (the group e-mail) and by SMS (the contact phone)', async () => {
  const g = await registerGroupViaApi(t.app);
  const wrongAddress = await post('/recovery/password', { username: g.body.username, channel: 'email', email: 'someone@example.com' });
  assert.equal(wrongAddress.statusCode, 202);
  assert.equal((await outboxFor(t.app, 'someone@example.com')).length, 0);
  const res = await post('/recovery/password', { username: g.body.username, channel: 'email', email: g.body.email });
  assert.equal(res.statusCode, 202, res.body);
  const [mail] = await outboxFor(t.app, g.body.email);
  assert.match(mail.code, /^\d{6}$/);
  const reset = await post('/recovery/password/reset', { username: g.body.username, code: mail.code, newPassword: 'Fresh2468Group' });
  assert.equal(reset.statusCode, 204, reset.body);
  assert.equal((await post('/auth/login', { identifier: g.body.username, password: 'Fresh2468Group' })).statusCode, 200);

  t.clock.advance(61_000);
  assert.equal((await post('/recovery/password', { username: g.body.username, channel: 'sms', phone: g.body.contactPhone })).statusCode, 202);
  const [sms] = await outboxFor(t.app, g.body.contactPhone);
  assert.match(sms.body, /密码/);
});
