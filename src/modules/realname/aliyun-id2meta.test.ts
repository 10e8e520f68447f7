import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createAliyunId2MetaProvider } from './aliyun-id2meta.js';
import { startFakeId2Meta, type FakeId2Meta } from './aliyun-id2meta-fake.js';
import { ProviderUnavailableError } from './types.js';
import { checkChar } from './synthetic.js';
import { asUser, createTestApp, signIn, volunteerBody } from '../../../test/helper.js';

/** The Id2MetaVerify adapter against a local fake that checks signatures like the vendor. */

let fake: FakeId2Meta;
after(async () => { await fake.close(); });

const id = (first17: string) => first17 + checkChar(first17);
const KNOWN = id('11010519900307123');
const provider = (options: { secret?: string; timeoutMs?: number; attempts?: number } = {}) => createAliyunId2MetaProvider({
  endpoint: fake.url, accessKeyId: fake.accessKeyId, accessKeySecret: options.secret ?? fake.accessKeySecret,
  timeoutMs: options.timeoutMs ?? 2_000, attempts: options.attempts ?? 3, backoffMs: [20, 40],
});

before(async () => {
  fake = await startFakeId2Meta();
  fake.identities.set(KNOWN, '张三');
});

test('consistent → verified, inconsistent → failed, no record → no_result; the request is signed and carries the identity', async () => {
  const p = provider();
  fake.requests.length = 0;
  assert.equal(await p.check({ name: '张三', idNumber: KNOWN }), 'verified');
  assert.equal(await p.check({ name: '李四', idNumber: KNOWN }), 'failed');
  assert.equal(await p.check({ name: '张三', idNumber: id('11010519900307999') }), 'no_result');
  assert.deepEqual(fake.requests.map((r) => r.bizCode), ['1', '2', '3']);
  const first = fake.requests[0].params;
  assert.equal(first.Action, 'Id2MetaVerify');
  assert.equal(first.Version, '2019-03-07');
  assert.equal(first.ParamType, 'normal');
  assert.equal(first.IdentifyNum, KNOWN);
  assert.equal(first.UserName, '张三');
});

test('HTTP 500 and vendor code 402 are tried again; every attempt has a fresh nonce', async () => {
  const p = provider();
  fake.requests.length = 0;
  fake.next({ status: 500 }, { code: '402', message: '权威源服务异常' });
  assert.equal(await p.check({ name: '张三', idNumber: KNOWN }), 'verified');
  assert.deepEqual(fake.requests.map((r) => r.status), [500, 200, 200]);
  assert.equal(new Set(fake.requests.map((r) => r.params.SignatureNonce)).size, 3);
});

test('a time-out is tried again; when every attempt fails the provider is unavailable (retryable)', async () => {
  const p = provider({ timeoutMs: 150, attempts: 2 });
  fake.next({ delayMs: 600 });
  assert.equal(await p.check({ name: '张三', idNumber: KNOWN }), 'verified', 'the second attempt answers');
  fake.next({ status: 503 }, { delayMs: 600 });
  await assert.rejects(p.check({ name: '张三', idNumber: KNOWN }), (e: unknown) =>
    e instanceof ProviderUnavailableError && e.retryable && /no answer within 150 ms/.test(e.reason) && !e.reason.includes(KNOWN));
});

test('configuration errors are not retried; 401 (illegal parameters) goes to manual review as no_result', async () => {
  fake.requests.length = 0;
  await assert.rejects(provider({ secret: 'wrong-secret' }).check({ name: '张三', idNumber: KNOWN }), (e: unknown) =>
    e instanceof ProviderUnavailableError && !e.retryable && /SignatureDoesNotMatch/.test(e.reason));
  assert.equal(fake.requests.length, 1);
  fake.next({ code: '412', message: '欠费中' });
  await assert.rejects(provider().check({ name: '张三', idNumber: KNOWN }), (e: unknown) => e instanceof ProviderUnavailableError && !e.retryable);
  fake.next({ code: '401', message: '参数非法' });
  assert.equal(await provider().check({ name: '张三', idNumber: KNOWN }), 'no_result');
});

test('REALNAME_PROVIDER=http end to end: the job verifies through the vendor API', async () => {
  const t = await createTestApp({
    realnameProvider: 'http', realnameUrl: fake.url, realnameAccessKeyId: fake.accessKeyId, realnameAccessKeySecret: fake.accessKeySecret,
  });
  try {
    const body = volunteerBody({ name: '赵六', idNumber: id('11010519880808123') });
    fake.identities.set(body.idNumber, '赵六');
    assert.equal((await t.app.inject({ method: 'POST', url: '/api/v1/volunteers', payload: body })).statusCode, 201);
    const pass = await t.runRealname();
    assert.equal(pass.verified, 1);
    const { cookie } = await signIn(t.app, body.username, body.password);
    const me = (await asUser(t.app, cookie, { method: 'GET', url: '/api/v1/me' })).json();
    assert.equal(me.realNameStatus, 'verified');
    assert.match(me.volunteerNumber, /^110105\d{8}$/);
  } finally {
    await t.close();
  }
});
