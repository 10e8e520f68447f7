import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createTestApp, makePhone, signIn, volunteerBody, type TestApp } from '../../../test/helper.js';
import { TICKET_HEADER } from './tickets.js';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t.close(); });

let ipSerial = 0;
/** Each test speaks from its own address, so the per-address throttle of one test does not touch another. */
const nextIp = () => {
  ipSerial += 1;
  return `10.20.${Math.floor(ipSerial / 200)}.${(ipSerial % 200) + 1}`;
};

type Volunteer = ReturnType<typeof volunteerBody> & { id: string };

async function volunteer(status: 'verified' | 'pending' | 'no_result' | 'failed' = 'verified', overrides: Record<string, unknown> = {}): Promise<Volunteer> {
  const body = volunteerBody(overrides);
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/volunteers', payload: body });
  assert.equal(res.statusCode, 201, res.body);
  const id = res.json().id as string;
  await t.app.ctx.db.updateTable('people').set({ realname_status: status }).where('account_id', '=', id).execute();
  return { ...body, id };
}

const identity = (v: { name: string; idNumber: string }, extra: Record<string, unknown> = {}, ip = nextIp()) =>
  t.app.inject({ method: 'POST', url: '/api/v1/self-service/identity', payload: { name: v.name, idNumber: v.idNumber, ...extra }, remoteAddress: ip });

const call = (path: string, ticket: string | null, payload?: Record<string, unknown>) =>
  t.app.inject({
    method: 'POST', url: `/api/v1/self-service/${path}`,
    headers: ticket ? { [TICKET_HEADER]: ticket } : {},
    ...(payload ? { payload } : {}),
  });

/** A JPEG in the eyes of anyone checking magic bytes (the local-review provider compares nothing). */
const jpeg = (size = 2048) => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(size - 4)]);
const dataUrl = (bytes: Buffer, mime = 'image/jpeg') => `data:${mime};base64,${bytes.toString('base64')}`;

async function faceChecked(v: Volunteer): Promise<string> {
  const opened = await identity(v);
  assert.equal(opened.statusCode, 201, opened.body);
  const ticket = opened.json().ticket as string;
  const face = await call('face', ticket, { photo: dataUrl(jpeg()) });
  assert.equal(face.statusCode, 200, face.body);
  return ticket;
}

const outbox = async (to: string) => (await t.app.inject({ method: 'GET', url: `/api/v1/dev/outbox?to=${encodeURIComponent(to)}` })).json().items as any[];
const login = (identifier: string, password: string) => t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { identifier, password } });

test('identity: only verified volunteers, by exact name and ID number', async () => {
  const pending = await volunteer('pending');
  const refused = await identity(pending);
  assert.equal(refused.statusCode, 403);
  assert.equal(refused.json().code, 'REALNAME_REQUIRED');
  assert.equal(refused.json().title, '未通过实名认证，无法使用自助服务');
  assert.equal((await identity(await volunteer('failed'))).json().code, 'REALNAME_REQUIRED');

  const v = await volunteer();
  const wrongName = await identity({ name: '李四', idNumber: v.idNumber });
  assert.equal(wrongName.statusCode, 404);
  assert.equal(wrongName.json().code, 'NO_MATCH');
  const unknown = await identity({ name: v.name, idNumber: volunteerBody().idNumber });
  assert.equal(unknown.statusCode, 404);
  assert.equal(unknown.json().code, 'NO_MATCH');

  const ok = await identity({ name: ` ${v.name} `, idNumber: v.idNumber.toLowerCase() });
  assert.equal(ok.statusCode, 201, ok.body);
  const body = ok.json();
  assert.ok(body.ticket.length >= 40);
  assert.equal(body.faceChecked, false);
  assert.equal(body.realNameStatus, 'verified');
  assert.equal(new Date(body.expiresAt).getTime() - t.clock.now.getTime() <= 15 * 60_000 + 1000, true);
  const stored = await t.app.ctx.db.selectFrom('self_service_tickets').selectAll().where('account_id', '=', v.id).execute();
  assert.equal(stored.length, 1);
  assert.ok(!JSON.stringify(stored).includes(body.ticket), 'only a hash of the ticket is kept');
});

