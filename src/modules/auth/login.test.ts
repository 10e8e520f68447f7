import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { asUser, createTestApp, signIn, TEST_ADMIN, volunteerBody, type TestApp } from '../../../test/helper.js';
import { storeCaptcha } from '../captcha/captcha.js';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t.close(); });

async function registered(overrides: Record<string, unknown> = {}) {
  const body = volunteerBody(overrides);
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/volunteers', payload: body });
  assert.equal(res.statusCode, 201, res.body);
  return { ...body, id: res.json().id as string };
}

const login = (payload: Record<string, unknown>, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload, headers });

test('sign in with username, ID-card number (lower-case x too) or phone', async () => {
  const v = await registered();
  for (const identifier of [v.username, v.idNumber, v.idNumber.toLowerCase(), v.phone, ` ${v.username.toUpperCase()} `]) {
    const res = await login({ identifier, password: v.password });
    assert.equal(res.statusCode, 200, `${identifier}: ${res.body}`);
    assert.equal(res.json().account.id, v.id);
    assert.equal(res.json().account.type, 'volunteer');
    assert.equal(res.json().account.realNameStatus, 'pending');
    assert.equal(res.json().account.realNameLevel, 'none');
  }
});

test('the session cookie is HttpOnly and SameSite, and every login gets a new session id', async () => {
  const v = await registered();
  const first = await login({ identifier: v.username, password: v.password });
  const cookie = first.cookies.find((c) => c.name === 'zy_session')!;
  assert.equal(cookie.httpOnly, true);
  assert.equal(cookie.sameSite, 'Lax');
  assert.equal(cookie.path, '/');
  const second = await login({ identifier: v.username, password: v.password }, { cookie: `zy_session=${cookie.value}`, 'x-requested-with': 'zhiyuan-web' });
  const next = second.cookies.find((c) => c.name === 'zy_session')!;
  assert.notEqual(next.value, cookie.value);
  const old = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: `zy_session=${cookie.value}` } });
  assert.equal(old.statusCode, 401, 'the session presented at login was ended');
});

test('unknown identifier and wrong password get the same 401', async () => {
  const v = await registered();
  const wrong = await login({ identifier: v.username, password: 'Wrong12345x' });
  const unknown = await login({ identifier: 'nobody_here', password: 'Wrong12345x' });
  assert.equal(wrong.statusCode, 401);
  assert.equal(unknown.statusCode, 401);
  assert.deepEqual(wrong.json(), unknown.json());
  assert.equal(wrong.json().code, 'INVALID_CREDENTIALS');
});

test('after 5 failures a doubling wait (429 with retryAfter), reset by success', async () => {
  const v = await registered();
  for (let i = 0; i < 4; i++) assert.equal((await login({ identifier: v.username, password: `Bad${i}pass99` })).statusCode, 401);
  assert.equal((await login({ identifier: v.username, password: v.password })).statusCode, 200, 'success resets the count');
  for (let i = 0; i < 5; i++) assert.equal((await login({ identifier: v.username, password: `Bad${i}pass99` })).statusCode, 401);
  const blocked = await login({ identifier: v.username, password: v.password });
  assert.equal(blocked.statusCode, 429);
  assert.equal(blocked.json().code, 'TOO_MANY_ATTEMPTS');
  assert.equal(blocked.json().retryAfter, 30);
  assert.equal(blocked.headers['retry-after'], '30');

  t.clock.advance(31_000);
  assert.equal((await login({ identifier: v.username, password: 'Bad9pass99' })).statusCode, 401);
  const doubled = await login({ identifier: v.username, password: v.password });
  assert.equal(doubled.statusCode, 429);
  assert.equal(doubled.json().retryAfter, 60);

  t.clock.advance(61_000);
  assert.equal((await login({ identifier: v.username, password: v.password })).statusCode, 200);
  assert.equal((await login({ identifier: v.username, password: 'Bad1pass99' })).statusCode, 401, 'count starts again after success');
});

test('the wait is the same for an identifier that names no account', async () => {
  for (let i = 0; i < 5; i++) assert.equal((await login({ identifier: 'ghost_user', password: 'Whatever123' })).statusCode, 401);
  const res = await login({ identifier: 'ghost_user', password: 'Whatever123' });
  assert.equal(res.statusCode, 429);
  assert.equal(res.json().retryAfter, 30);
});

test('the wait is capped: no permanent lock', async () => {
  const v = await registered();
  let retry = 0;
  for (let i = 0; i < 14; i++) {
    const res = await login({ identifier: v.username, password: 'Bad0pass99' });
    if (res.statusCode === 429) {
      retry = res.json().retryAfter;
      t.clock.advance(retry * 1000 + 1000);
    }
  }
  assert.ok(retry > 0 && retry <= 15 * 60, `capped wait, got ${retry}`);
  t.clock.advance(16 * 60_000);
  assert.equal((await login({ identifier: v.username, password: v.password })).statusCode, 200);
});

test('one source address: far more failures before it is slowed (a school behind one address)', async () => {
  const small = await createTestApp({ loginAddressFailureLimit: 10 });
  try {
    for (let i = 0; i < 10; i++) {
      const res = await small.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { identifier: `student_${i}`, password: 'Nope12345x' } });
      assert.equal(res.statusCode, 401);
    }
    const res = await small.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { identifier: 'student_x', password: 'Nope12345x' } });
    assert.equal(res.statusCode, 429);
    assert.ok(res.json().retryAfter > 0);
  } finally {
    await small.close();
  }
});

