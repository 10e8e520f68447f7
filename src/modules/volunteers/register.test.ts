import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, volunteerBody, type TestApp } from '../../../test/helper.js';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t.close(); });

const register = (payload: Record<string, unknown>) => t.app.inject({ method: 'POST', url: '/api/v1/volunteers', payload });

test('a volunteer registers and gets a pending real-name status', async () => {
  const res = await register(volunteerBody({ username: 'zhang_san' }));
  assert.equal(res.statusCode, 201, res.body);
  const body = res.json();
  assert.equal(body.username, 'zhang_san');
  assert.equal(body.realNameStatus, 'pending');
  assert.equal(body.volunteerNumber, null);
  assert.match(body.id, /^[0-9a-f-]{36}$/);
});

test('ID-card and phone numbers are stored encrypted, masked and hashed for look-up', async () => {
  const input = volunteerBody();
  const res = await register(input);
  assert.equal(res.statusCode, 201, res.body);
  const person = await t.app.ctx.db.selectFrom('people').selectAll().where('account_id', '=', res.json().id).executeTakeFirstOrThrow();
  assert.ok(!person.id_number_enc.includes(input.idNumber as string));
  assert.ok(!String(person.phone_enc).includes(input.phone as string));
  assert.equal(t.app.ctx.cipher.decrypt(person.id_number_enc), input.idNumber);
  assert.equal(person.id_number_masked, `${String(input.idNumber).slice(0, 6)}********${String(input.idNumber).slice(14)}`);
  assert.match(String(person.phone_masked), /^138\*{4}\d{4}$/);
  assert.equal(person.birth_date, `${String(input.idNumber).slice(6, 10)}-${String(input.idNumber).slice(10, 12)}-${String(input.idNumber).slice(12, 14)}`);
  const lookups = await t.app.ctx.db.selectFrom('account_lookups').selectAll().where('account_id', '=', res.json().id).execute();
  assert.deepEqual(lookups.map((l) => l.kind).sort(), ['id_number', 'phone', 'username']);
  assert.ok(lookups.every((l) => !l.lookup.includes(input.idNumber as string) && !l.lookup.includes(input.phone as string)));
});

test('an ID number registers once nationally, whatever the site', async () => {
  const first = volunteerBody();
  assert.equal((await register(first)).statusCode, 201);
  const again = await register(volunteerBody({ idNumber: first.idNumber, siteCode: '31', serviceRegionCode: '310101' }));
  assert.equal(again.statusCode, 409);
  assert.equal(again.json().code, 'ID_NUMBER_REGISTERED');
  assert.match(again.json().title, /找回/);
  assert.match(again.headers['content-type'] as string, /application\/problem\+json/);
});

test('usernames are unique nationally without regard to case', async () => {
  assert.equal((await register(volunteerBody({ username: 'LiSi_01' }))).statusCode, 201);
  const res = await register(volunteerBody({ username: 'lisi_01' }));
  assert.equal(res.statusCode, 409);
  assert.equal(res.json().code, 'USERNAME_TAKEN');
});

test('two parallel registrations with one ID number: exactly one succeeds', async () => {
  const base = volunteerBody();
  const attempts = await Promise.all(
    Array.from({ length: 6 }, (_, i) => register(volunteerBody({ idNumber: base.idNumber, username: `race_${i}_${process.pid}` }))),
  );
  const codes = attempts.map((r) => r.statusCode).sort();
  assert.deepEqual(codes, [201, 409, 409, 409, 409, 409]);
  assert.ok(attempts.filter((r) => r.statusCode === 409).every((r) => r.json().code === 'ID_NUMBER_REGISTERED'));
});