test('identity is throttled per ID number and per address', async () => {
  const v = await volunteer();
  const codes: number[] = [];
  for (let i = 0; i < 7; i++) codes.push((await identity({ name: '王五', idNumber: v.idNumber })).statusCode);
  assert.deepEqual(codes, [404, 404, 404, 404, 404, 429, 429]);
  const limited = await identity({ name: '王五', idNumber: v.idNumber });
  assert.equal(limited.json().code, 'TOO_MANY_ATTEMPTS');
  assert.ok(limited.json().retryAfter > 0);

  const ip = nextIp();
  const fromOne: number[] = [];
  for (let i = 0; i < 31; i++) fromOne.push((await identity({ name: '赵六', idNumber: volunteerBody().idNumber }, {}, ip)).statusCode);
  assert.equal(fromOne.filter((c) => c === 429).length, 1);
  assert.equal(fromOne[30], 429);
});

test('without a face check the ticket opens nothing; without a ticket nothing at all', async () => {
  const v = await volunteer();
  const { ticket } = (await identity(v)).json();
  for (const [path, payload] of [['account', undefined], ['password', { newPassword: 'Fresh2468x' }], ['username', { username: 'new_name_1' }], ['name', { name: '张四' }], ['contact', { email: 'x@example.org' }]] as const) {
    const res = await call(path, ticket, payload as Record<string, unknown> | undefined);
    assert.equal(res.statusCode, 403, `${path}: ${res.body}`);
    assert.equal(res.json().code, 'FACE_CHECK_REQUIRED');
  }
  assert.equal((await call('account', null)).json().code, 'TICKET_REQUIRED');
  assert.equal((await call('account', 'x'.repeat(43))).json().code, 'TICKET_INVALID');
  assert.equal((await call('account', 'x'.repeat(43))).statusCode, 401);
});

test('tickets expire after 15 minutes', async () => {
  const v = await volunteer();
  const ticket = await faceChecked(v);
  t.clock.advance(14 * 60_000);
  assert.equal((await call('account', ticket)).statusCode, 200);
  t.clock.advance(60_000 + 1000);
  const late = await call('account', ticket);
  assert.equal(late.statusCode, 401);
  assert.equal(late.json().code, 'TICKET_INVALID');
});

