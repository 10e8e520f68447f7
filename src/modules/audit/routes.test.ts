import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { asUser, createTestApp, signIn, TEST_ADMIN, volunteerBody, type TestApp } from '../../../test/helper.js';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t.close(); });

test('administrators read the audit log with filters and paging; others may not', async () => {
  const v = volunteerBody();
  await t.app.inject({ method: 'POST', url: '/api/v1/volunteers', payload: v });
  await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { identifier: v.username, password: 'Wrong99999x' } });
  const user = await signIn(t.app, v.username, v.password);
  const admin = await signIn(t.app, TEST_ADMIN.username, TEST_ADMIN.password);

  const denied = await asUser(t.app, user.cookie, { method: 'GET', url: '/api/v1/admin/audit' });
  assert.equal(denied.statusCode, 403);

  const all = await asUser(t.app, admin.cookie, { method: 'GET', url: '/api/v1/admin/audit?pageSize=2' });
  assert.equal(all.statusCode, 200);
  assert.equal(all.json().items.length, 2);
  assert.ok(all.json().total >= 5);
  assert.ok(all.json().items[0].at >= all.json().items[1].at, 'newest first');

  const failures = await asUser(t.app, admin.cookie, { method: 'GET', url: `/api/v1/admin/audit?action=auth.login&outcome=failure&actor=${v.username}` });
  assert.equal(failures.json().total, 1);
  assert.equal(failures.json().items[0].ip, '127.0.0.1');
  assert.equal(failures.json().items[0].detail.reason, 'wrong_password');

  const prefix = await asUser(t.app, admin.cookie, { method: 'GET', url: '/api/v1/admin/audit?action=auth.' });
  assert.ok(prefix.json().items.every((i: { action: string }) => i.action.startsWith('auth.')));
  const page2 = await asUser(t.app, admin.cookie, { method: 'GET', url: '/api/v1/admin/audit?pageSize=2&page=2' });
  assert.notEqual(page2.json().items[0].id, all.json().items[0].id);

  const bootstrap = await asUser(t.app, admin.cookie, { method: 'GET', url: '/api/v1/admin/audit?action=admin.bootstrap' });
  assert.equal(bootstrap.json().total, 1);

  const bad = await asUser(t.app, admin.cookie, { method: 'GET', url: '/api/v1/admin/audit?pageSize=1000' });
  assert.equal(bad.statusCode, 400);
});

test('administrative actions are audited: password policy change', async () => {
  const admin = await signIn(t.app, TEST_ADMIN.username, TEST_ADMIN.password);
  const policy = (await t.app.inject({ method: 'GET', url: '/api/v1/password-policy?siteCode=44&accountType=staff' })).json();
  const nonsense = await asUser(t.app, admin.cookie, { method: 'PUT', url: '/api/v1/admin/password-policies/44/staff', payload: { rules: { ...policy.rules, minLength: 30, maxLength: 10 } } });
  assert.equal(nonsense.statusCode, 422);
  const res = await asUser(t.app, admin.cookie, { method: 'PUT', url: '/api/v1/admin/password-policies/44/staff', payload: { rules: { ...policy.rules, minLength: 10 } } });
  assert.equal(res.statusCode, 204);
  const rows = await asUser(t.app, admin.cookie, { method: 'GET', url: '/api/v1/admin/audit?action=password_policy.update' });
  assert.equal(rows.json().items[0].targetId, '44:staff');
  const check = await t.app.inject({ method: 'POST', url: '/api/v1/password-policy/check', payload: { siteCode: '44', accountType: 'staff', password: 'Ab1!xyzq' } });
  assert.deepEqual(check.json().errors.map((e: { code: string }) => e.code), ['TOO_SHORT']);
});
