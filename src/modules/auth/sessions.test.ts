import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { asUser, createTestApp, signIn, volunteerBody, type TestApp } from '../../../test/helper.js';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t.close(); });

async function registered() {
  const body = volunteerBody();
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/volunteers', payload: body });
  assert.equal(res.statusCode, 201, res.body);
  return body;
}
const me = (cookie: string) => t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } });

test('idle timeout: 30 minutes without a request ends the session; activity keeps it alive', async () => {
  const v = await registered();
  const { cookie } = await signIn(t.app, v.username, v.password);
  t.clock.advance(20 * 60_000);
  assert.equal((await me(cookie)).statusCode, 200);
  t.clock.advance(20 * 60_000);
  assert.equal((await me(cookie)).statusCode, 200, 'the request 20 minutes ago moved the idle deadline');
  t.clock.advance(31 * 60_000);
  assert.equal((await me(cookie)).statusCode, 401);
});

test('absolute timeout: 12 hours however active', async () => {
  const v = await registered();
  const { cookie } = await signIn(t.app, v.username, v.password);
  for (let i = 0; i < 25; i++) {
    t.clock.advance(29 * 60_000);
    const res = await me(cookie);
    if (i < 24) assert.equal(res.statusCode, 200, `at ${(i + 1) * 29} minutes`);
    else assert.equal(res.statusCode, 401, 'past 12 hours');
  }
});

test('list and end my own sessions; not someone else\'s', async () => {
  const v = await registered();
  const a = await signIn(t.app, v.username, v.password);
  const b = await signIn(t.app, v.username, v.password);
  const list = await asUser(t.app, a.cookie, { method: 'GET', url: '/api/v1/me/sessions' });
  assert.equal(list.statusCode, 200);
  assert.equal(list.json().total, 2);
  const current = list.json().items.find((s: { current: boolean }) => s.current);
  const other = list.json().items.find((s: { current: boolean }) => !s.current);
  assert.ok(current && other);

  const stranger = await registered();
  const s = await signIn(t.app, stranger.username, stranger.password);
  const denied = await asUser(t.app, s.cookie, { method: 'DELETE', url: `/api/v1/me/sessions/${other.id}` });
  assert.equal(denied.statusCode, 404);
  assert.equal((await me(b.cookie)).statusCode, 200);

  const ended = await asUser(t.app, a.cookie, { method: 'DELETE', url: `/api/v1/me/sessions/${other.id}` });
  assert.equal(ended.statusCode, 204);
  assert.equal((await me(b.cookie)).statusCode, 401);
  assert.equal((await me(a.cookie)).statusCode, 200);
});

test('logout ends the session and clears the cookie', async () => {
  const v = await registered();
  const { cookie } = await signIn(t.app, v.username, v.password);
  const res = await asUser(t.app, cookie, { method: 'POST', url: '/api/v1/auth/logout' });
  assert.equal(res.statusCode, 204);
  assert.equal(res.cookies.find((c) => c.name === 'zy_session')?.value, '');
  assert.equal((await me(cookie)).statusCode, 401);
});

test('password change: old password checked, policy enforced, every other session ends', async () => {
  const v = await registered();
  const a = await signIn(t.app, v.username, v.password);
  const b = await signIn(t.app, v.username, v.password);
  const token = (await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { identifier: v.username, password: v.password, tokenMode: true } })).json().token;

  const wrongOld = await asUser(t.app, a.cookie, { method: 'POST', url: '/api/v1/me/password', payload: { oldPassword: 'Nope12345x', newPassword: 'Better2579x' } });
  assert.equal(wrongOld.statusCode, 422);
  assert.equal(wrongOld.json().code, 'OLD_PASSWORD_WRONG');

  const weak = await asUser(t.app, a.cookie, { method: 'POST', url: '/api/v1/me/password', payload: { oldPassword: v.password, newPassword: 'abcd' } });
  assert.equal(weak.statusCode, 422);
  assert.equal(weak.json().code, 'PASSWORD_POLICY');
  assert.ok(weak.json().errors.some((e: { code: string; field: string }) => e.code === 'TOO_SHORT' && e.field === 'newPassword'));

  const ok = await asUser(t.app, a.cookie, { method: 'POST', url: '/api/v1/me/password', payload: { oldPassword: v.password, newPassword: 'Better2579x' } });
  assert.equal(ok.statusCode, 204, ok.body);
  assert.equal((await me(a.cookie)).statusCode, 200, 'the session that changed it stays');
  assert.equal((await me(b.cookie)).statusCode, 401);
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } })).statusCode, 401);

  assert.equal((await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { identifier: v.username, password: v.password } })).statusCode, 401);
  assert.equal((await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { identifier: v.username, password: 'Better2579x' } })).statusCode, 200);
  const audit = await t.app.ctx.db.selectFrom('audit_log').select(['outcome']).where('action', '=', 'auth.password_change').where('actor_username', '=', v.username).execute();
  assert.deepEqual(audit.map((r) => r.outcome).sort(), ['failure', 'success']);
});

test('routes that need a session answer 401 without one', async () => {
  for (const [method, url] of [['GET', '/api/v1/me'], ['GET', '/api/v1/me/profile'], ['GET', '/api/v1/me/sessions'], ['POST', '/api/v1/me/password'], ['GET', '/api/v1/admin/audit']] as const) {
    const res = await t.app.inject({ method, url, payload: method === 'POST' ? { oldPassword: 'a', newPassword: 'b' } : undefined });
    assert.equal(res.statusCode, 401, `${method} ${url}`);
    assert.equal(res.json().code, 'UNAUTHENTICATED');
  }
  const forged = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: 'zy_session=forged-token-value-that-is-long-enough' } });
  assert.equal(forged.statusCode, 401);
});
