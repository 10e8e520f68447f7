import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, TEST_ADMIN, volunteerBody } from './helper.js';
import { storeCaptcha } from '../src/modules/captcha/captcha.js';

test('no ID-card number, phone number, password, code or token is ever written to the logs', async () => {
  const t = await createTestApp({ captcha: 'image', logLevel: 'trace' });
  try {
    const v = volunteerBody({ password: 'Secret2468x' });
    const captchaAnswer = 'q7w8';
    const reg = await t.app.inject({ method: 'POST', url: '/api/v1/volunteers', payload: { ...v, captchaId: await storeCaptcha(t.app.ctx, captchaAnswer), captchaAnswer } });
    assert.equal(reg.statusCode, 201, reg.body);
    const failed = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { identifier: v.idNumber, password: 'WrongPass999', captchaId: await storeCaptcha(t.app.ctx, 'zz99'), captchaAnswer: 'zz99' } });
    assert.equal(failed.statusCode, 401);
    const ok = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { identifier: v.phone, password: v.password, tokenMode: true, captchaId: await storeCaptcha(t.app.ctx, 'kk88'), captchaAnswer: 'kk88' } });
    assert.equal(ok.statusCode, 200, ok.body);
    const token = ok.json().token as string;
    await t.app.inject({ method: 'GET', url: '/api/v1/me/profile', headers: { authorization: `Bearer ${token}` } });
    await t.app.inject({ method: 'POST', url: '/api/v1/me/password', headers: { authorization: `Bearer ${token}` }, payload: { oldPassword: v.password, newPassword: 'Another1357y' } });
    await t.app.inject({ method: 'GET', url: `/api/v1/regions?parent=${v.idNumber}` });
    await t.app.inject({ method: 'GET', url: `/api/v1/no-such-page?phone=${v.phone}&token=${token}` });
    const adminLogin = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { identifier: TEST_ADMIN.username, password: TEST_ADMIN.password, captchaId: await storeCaptcha(t.app.ctx, 'aa11'), captchaAnswer: 'aa11' } });
    const adminCookie = adminLogin.cookies.find((c) => c.name === 'zy_session')!.value;
    await t.app.inject({ method: 'GET', url: '/api/v1/admin/audit', headers: { cookie: `zy_session=${adminCookie}` } });

    const text = t.logs.join('\n');
    assert.ok(t.logs.length > 10, 'the app did log');
    for (const secret of [v.idNumber, v.phone, v.password, 'WrongPass999', 'Another1357y', captchaAnswer, token, adminCookie, TEST_ADMIN.password]) {
      assert.ok(!text.includes(secret), `log contains a secret: ${secret.slice(0, 3)}…`);
    }
  } finally {
    await t.close();
  }
});
