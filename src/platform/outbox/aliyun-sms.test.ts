import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, makePhone, type TestApp } from '../../../test/helper.js';
import { startFakeAliyunSms, type FakeAliyunSms } from './aliyun-sms-fake.js';
import { canonicalQuery, createAliyunSmsTransport, percentEncode, rpcSignature } from './aliyun-sms.js';
import { enqueueMessage } from './outbox.js';
import { renderTemplate } from './templates.js';
import type { OutgoingMessage } from './delivery.js';

/** The Alibaba Cloud SendSms adapter against a local fake of the API that checks signatures like the vendor. */

let fake: FakeAliyunSms;
let t: TestApp;
const CODES = { verification_code: 'SMS_100001', 'verification_code.recovery': 'SMS_100002', password_reset: 'SMS_100003' };

before(async () => {
  fake = await startFakeAliyunSms();
  t = await createTestApp({
    smsGatewayUrl: fake.url,
    smsAccessKeyId: fake.accessKeyId,
    smsAccessKeySecret: fake.accessKeySecret,
    smsSignName: '志愿服务',
    smsTemplateCodes: CODES,
  });
});
after(async () => {
  await t.close();
  await fake.close();
});

const transport = (secret = fake.accessKeySecret, templateCodes: Record<string, string> = CODES) => createAliyunSmsTransport({
  endpoint: fake.url, accessKeyId: fake.accessKeyId, accessKeySecret: secret, signName: '志愿服务', templateCodes, timeoutMs: 5000,
});

const codeMessage = (to: string, code = '123456'): OutgoingMessage => ({
  id: '0190a0b0-0000-7000-8000-000000000001', channel: 'sms', template: 'verification_code', to,
  content: renderTemplate('verification_code', 'sms', { code, purpose: 'register', minutes: 10 }),
});