test('bad input is refused with an actionable problem', async () => {
  const cases: [Record<string, unknown>, number, string][] = [
    [{ idNumber: '110105199003071234' }, 422, 'ID_NUMBER_INVALID'],
    [{ password: 'abc' }, 422, 'PASSWORD_POLICY'],
    [{ username: '12345678' }, 422, 'USERNAME_INVALID'],
    [{ username: 'ab' }, 422, 'USERNAME_INVALID'],
    [{ phone: '12345' }, 422, 'PHONE_INVALID'],
    [{ serviceRegionCode: '110000' }, 422, 'REGION_INVALID'],
    [{ serviceRegionCode: '310101' }, 422, 'REGION_INVALID'],
    [{ serviceCategories: ['nonsense'] }, 422, 'CATEGORY_INVALID'],
    [{ siteCode: '99' }, 422, 'SITE_UNKNOWN'],
    [{ email: 'not-an-email' }, 400, 'VALIDATION_FAILED'],
    [{ name: '' }, 400, 'VALIDATION_FAILED'],
    [{ name: '张三3' }, 422, 'NAME_INVALID'],
  ];
  for (const [override, status, code] of cases) {
    const res = await register(volunteerBody(override));
    assert.equal(res.statusCode, status, `${JSON.stringify(override)} → ${res.body}`);
    assert.equal(res.json().code, code);
    assert.match(res.json().title, /[\u4e00-\u9fa5]/, 'title is Chinese');
  }
});

test('the password policy reports every broken rule by code', async () => {
  const res = await register(volunteerBody({ password: 'aaaa1234' }));
  assert.equal(res.statusCode, 422);
  const codes = res.json().errors.map((e: { code: string }) => e.code).sort();
  assert.deepEqual(codes, ['MISSING_UPPER', 'REPEATED_CHARS', 'SEQUENTIAL_CHARS']);
});

test('malformed and hostile bodies get 4xx, never 5xx', async () => {
  const bodies = [
    { payload: '{not json', headers: { 'content-type': 'application/json' } },
    { payload: 'a=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
    { payload: JSON.stringify({ ...volunteerBody(), name: 'x'.repeat(2_000_000) }), headers: { 'content-type': 'application/json' } },
    { payload: JSON.stringify([1, 2, 3]), headers: { 'content-type': 'application/json' } },
    { payload: JSON.stringify({ ...volunteerBody(), serviceCategories: { a: 1 } }), headers: { 'content-type': 'application/json' } },
    { payload: JSON.stringify({ ...volunteerBody(), username: "x'; drop table accounts; --" }), headers: { 'content-type': 'application/json' } },
  ];
  for (const b of bodies) {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/volunteers', ...b });
    assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${res.statusCode} ${res.body.slice(0, 200)}`);
    assert.ok(res.json().code && res.json().title);
  }
});

test('a site that requires a verified phone asks for the SMS code; a good code makes the level basic', async () => {
  const admin = await (await import('../../../test/helper.js')).signIn(t.app, 'sysadmin', 'Adm1n#Zhiyuan');
  const headers = { cookie: admin.cookie, 'x-requested-with': 'zhiyuan-web' };
  const on = await t.app.inject({ method: 'PATCH', url: '/api/v1/admin/sites/11/settings', headers, payload: { requirePhoneVerification: true } });
  assert.equal(on.statusCode, 200, on.body);
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/sites/11/settings' })).json().requirePhoneVerification, true);
  try {
    const body = volunteerBody();
    assert.equal((await register(body)).json().code, 'SMS_CODE_REQUIRED');
    assert.equal((await register({ ...body, smsCode: '000000' })).json().code, 'SMS_CODE_INVALID');
    await t.app.inject({ method: 'POST', url: '/api/v1/sms-codes', payload: { phone: body.phone, purpose: 'register' } });
    const code = (await t.app.inject({ method: 'GET', url: `/api/v1/dev/outbox?to=${body.phone}` })).json().items[0].code;
    const res = await register({ ...body, smsCode: code });
    assert.equal(res.statusCode, 201, res.body);
    const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { identifier: body.username, password: body.password } });
    assert.equal(login.json().account.realNameLevel, 'basic');
  } finally {
    await t.app.inject({ method: 'PATCH', url: '/api/v1/admin/sites/11/settings', headers, payload: { requirePhoneVerification: false } });
  }
  const audit = await t.app.ctx.db.selectFrom('audit_log').select('action').where('action', '=', 'site.settings_update').execute();
  assert.equal(audit.length, 2);
});
