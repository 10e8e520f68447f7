import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, makePhone, type TestApp } from '../../../test/helper.js';
import { enqueueMessage } from '../../platform/outbox/outbox.js';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t.close(); });

const outbox = (to?: string) =>
  t.app.inject({ method: 'GET', url: `/api/v1/dev/outbox${to === undefined ? '' : `?to=${encodeURIComponent(to)}`}` });

test('GET /dev/outbox lists the messages to an address, newest first, decrypted, per api.md', async () => {
  const email = `Dev.Reader.${process.pid}@Example.com`;
  await enqueueMessage(t.app.ctx.db, t.app.ctx, { channel: 'email', to: email, template: 'username_reminder', params: { username: 'first_user' } });
  t.clock.advance(1000);
  await enqueueMessage(t.app.ctx.db, t.app.ctx, {
    channel: 'email', to: email, template: 'password_reset',
    params: { username: 'first_user', code: '314159', link: 'https://zhiyuan.test/recover?token=t1', hours: 3 },
  });
  await enqueueMessage(t.app.ctx.db, t.app.ctx, { channel: 'email', to: 'someone.else@example.com', template: 'username_reminder', params: { username: 'other' } });
  await t.deliverOutbox();

  const res = await outbox(email.toLowerCase());
  assert.equal(res.statusCode, 200, res.body);
  const { items } = res.json();
  assert.equal(items.length, 2);
  assert.deepEqual(Object.keys(items[0]).sort(), ['body', 'channel', 'code', 'link', 'sentAt', 'subject', 'to']);
  assert.equal(items[0].channel, 'email');
  assert.equal(items[0].to, email.toLowerCase());
  assert.equal(items[0].subject, '取回密码通知');
  assert.equal(items[0].code, '314159');
  assert.equal(items[0].link, 'https://zhiyuan.test/recover?token=t1');
  assert.match(items[0].body, /314159/);
  assert.equal(items[1].subject, '找回用户名通知', 'newest first');
  assert.ok(!Number.isNaN(Date.parse(items[0].sentAt)));
  assert.equal(items[1].code, null);
  assert.equal(items[1].link, null);
  assert.deepEqual((await outbox(email)).json(), res.json(), 'the address in any case');
});

test('SMS by phone number in any usual form; undelivered messages are listed too', async () => {
  const phone = makePhone();
  await enqueueMessage(t.app.ctx.db, t.app.ctx, { channel: 'sms', to: phone, template: 'verification_code', params: { code: '271828', purpose: 'register', minutes: 10 } });
  for (const form of [phone, `+86${phone}`, `${phone.slice(0, 3)} ${phone.slice(3, 7)} ${phone.slice(7)}`]) {
    const res = await outbox(form);
    assert.equal(res.statusCode, 200);
    const [item] = res.json().items;
    assert.equal(item.channel, 'sms');
    assert.equal(item.to, phone);
    assert.equal(item.code, '271828');
    assert.equal(item.subject, '短信验证码');
    assert.match(item.body, /您正在注册成为志愿者，验证码为 271828/);
  }
  assert.deepEqual((await outbox(makePhone())).json(), { items: [] });
  assert.deepEqual((await outbox('not a number')).json(), { items: [] });
});

test('`to` is required', async () => {
  const res = await outbox();
  assert.equal(res.statusCode, 400);
  assert.equal(res.json().code, 'VALIDATION_FAILED');
});

test('in production the path does not exist (404 problem+json)', async () => {
  const prod = await createTestApp({ production: true });
  try {
    const res = await prod.app.inject({ method: 'GET', url: '/api/v1/dev/outbox?to=a@example.com' });
    assert.equal(res.statusCode, 404);
    assert.match(res.headers['content-type'] as string, /application\/problem\+json/);
    assert.equal(res.json().code, 'NOT_FOUND');
  } finally {
    await prod.close();
  }
});