const row = (id: string) => t.app.ctx.db.selectFrom('outbox_messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

test('the signature follows the vendor\'s documented algorithm', () => {
  assert.equal(percentEncode("a b*c~d'(e)!/+"), 'a%20b%2Ac~d%27%28e%29%21%2F%2B');
  assert.equal(canonicalQuery({ b: '2', a: '1 1', A: 'x' }), 'A=x&a=1%201&b=2');
  // Worked example in the vendor's "HTTP协议及签名" page (GET, secret "testSecret").
  const params = {
    AccessKeyId: 'testId', Action: 'SendSms', Format: 'XML', OutId: '123', PhoneNumbers: '15300000001', RegionId: 'cn-hangzhou',
    SignName: '阿里云短信测试专用', SignatureMethod: 'HMAC-SHA1', SignatureNonce: '45e25e9b-0a6f-4070-8c85-2956eda1b466',
    SignatureVersion: '1.0', TemplateCode: 'SMS_71390007', TemplateParam: '{"customer":"test"}', Timestamp: '2017-07-12T02:42:19Z', Version: '2017-05-25',
  };
  assert.equal(rpcSignature('GET', params, 'testSecret'), 'zJDF+Lrzhj/ThnlvIToysFRq6t4=');
});

test('success: the request is signed, carries number, sign name, template code and variables; BizId is kept', async () => {
  const phone = makePhone();
  const id = await t.app.ctx.db.transaction().execute((trx) => enqueueMessage(trx, t.app.ctx, {
    channel: 'sms', to: `+86 ${phone.slice(0, 3)}-${phone.slice(3)}`, template: 'verification_code', params: { code: '654321', purpose: 'recovery', minutes: 10 },
  }));
  const pass = await t.deliverOutbox();
  assert.deepEqual(pass, { claimed: 1, sent: 1, retried: 0, failed: 0 });
  const request = fake.requests.at(-1)!;
  assert.equal(request.code, 'OK');
  assert.equal(request.method, 'POST');
  assert.equal(request.params.Action, 'SendSms');
  assert.equal(request.params.PhoneNumbers, phone);
  assert.equal(request.params.SignName, '志愿服务');
  assert.equal(request.params.TemplateCode, 'SMS_100002', 'the purpose-specific template wins');
  assert.deepEqual(request.variables, { code: '654321' });
  assert.equal(request.params.OutId, id);
  const stored = await row(id);
  assert.equal(stored.status, 'sent');
  assert.equal(stored.transport, 'sms-gateway');
  assert.match(stored.provider_id ?? '', /\^0$/);

  // Another purpose falls back to the general verification template.
  const direct = await transport().send(codeMessage(phone));
  assert.ok(direct.providerId);
  assert.equal(fake.requests.at(-1)!.params.TemplateCode, 'SMS_100001');
});

test('a vendor error code fails the message at once with the code and message as reason', async () => {
  fake.next({ code: 'isv.BUSINESS_LIMIT_CONTROL', message: '触发小时级流控Permits:5' });
  const id = await enqueueMessage(t.app.ctx.db, t.app.ctx, {
    channel: 'sms', to: makePhone(), template: 'verification_code', params: { code: '111222', purpose: 'register', minutes: 10 },
  });
  assert.deepEqual(await t.deliverOutbox(), { claimed: 1, sent: 0, retried: 0, failed: 1 });
  const stored = await row(id);
  assert.equal(stored.status, 'failed');
  assert.equal(stored.attempts, 1);
  assert.equal(stored.last_error, 'isv.BUSINESS_LIMIT_CONTROL: 触发小时级流控Permits:5');
});

test('a wrong secret is refused by the fake (SignatureDoesNotMatch), not retried', async () => {
  await assert.rejects(transport('not-the-secret').send(codeMessage(makePhone())), (e: Error & { retryable?: boolean }) =>
    e.name === 'DeliveryError' && e.retryable === false && e.message.startsWith('SignatureDoesNotMatch'));
  assert.equal(fake.requests.at(-1)!.status, 400);
});

test('a template without a configured vendor code fails without calling the vendor', async () => {
  const before = fake.requests.length;
  await assert.rejects(transport(fake.accessKeySecret, {}).send(codeMessage(makePhone())), (e: Error & { retryable?: boolean }) =>
    e.retryable === false && /SMS_TEMPLATE_CODES/.test(e.message));
  assert.equal(fake.requests.length, before);
});

test('HTTP 500 is retried after the backoff and then delivered', async () => {
  fake.next({ status: 500 });
  const id = await enqueueMessage(t.app.ctx.db, t.app.ctx, {
    channel: 'sms', to: makePhone(), template: 'password_reset',
    params: { username: 'zhao_liu', code: '909090', link: 'https://zhiyuan.test/r?t=1', hours: 3 },
  });
  assert.deepEqual(await t.deliverOutbox(), { claimed: 1, sent: 0, retried: 1, failed: 0 });
  let stored = await row(id);
  assert.equal(stored.status, 'pending');
  assert.match(stored.last_error ?? '', /HTTP 500/);
  assert.equal((await t.deliverOutbox()).claimed, 0, 'not before the backoff');
  t.clock.advance(10_000);
  assert.deepEqual(await t.deliverOutbox(), { claimed: 1, sent: 1, retried: 0, failed: 0 });
  stored = await row(id);
  assert.equal(stored.status, 'sent');
  assert.equal(stored.attempts, 2);
  assert.equal(stored.last_error, null);
  assert.equal(fake.requests.at(-1)!.params.TemplateCode, 'SMS_100003');
  assert.deepEqual(fake.requests.at(-1)!.variables, { username: 'zhao_liu', code: '909090', link: 'https://zhiyuan.test/r?t=1', hours: '3' });
});

test('an unreachable gateway is retried', async () => {
  const gone = createAliyunSmsTransport({
    endpoint: 'http://127.0.0.1:9/', accessKeyId: 'a', accessKeySecret: 'b', signName: 'c', templateCodes: CODES, timeoutMs: 3000,
  });
  await assert.rejects(gone.send(codeMessage(makePhone())), (e: Error & { retryable?: boolean }) => e.retryable === true && /unreachable/.test(e.message));
});

test('the gateway transport is only used with its credentials (config)', async () => {
  const { loadConfig, ConfigError } = await import('../config.js');
  for (const missing of ['SMS_ACCESS_KEY_ID', 'SMS_ACCESS_KEY_SECRET', 'SMS_SIGN_NAME']) {
    const env: Record<string, string> = { SMS_GATEWAY_URL: 'https://dysmsapi.aliyuncs.com/', SMS_ACCESS_KEY_ID: 'id', SMS_ACCESS_KEY_SECRET: 's', SMS_SIGN_NAME: '志愿' };
    delete env[missing];
    assert.throws(() => loadConfig(env), (e: unknown) => e instanceof ConfigError && e.variable === missing);
  }
  assert.throws(() => loadConfig({ SMS_TEMPLATE_CODES: 'verification_code' }), (e: unknown) => e instanceof ConfigError && e.variable === 'SMS_TEMPLATE_CODES');
  assert.throws(() => loadConfig({ MAIL_FROM: 'not an address' }), (e: unknown) => e instanceof ConfigError && e.variable === 'MAIL_FROM');
  const c = loadConfig({ SMS_TEMPLATE_CODES: 'verification_code=SMS_1, password_reset=SMS_2' });
  assert.deepEqual(c.smsTemplateCodes, { verification_code: 'SMS_1', password_reset: 'SMS_2' });
  assert.equal(c.smsAccessKeyId, null);
  assert.equal(c.mailFrom, null);
});