test('the whole journey: face (local-review, development), username, password, e-mail, phone, username, name', async () => {
  const v = await volunteer();
  await t.app.ctx.db.updateTable('volunteer_profiles').set({ volunteer_number: '11010500000042' }).where('account_id', '=', v.id).execute();
  const before = await signIn(t.app, v.username, v.password);
  assert.equal(before.body.account.realNameLevel, 'intermediate');

  const { ticket } = (await identity(v)).json();
  const photo = jpeg(4096);
  const face = await call('face', ticket, { photo: dataUrl(photo) });
  assert.equal(face.statusCode, 200, face.body);
  const answer = face.json();
  assert.equal(answer.outcome, 'pass');
  assert.equal(answer.provider, 'local-review');
  assert.equal(answer.autoPassed, true, 'the development pass says so');
  assert.match(answer.message, /开发模式/);
  const check = await t.app.ctx.db.selectFrom('face_checks').selectAll().where('id', '=', answer.checkId).executeTakeFirstOrThrow();
  assert.equal(check.status, 'passed');
  assert.equal(check.provider, 'local-review');
  assert.ok(check.photo_enc && !check.photo_enc.includes(photo.toString('base64').slice(0, 40)), 'the photo is kept, encrypted');
  assert.equal(Buffer.from(t.app.ctx.cipher.decrypt(check.photo_enc), 'base64').equals(photo), true);
  assert.equal((await call('face', ticket, { photo: dataUrl(photo) })).json().code, 'FACE_ALREADY_CHECKED');

  const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: before.cookie } });
  assert.equal(me.json().realNameLevel, 'advanced', 'a passed face check makes the level advanced');

  // 查看用户名
  const account = await call('account', ticket);
  assert.equal(account.statusCode, 200, account.body);
  assert.equal(account.json().username, v.username);
  assert.equal(account.json().volunteerNumber, '11010500000042');
  assert.equal(account.json().maskedPhone, `${v.phone.slice(0, 3)}****${v.phone.slice(7)}`);
  assert.ok(!account.json().maskedEmail.includes(v.email.split('@')[0]));
  assert.equal(account.json().usernameChangeableAt, null);

  // 重置密码: the policy holds, every session ends, the new password signs in.
  const weak = await call('password', ticket, { newPassword: 'abc' });
  assert.equal(weak.statusCode, 422);
  assert.equal(weak.json().code, 'PASSWORD_POLICY');
  assert.equal((await call('password', ticket, { newPassword: 'SelfServ2468x' })).statusCode, 204);
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: before.cookie } })).statusCode, 401, 'old sessions ended');
  assert.equal((await login(v.username, v.password)).statusCode, 401);
  assert.equal((await login(v.username, 'SelfServ2468x')).statusCode, 200);
  const notice = (await outbox(v.email)).find((m) => m.subject.includes('登录密码'));
  assert.ok(notice, 'the registered e-mail is told');

  // 修改邮箱
  const email = await call('contact', ticket, { email: 'New.Address@Example.org' });
  assert.equal(email.statusCode, 200, email.body);
  assert.equal(email.json().maskedEmail, 'n***s@example.org');
  const person = await t.app.ctx.db.selectFrom('people').select(['email']).where('account_id', '=', v.id).executeTakeFirstOrThrow();
  assert.equal(person.email, 'new.address@example.org');
  assert.ok((await outbox(v.email)).some((m) => m.subject.includes('邮箱')), 'the old address is told');

  // 修改手机号: a code sent to the new number, then sign-in by the new number only.
  const newPhone = makePhone();
  const noCode = await call('contact', ticket, { phone: newPhone });
  assert.equal(noCode.json().code, 'SMS_CODE_INVALID');
  assert.equal((await t.app.inject({ method: 'POST', url: '/api/v1/sms-codes', payload: { phone: newPhone, purpose: 'change_phone' } })).statusCode, 202);
  const [sms] = await outbox(newPhone);
  assert.match(sms.body, /更换账号绑定的手机号码/);
  const wrong = await call('contact', ticket, { phone: newPhone, smsCode: sms.code === '000000' ? '111111' : '000000' });
  assert.equal(wrong.statusCode, 422);
  assert.equal(wrong.json().code, 'SMS_CODE_INVALID');
  const phone = await call('contact', ticket, { phone: newPhone, smsCode: sms.code });
  assert.equal(phone.statusCode, 200, phone.body);
  assert.equal(phone.json().maskedPhone, `${newPhone.slice(0, 3)}****${newPhone.slice(7)}`);
  assert.equal((await login(newPhone, 'SelfServ2468x')).statusCode, 200, 'the new number signs in');
  assert.equal((await login(v.phone, 'SelfServ2468x')).statusCode, 401, 'the old number does not');
  const stored = await t.app.ctx.db.selectFrom('people').select(['phone_enc', 'phone_masked', 'phone_verified_at']).where('account_id', '=', v.id).executeTakeFirstOrThrow();
  assert.equal(t.app.ctx.cipher.decrypt(stored.phone_enc!), newPhone);
  assert.ok(stored.phone_verified_at);

  // 修改用户名, once per 180 days.
  const renamed = await call('username', ticket, { username: `Re_${v.username}`.slice(0, 20) });
  assert.equal(renamed.statusCode, 200, renamed.body);
  const newUsername = renamed.json().username as string;
  assert.equal((await login(newUsername.toLowerCase(), 'SelfServ2468x')).statusCode, 200, 'sign-in by the new username (any case)');
  assert.equal((await login(v.username, 'SelfServ2468x')).statusCode, 401, 'the old username is free again');
  const again = await call('username', ticket, { username: `Tw_${v.username}`.slice(0, 20) });
  assert.equal(again.statusCode, 409);
  assert.equal(again.json().code, 'USERNAME_CHANGE_TOO_SOON');
  assert.equal(again.json().changeableAt, renamed.json().usernameChangeableAt);
  assert.match(again.json().title, /180 天内用户名仅允许修改一次，\d{4}-\d{2}-\d{2} 起可再次修改/);

  t.clock.advance(179 * 86_400_000);
  const stillTooSoon = await call('username', await faceChecked(v), { username: `Tw_${v.username}`.slice(0, 20) });
  assert.equal(stillTooSoon.json().code, 'USERNAME_CHANGE_TOO_SOON');
  t.clock.advance(86_400_000 + 1000);
  const later = await faceChecked(v);
  assert.equal((await call('account', later)).json().usernameChangeableAt, null);
  const second = await call('username', later, { username: `Tw_${v.username}`.slice(0, 20) });
  assert.equal(second.statusCode, 200, second.body);

  // 修改姓名: back to pending, the volunteer number stays, the ticket stops.
  assert.equal((await call('name', later, { name: ' 张三 ' })).json().code, 'NAME_UNCHANGED');
  assert.equal((await call('name', later, { name: '<b>' })).json().code, 'NAME_INVALID');
  const name = await call('name', later, { name: '张三丰' });
  assert.equal(name.statusCode, 200, name.body);
  assert.deepEqual(name.json(), { name: '张三丰', realNameStatus: 'pending' });
  const after = await signIn(t.app, newPhone, 'SelfServ2468x');
  assert.equal(after.body.account.name, '张三丰');
  assert.equal(after.body.account.realNameStatus, 'pending');
  assert.equal(after.body.account.volunteerNumber, '11010500000042', 'the volunteer number never changes');
  assert.equal((await call('account', later)).json().code, 'REALNAME_REQUIRED');

  const actions = await t.app.ctx.db.selectFrom('audit_log').select(['action', 'outcome']).where('target_id', '=', v.id).where('action', 'like', 'self_service.%').execute();
  for (const action of ['self_service.identity', 'self_service.face', 'self_service.view', 'self_service.password_reset', 'self_service.contact', 'self_service.username', 'self_service.name']) {
    assert.ok(actions.some((a) => a.action === action && a.outcome === 'success'), action);
  }
  const logs = t.logs.join('\n');
  for (const secret of [ticket, later, sms.code, newPhone, v.idNumber, photo.toString('base64').slice(0, 60)]) assert.ok(!logs.includes(secret), 'nothing secret in the logs');
});

