import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, signIn, asUser, type TestApp } from '../../../test/helper.js';
import { seedGroup } from '../../../test/groups.js';
import { contactCode, groupBody, makeCreditCode, registerGroupViaApi } from './test-support.js';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t.close(); });

const register = (payload: Record<string, unknown>, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: '/api/v1/groups', payload, headers });

test('a legal-person group registers with its credit code (lower case accepted): account, look-ups, pending row', async () => {
  const code = makeCreditCode();
  const { body, id } = await registerGroupViaApi(t.app, { legalPerson: true, creditCode: code.toLowerCase() });
  const row = await t.app.ctx.db.selectFrom('groups').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  assert.equal(row.status, 'pending');
  assert.equal(row.level, 'pending');
  assert.equal(row.credit_code, code);
  assert.ok(row.contact_verified_at, 'the SMS code proved the contact phone');
  assert.ok(!row.leader_id_enc.includes(body.leaderIdNumber) && !row.contact_phone_enc.includes(body.contactPhone), 'encrypted');
  const account = await t.app.ctx.db.selectFrom('accounts').selectAll().where('id', '=', row.account_id).executeTakeFirstOrThrow();
  assert.equal(account.type, 'group');
  assert.equal(account.display_name, body.name);
  // Until approved the group may sign in and see its own record.
  const { cookie, body: me } = await signIn(t.app, body.username, body.password);
  assert.equal(me.account.type, 'group');
  assert.equal((await asUser(t.app, cookie, { method: 'GET', url: `/api/v1/groups/${id}` })).json().status, 'pending');
  const log = await t.app.ctx.db.selectFrom('audit_log').selectAll().where('action', '=', 'group.register').where('target_id', '=', id).execute();
  assert.equal(log.length, 1);
});

test('a non-legal-person group registers without a credit code', async () => {
  const { id } = await registerGroupViaApi(t.app);
  const row = await t.app.ctx.db.selectFrom('groups').select(['legal_person', 'credit_code']).where('id', '=', id).executeTakeFirstOrThrow();
  assert.deepEqual(row, { legal_person: false, credit_code: null });
});

test('every refusal has its code and names the field', async () => {
  const liaisonPending = await seedGroup(t.app, { status: 'pending' });
  const otherSite = await seedGroup(t.app, { siteCode: '31', regionCode: '310101' });
  const cases: [Record<string, unknown>, number, string, string][] = [
    [{ siteCode: '99' }, 422, 'SITE_UNKNOWN', 'siteCode'],
    [{ name: ' 一' }, 422, 'NAME_INVALID', 'name'],
    [{ legalPerson: true }, 422, 'CREDIT_CODE_REQUIRED', 'creditCode'],
    [{ legalPerson: true, creditCode: '51110105MJ0123456A' }, 422, 'CREDIT_CODE_INVALID', 'creditCode'],
    [{ legalPerson: true, creditCode: '51110105MI0123456R' }, 422, 'CREDIT_CODE_INVALID', 'creditCode'],
    [{ regionCode: '310101' }, 422, 'REGION_INVALID', 'regionCode'],
    [{ regionCode: '119999' }, 422, 'REGION_INVALID', 'regionCode'],
    [{ serviceCategories: ['flying'] }, 422, 'CATEGORY_INVALID', 'serviceCategories'],
    [{ leaderName: '123' }, 422, 'NAME_INVALID', 'leaderName'],
    [{ leaderIdNumber: '110105199003070001' }, 422, 'ID_NUMBER_INVALID', 'leaderIdNumber'],
    [{ contactPhone: '12345' }, 422, 'PHONE_INVALID', 'contactPhone'],
    [{ email: 'not-an-email' }, 422, 'EMAIL_INVALID', 'email'],
    [{ username: '12345678' }, 422, 'USERNAME_INVALID', 'username'],
    [{ password: 'abc' }, 422, 'PASSWORD_POLICY', 'password'],
    [{ liaisonGroupId: liaisonPending.id }, 422, 'LIAISON_INVALID', 'liaisonGroupId'],
    [{ liaisonGroupId: otherSite.id }, 422, 'LIAISON_INVALID', 'liaisonGroupId'],
    [{ liaisonGroupId: '0190aaaa-0000-7000-8000-000000000000' }, 422, 'LIAISON_INVALID', 'liaisonGroupId'],
  ];
  for (const [overrides, status, code, field] of cases) {
    const res = await register({ ...groupBody(overrides), contactSmsCode: '123456' });
    assert.equal(res.statusCode, status, `${code}: ${res.body}`);
    assert.equal(res.json().code, code);
    if (code !== 'PASSWORD_POLICY') assert.equal(res.json().errors[0].field, field, code);
    assert.match(res.json().title, /[\u4e00-\u9fa5]/);
  }
  const bad = await register({ ...groupBody(), contactSmsCode: '12' });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json().code, 'VALIDATION_FAILED');
});

