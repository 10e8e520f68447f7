import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { asUser, createTestApp, signIn, TEST_ADMIN, volunteerBody, type TestApp } from '../../../test/helper.js';

/** Manual review: the queue for reviewers (masked numbers) and the decision, admin only and audited. */

let t: TestApp;
let admin: string;
before(async () => {
  t = await createTestApp();
  admin = (await signIn(t.app, TEST_ADMIN.username, TEST_ADMIN.password)).cookie;
});
after(async () => { await t.close(); });

async function register(overrides: Record<string, unknown> = {}) {
  const body = volunteerBody(overrides);
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/volunteers', payload: body });
  assert.equal(res.statusCode, 201, res.body);
  const { cookie } = await signIn(t.app, body.username, body.password);
  return { body, cookie, id: res.json().id as string };
}

const review = (cookie: string, id: string, payload: Record<string, unknown>) => asUser(t.app, cookie, { method: 'POST', url: `/api/v1/admin/realname/${id}`, payload });
const list = (cookie: string, query = '') => asUser(t.app, cookie, { method: 'GET', url: `/api/v1/admin/realname${query}` });

test('the review queue lists people to review with masked numbers; passports are flagged for manual review', async () => {
  const passport = await register({ idType: 'passport', idNumber: 'G87654321', name: 'John Smith' });
  const resident = await register();
  await t.runRealname();
  const res = await list(admin, '?status=pending&pageSize=100');
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json();
  const item = body.items.find((i: any) => i.accountId === passport.id);
  assert.ok(item, 'the passport holder is listed');
  assert.equal(item.idNumberMasked, 'G8*****21');
  assert.match(item.phoneMasked, /^\d{3}\*{4}\d{4}$/);
  assert.equal(item.note, 'manual_review');
  assert.equal(item.needsManualReview, true);
  assert.ok(!res.body.includes('G87654321') && !res.body.includes(passport.body.phone), 'no whole numbers in the list');
  const noResult = (await list(admin, '?status=no_result')).json();
  assert.ok(noResult.items.some((i: any) => i.accountId === resident.id && i.needsManualReview), 'the demo registry does not hold the test number');
  assert.ok(!JSON.stringify(noResult).includes(resident.body.idNumber));
  assert.equal((await list(admin, '?status=verified')).statusCode, 400);
  assert.deepEqual(Object.keys(body).sort(), ['items', 'page', 'pageSize', 'total']);
});

test('a reviewer verifies a passport holder: a number is issued, the person is told, the decision is audited', async () => {
  const v = await register({ idType: 'passport', idNumber: 'E11223344', name: 'Anna Müller', serviceRegionCode: '110101' });
  await t.runRealname();
  const res = await review(admin, v.id, { result: 'verified', reason: '核对护照原件一致' });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.json().realNameStatus, 'verified');
  assert.match(res.json().volunteerNumber, /^110101\d{8}$/);
  const me = (await asUser(t.app, v.cookie, { method: 'GET', url: '/api/v1/me' })).json();
  assert.equal(me.realNameStatus, 'verified');
  assert.equal(me.volunteerNumber, res.json().volunteerNumber);
  const audit = await t.app.ctx.db.selectFrom('audit_log').selectAll().where('target_id', '=', v.id).where('action', '=', 'realname.result').executeTakeFirstOrThrow();
  assert.equal(audit.actor_username, TEST_ADMIN.username);
  assert.equal((audit.detail as any).source, 'manual');
  assert.equal((audit.detail as any).previousStatus, 'pending');
  assert.equal((audit.detail as any).reason, '核对护照原件一致');
  const sms = (await t.app.inject({ method: 'GET', url: `/api/v1/dev/outbox?to=${v.body.phone}` })).json().items;
  assert.ok(sms[0].body.includes(me.volunteerNumber));

  const again = await review(admin, v.id, { result: 'failed' });
  assert.equal(again.statusCode, 409);
  assert.equal(again.json().code, 'REALNAME_ALREADY_VERIFIED');
});

test('a reviewer fails someone with a reason; the person may correct and is checked again', async () => {
  const v = await register({ idType: 'taiwan_permit', idNumber: '12345678' });
  const res = await review(admin, v.id, { result: 'failed', reason: '证件照片与姓名不符' });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.json().volunteerNumber, null);
  const sms = (await t.app.inject({ method: 'GET', url: `/api/v1/dev/outbox?to=${v.body.phone}` })).json().items;
  assert.ok(sms[0].body.includes('证件照片与姓名不符'));
  const fix = await asUser(t.app, v.cookie, { method: 'PATCH', url: '/api/v1/me/profile', payload: { identity: { name: '林小美' } } });
  assert.equal(fix.statusCode, 204, fix.body);
  assert.equal((await asUser(t.app, v.cookie, { method: 'GET', url: '/api/v1/me' })).json().realNameStatus, 'pending');
});

test('only system administrators review: a volunteer gets 403 (audited as denied), unknown ids 404, bad input 400', async () => {
  const v = await register();
  const other = await register();
  const denied = await review(v.cookie, other.id, { result: 'verified' });
  assert.equal(denied.statusCode, 403);
  const audit = await t.app.ctx.db.selectFrom('audit_log').selectAll().where('target_id', '=', other.id).where('action', '=', 'realname.result').execute();
  assert.deepEqual(audit.map((a) => [a.outcome, a.actor_id]), [['denied', v.id]]);
  assert.equal((await list(v.cookie)).statusCode, 403);
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/admin/realname' })).statusCode, 401);
  assert.equal((await asUser(t.app, '', { method: 'POST', url: `/api/v1/admin/realname/${other.id}`, payload: { result: 'verified' } })).statusCode, 401);
  assert.equal((await asUser(t.app, v.cookie, { method: 'GET', url: '/api/v1/me' })).json().realNameStatus, 'pending');

  const unknown = await review(admin, '01890000-0000-7000-8000-000000000000', { result: 'verified' });
  assert.equal(unknown.statusCode, 404);
  assert.equal(unknown.json().code, 'NOT_FOUND');
  assert.equal((await review(admin, 'not-a-uuid', { result: 'verified' })).statusCode, 400);
  assert.equal((await review(admin, other.id, { result: 'maybe' })).statusCode, 400);
  assert.equal((await review(admin, other.id, { result: 'failed', reason: 'x'.repeat(201) })).statusCode, 400);
});