test('a phone held by another account is refused', async () => {
  const a = await volunteer();
  const b = await volunteer();
  const ticket = await faceChecked(a);
  const res = await call('contact', ticket, { phone: b.phone, smsCode: '123456' });
  assert.equal(res.statusCode, 409);
  assert.equal(res.json().code, 'PHONE_REGISTERED');
  assert.equal((await call('contact', ticket, {})).statusCode, 400);
});

test('usernames: rules, taken, and two parallel changes to one name: exactly one wins', async () => {
  const a = await volunteer();
  const b = await volunteer();
  const c = await volunteer();
  const [ta, tb, tc] = [await faceChecked(a), await faceChecked(b), await faceChecked(c)];
  assert.equal((await call('username', ta, { username: '12345678' })).json().code, 'USERNAME_INVALID');
  assert.equal((await call('username', ta, { username: c.username.toUpperCase() })).json().code, 'USERNAME_TAKEN');
  assert.equal((await call('username', ta, { username: a.username })).json().code, 'USERNAME_UNCHANGED');
  const wanted = `race_${process.pid}`.slice(0, 20);
  const results = await Promise.all([call('username', ta, { username: wanted }), call('username', tb, { username: wanted })]);
  assert.deepEqual(results.map((r) => r.statusCode).sort(), [200, 409]);
  assert.equal(results.find((r) => r.statusCode === 409)!.json().code, 'USERNAME_TAKEN');
  const holders = await t.app.ctx.db.selectFrom('accounts').select('id').where('username', '=', wanted).execute();
  assert.equal(holders.length, 1);
  const loser = results[0].statusCode === 409 ? a : b;
  const loserRow = await t.app.ctx.db.selectFrom('accounts').select(['username', 'username_changed_at']).where('id', '=', loser.id).executeTakeFirstOrThrow();
  assert.equal(loserRow.username, loser.username, 'the loser keeps the old name');
  assert.equal(loserRow.username_changed_at, null, 'and may still change it');
  assert.equal((await login(loser.username, loser.password)).statusCode, 200);
  // One account, two parallel changes: the 180-day rule lets one through.
  const twice = await Promise.all([call('username', tc, { username: `one_${process.pid}`.slice(0, 20) }), call('username', tc, { username: `two_${process.pid}`.slice(0, 20) })]);
  assert.deepEqual(twice.map((r) => r.statusCode).sort(), [200, 409]);
});