test('duplicates: username, credit code (national), group name in the site', async () => {
  const code = makeCreditCode();
  const first = await registerGroupViaApi(t.app, { legalPerson: true, creditCode: code });
  const cases: [Record<string, unknown>, string][] = [
    [{ username: first.body.username.toUpperCase() }, 'USERNAME_TAKEN'],
    [{ legalPerson: true, creditCode: code, siteCode: '31', regionCode: '310101' }, 'CREDIT_CODE_REGISTERED'],
    [{ name: first.body.name }, 'GROUP_NAME_TAKEN'],
  ];
  for (const [overrides, expected] of cases) {
    const body = groupBody(overrides);
    const res = await register({ ...body, contactSmsCode: await contactCode(t.app, body.contactPhone) });
    assert.equal(res.statusCode, 409, res.body);
    assert.equal(res.json().code, expected);
  }
  // The same name in another site is another group.
  await registerGroupViaApi(t.app, { name: first.body.name, siteCode: '31', regionCode: '310101' });
});

test('the contact SMS code: wrong, right, then used', async () => {
  const body = groupBody();
  const code = await contactCode(t.app, body.contactPhone);
  const wrong = await register({ ...body, contactSmsCode: code === '000000' ? '111111' : '000000' });
  assert.equal(wrong.statusCode, 422);
  assert.equal(wrong.json().code, 'SMS_CODE_INVALID');
  assert.equal(wrong.json().errors[0].field, 'contactSmsCode');
  assert.equal((await t.app.ctx.db.selectFrom('accounts').select('id').where('username', '=', body.username).execute()).length, 0, 'nothing written');
  const tries = await t.app.ctx.db.selectFrom('sms_codes').select('attempts').orderBy('created_at', 'desc').limit(1).executeTakeFirstOrThrow();
  assert.equal(tries.attempts, 1, 'the wrong try still counts');
  assert.equal((await register({ ...body, contactSmsCode: code })).statusCode, 201);
  const again = await register({ ...groupBody({ contactPhone: body.contactPhone }), contactSmsCode: code });
  assert.equal(again.json().code, 'SMS_CODE_INVALID', 'a code works once');
});

test('parallel registrations with one username or one credit code: exactly one wins', async () => {
  const username = `grp_par${Date.now() % 100000}`;
  const creditCode = makeCreditCode();
  for (const shared of [{ username }, { legalPerson: true, creditCode }]) {
    const bodies = await Promise.all(Array.from({ length: 4 }, async () => {
      const body = groupBody(shared);
      return { ...body, contactSmsCode: await contactCode(t.app, body.contactPhone) };
    }));
    const results = await Promise.all(bodies.map((b) => register(b)));
    const codes = results.map((r) => r.statusCode).sort();
    assert.deepEqual(codes, [201, 409, 409, 409], results.map((r) => r.body).join('\n'));
  }
});

test('sub-groups: only a signed-in group whose level may register sub-groups names itself as parent', async () => {
  const basic = await seedGroup(t.app, { level: 'basic' });
  const intermediate = await seedGroup(t.app, { level: 'intermediate' });
  const body = groupBody({ parentGroupId: intermediate.id });
  body.contactSmsCode = await contactCode(t.app, body.contactPhone);
  assert.equal((await register(body)).statusCode, 401, 'anonymous');
  const refused = await asUser(t.app, await basic.signIn(), { method: 'POST', url: '/api/v1/groups', payload: { ...body, parentGroupId: basic.id } });
  assert.equal(refused.statusCode, 403);
  assert.equal(refused.json().code, 'GROUP_LEVEL_INSUFFICIENT');
  const other = await asUser(t.app, await basic.signIn(), { method: 'POST', url: '/api/v1/groups', payload: body });
  assert.equal(other.statusCode, 404, 'another group as parent');
  const ok = await asUser(t.app, await intermediate.signIn(), { method: 'POST', url: '/api/v1/groups', payload: body });
  assert.equal(ok.statusCode, 201, ok.body);
  const row = await t.app.ctx.db.selectFrom('groups').select('parent_group_id').where('id', '=', ok.json().id).executeTakeFirstOrThrow();
  assert.equal(row.parent_group_id, intermediate.id);
});