test('a stored password that no longer meets the policy: 403 PASSWORD_RESET_REQUIRED', async () => {
  const v = await registered({ password: 'Zhiyuan2468' });
  const admin = await signIn(t.app, TEST_ADMIN.username, TEST_ADMIN.password);
  const policy = await t.app.inject({ method: 'GET', url: '/api/v1/password-policy?siteCode=11' });
  const rules = { ...policy.json().rules, minLength: 12 };
  const put = await asUser(t.app, admin.cookie, { method: 'PUT', url: '/api/v1/admin/password-policies/11/volunteer', payload: { rules } });
  assert.equal(put.statusCode, 204, put.body);
  try {
    const res = await login({ identifier: v.username, password: v.password });
    assert.equal(res.statusCode, 403);
    assert.equal(res.json().code, 'PASSWORD_RESET_REQUIRED');
    assert.equal(res.cookies.length, 0, 'no session');
    const other = await t.app.inject({ method: 'GET', url: '/api/v1/password-policy?siteCode=31' });
    assert.equal(other.json().rules.minLength, 8, 'other sites keep the national default');
  } finally {
    await asUser(t.app, admin.cookie, { method: 'PUT', url: '/api/v1/admin/password-policies/11/volunteer', payload: { rules: policy.json().rules } });
  }
});

test('captcha: required when on, one try, five minutes', async () => {
  const withCaptcha = await createTestApp({ captcha: 'image' });
  try {
    const v = volunteerBody();
    const reg = await withCaptcha.app.inject({ method: 'POST', url: '/api/v1/volunteers', payload: v });
    assert.equal(reg.json().code, 'CAPTCHA_INVALID');
    const id = await storeCaptcha(withCaptcha.app.ctx, 'ab3d');
    assert.equal((await withCaptcha.app.inject({ method: 'POST', url: '/api/v1/volunteers', payload: { ...v, captchaId: id, captchaAnswer: 'AB3D' } })).statusCode, 201);

    const once = await storeCaptcha(withCaptcha.app.ctx, 'wxyz');
    const bad = await withCaptcha.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { identifier: v.username, password: v.password, captchaId: once, captchaAnswer: 'nope' } });
    assert.equal(bad.statusCode, 422);
    const retry = await withCaptcha.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { identifier: v.username, password: v.password, captchaId: once, captchaAnswer: 'wxyz' } });
    assert.equal(retry.statusCode, 422, 'a captcha answers once');

    const stale = await storeCaptcha(withCaptcha.app.ctx, 'k7m2');
    withCaptcha.clock.advance(5 * 60_000 + 1000);
    const late = await withCaptcha.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { identifier: v.username, password: v.password, captchaId: stale, captchaAnswer: 'k7m2' } });
    assert.equal(late.statusCode, 422);

    const drawn = await withCaptcha.app.inject({ method: 'POST', url: '/api/v1/captcha' });
    assert.equal(drawn.statusCode, 200);
    assert.match(drawn.json().image, /^data:image\/svg\+xml;base64,/);
    assert.ok(Buffer.from(drawn.json().image.split(',')[1], 'base64').toString().includes('<svg'));
  } finally {
    await withCaptcha.close();
  }
});

test('bearer tokens for apps (tokenMode) need no CSRF header; cookies do for writes', async () => {
  const v = await registered();
  const res = await login({ identifier: v.username, password: v.password, tokenMode: true });
  assert.equal(res.statusCode, 200);
  assert.equal(res.cookies.length, 0);
  const token = res.json().token as string;
  const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });
  assert.equal(me.json().username, v.username);
  const patched = await t.app.inject({ method: 'PATCH', url: '/api/v1/me/profile', headers: { authorization: `Bearer ${token}` }, payload: { basic: { email: 'new@example.com' } } });
  assert.equal(patched.statusCode, 204);

  const { cookie } = await signIn(t.app, v.username, v.password);
  const noHeader = await t.app.inject({ method: 'PATCH', url: '/api/v1/me/profile', headers: { cookie }, payload: { basic: { email: 'x@example.com' } } });
  assert.equal(noHeader.statusCode, 403);
  assert.equal(noHeader.json().code, 'CSRF_REJECTED');
});

test('sign-ins, failures and refusals land in the audit log', async () => {
  const v = await registered();
  await login({ identifier: v.username, password: 'Wrong12345x' });
  await login({ identifier: v.username, password: v.password });
  const rows = await t.app.ctx.db.selectFrom('audit_log').selectAll().where('target_id', '=', v.id).where('action', '=', 'auth.login').orderBy('at').execute();
  assert.deepEqual(rows.map((r) => r.outcome), ['failure', 'success']);
  assert.ok(rows.every((r) => r.ip === '127.0.0.1'));
});

test('sign in with a volunteer number once one is issued', async () => {
  const v = await registered();
  const { claimLookup, lookupKey } = await import('../accounts/lookups.js');
  await claimLookup(t.app.ctx.db, 'volunteer_number', lookupKey(t.app.ctx.cipher, 'volunteer_number', '11010500000123'), v.id);
  const res = await login({ identifier: '11010500000123', password: v.password });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.json().account.id, v.id);
});