test('photos: JPEG or PNG by their bytes, at most 2 MB; refusals cost no try', async () => {
  const v = await volunteer();
  const { ticket } = (await identity(v)).json();
  const cases: [unknown, number, string][] = [
    [dataUrl(Buffer.from('GIF89a not a face')), 422, 'PHOTO_INVALID'],
    [Buffer.from('plain text, base64').toString('base64'), 422, 'PHOTO_INVALID'],
    ['data:image/jpeg;base64,@@@notbase64@@@', 422, 'PHOTO_INVALID'],
    [dataUrl(jpeg(), 'image/png'), 422, 'PHOTO_INVALID'],
    ['data:text/html;base64,PGgxPg==', 422, 'PHOTO_INVALID'],
    [dataUrl(jpeg(2 * 1024 * 1024 + 16)), 413, 'PHOTO_TOO_LARGE'],
  ];
  for (const [photo, status, code] of cases) {
    const res = await call('face', ticket, { photo: photo as string });
    assert.equal(res.statusCode, status, `${code}: ${res.body.slice(0, 200)}`);
    assert.equal(res.json().code, code);
  }
  const huge = await t.app.inject({
    method: 'POST', url: '/api/v1/self-service/face', headers: { [TICKET_HEADER]: ticket, 'content-type': 'application/json' },
    payload: JSON.stringify({ photo: 'A'.repeat(7 * 1024 * 1024) }),
  });
  assert.equal(huge.statusCode, 413);
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(500)]);
  const ok = await call('face', ticket, { photo: png.toString('base64') });
  assert.equal(ok.statusCode, 200, ok.body);
  const row = await t.app.ctx.db.selectFrom('self_service_tickets').select('face_attempts').where('account_id', '=', v.id).executeTakeFirstOrThrow();
  assert.equal(row.face_attempts, 1, 'refused photos did not count');
});

test('认证无结果: a face check verifies the person, who may then use self-service', async () => {
  const v = await volunteer('no_result');
  const opened = await identity(v);
  assert.equal(opened.statusCode, 201, opened.body);
  assert.equal(opened.json().realNameStatus, 'no_result');
  const { ticket } = opened.json();
  assert.equal((await call('account', ticket)).json().code, 'REALNAME_REQUIRED', 'only the face check before verification');
  const face = await call('face', ticket, { photo: dataUrl(jpeg()) });
  assert.equal(face.statusCode, 200, face.body);
  assert.equal(face.json().realNameStatus, 'verified');
  const person = await t.app.ctx.db.selectFrom('people').select(['realname_status', 'realname_note', 'face_checked_at']).where('account_id', '=', v.id).executeTakeFirstOrThrow();
  assert.equal(person.realname_status, 'verified');
  assert.equal(person.realname_note, 'self_service_face');
  assert.ok(person.face_checked_at);
  assert.equal((await call('account', ticket)).statusCode, 200);
  const signedIn = await signIn(t.app, v.username, v.password);
  assert.equal(signedIn.body.account.realNameLevel, 'advanced');
});

test('a disabled account cannot use self-service', async () => {
  const v = await volunteer();
  const ticket = await faceChecked(v);
  await t.app.ctx.db.updateTable('accounts').set({ status: 'disabled' }).where('id', '=', v.id).execute();
  assert.equal((await identity(v)).json().code, 'ACCOUNT_DISABLED');
  assert.equal((await call('account', ticket)).json().code, 'TICKET_INVALID');
});
