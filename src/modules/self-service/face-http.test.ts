import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createTestApp, volunteerBody, type TestApp } from '../../../test/helper.js';
import { ConfigError, loadConfig } from '../../platform/config.js';
import { createShumaiFaceProvider } from './face-http.js';
import { startFakeFaceServer, type FakeFaceServer } from './face-http-fake.js';
import { TICKET_HEADER } from './tickets.js';

let fake: FakeFaceServer;
before(async () => { fake = await startFakeFaceServer(); });
after(async () => { await fake.close(); });

const jpeg = () => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(1500)]);
const person = { name: '李雷', idNumber: '11010519900307001X' };
const fast = (extra: Partial<Parameters<typeof createShumaiFaceProvider>[0]> = {}) =>
  createShumaiFaceProvider({ endpoint: fake.url, appCode: fake.appCode, timeoutMs: 500, retryDelayMs: 5, ...extra });

test('configuration: FACE_PROVIDER, FACE_URL, FACE_APP_CODE, FACE_PASS_SCORE', () => {
  const defaults = loadConfig({});
  assert.equal(defaults.faceProvider, 'local-review');
  assert.equal(defaults.facePassScore, 0.6);
  const http = loadConfig({ FACE_PROVIDER: 'http', FACE_URL: 'https://faceidcardb.shumaidata.com/getfaceidb', FACE_APP_CODE: 'abc', FACE_PASS_SCORE: '0.45' });
  assert.equal(http.faceProvider, 'http');
  assert.equal(http.facePassScore, 0.45);
  const cases: [Record<string, string>, string][] = [
    [{ FACE_PROVIDER: 'magic' }, 'FACE_PROVIDER'],
    [{ FACE_PROVIDER: 'http', FACE_APP_CODE: 'abc' }, 'FACE_URL'],
    [{ FACE_PROVIDER: 'http', FACE_URL: 'https://example.org/face' }, 'FACE_APP_CODE'],
    [{ FACE_URL: 'ftp://example.org' }, 'FACE_URL'],
    [{ FACE_PASS_SCORE: '1.5' }, 'FACE_PASS_SCORE'],
    [{ FACE_PASS_SCORE: '0' }, 'FACE_PASS_SCORE'],
    [{ FACE_PASS_SCORE: 'high' }, 'FACE_PASS_SCORE'],
  ];
  for (const [env, variable] of cases) {
    assert.throws(() => loadConfig(env), (e: unknown) => e instanceof ConfigError && e.variable === variable, JSON.stringify(env));
  }
});

test('the adapter: pass, low score, name mismatch, unknown number; what it sends', async () => {
  const reference = jpeg();
  fake.enrol({ ...person, reference });
  const provider = fast();
  const start = fake.requests.length;
  const pass = await provider.check({ ...person, photo: reference, mime: 'image/jpeg' });
  assert.equal(pass.outcome, 'pass');
  assert.equal(pass.score, 0.92);
  assert.match(pass.reference!, /^\d+$/);
  const sent = fake.requests[start];
  assert.equal(sent.authorization, `APPCODE ${fake.appCode}`);
  assert.match(sent.contentType!, /^application\/x-www-form-urlencoded/);
  assert.equal(sent.name, person.name);
  assert.equal(sent.idcard, person.idNumber);
  assert.equal(sent.imageBytes, reference.length);

  const other = await provider.check({ ...person, photo: jpeg(), mime: 'image/jpeg' });
  assert.deepEqual([other.outcome, other.reason, other.score], ['fail', 'low_score', 0.21]);
  const mismatch = await provider.check({ name: '韩梅梅', idNumber: person.idNumber, photo: reference, mime: 'image/jpeg' });
  assert.deepEqual([mismatch.outcome, mismatch.reason], ['fail', 'identity_mismatch']);
  const unknown = await provider.check({ name: '韩梅梅', idNumber: '110105199003070029', photo: reference, mime: 'image/jpeg' });
  assert.deepEqual([unknown.outcome, unknown.reason], ['fail', 'not_comparable:102']);
  fake.next({ score: 0.5 });
  assert.equal((await fast({ passScore: 0.45 }).check({ ...person, photo: reference, mime: 'image/jpeg' })).outcome, 'pass', 'the threshold is configurable');
});

test('the adapter: 5xx and time-outs are tried again; a refused AppCode is not', async () => {
  const reference = jpeg();
  fake.enrol({ ...person, reference });
  let start = fake.requests.length;
  fake.next({ status: 500 });
  const retried = await fast().check({ ...person, photo: reference, mime: 'image/jpeg' });
  assert.equal(retried.outcome, 'pass');
  assert.deepEqual(fake.requests.slice(start).map((r) => r.status), [500, 200]);

  start = fake.requests.length;
  fake.next({ status: 502 }, { status: 503 }, { status: 500 });
  const down = await fast().check({ ...person, photo: reference, mime: 'image/jpeg' });
  assert.deepEqual([down.outcome, down.reason], ['error', 'http_500']);
  assert.equal(fake.requests.length - start, 3);

  fake.next('hang', 'hang');
  const slow = await fast({ timeoutMs: 200, maxAttempts: 2 }).check({ ...person, photo: reference, mime: 'image/jpeg' });
  assert.deepEqual([slow.outcome, slow.reason], ['error', 'timeout']);

  fake.next('hang');
  const recovered = await fast({ timeoutMs: 200 }).check({ ...person, photo: reference, mime: 'image/jpeg' });
  assert.equal(recovered.outcome, 'pass', 'a time-out is tried again');

  start = fake.requests.length;
  const refused = await fast({ appCode: 'wrong' }).check({ ...person, photo: reference, mime: 'image/jpeg' });
  assert.deepEqual([refused.outcome, refused.reason], ['error', 'http_403:Invalid AppCode']);
  assert.equal(fake.requests.length - start, 1, 'not tried again');

  const nowhere = await createShumaiFaceProvider({ endpoint: 'http://127.0.0.1:9/none', appCode: 'x', retryDelayMs: 1, maxAttempts: 2 }).check({ ...person, photo: reference, mime: 'image/jpeg' });
  assert.deepEqual([nowhere.outcome, nowhere.reason], ['error', 'network']);
});

test('through the API with FACE_PROVIDER=http: fail, pass, nothing of the photo kept, three tries per ticket', async () => {
  const t: TestApp = await createTestApp({ faceProvider: 'http', faceUrl: fake.url, faceAppCode: fake.appCode });
  try {
    const register = async () => {
      const body = volunteerBody();
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/volunteers', payload: body });
      assert.equal(res.statusCode, 201, res.body);
      await t.app.ctx.db.updateTable('people').set({ realname_status: 'verified' }).where('account_id', '=', res.json().id).execute();
      const reference = jpeg();
      fake.enrol({ name: body.name, idNumber: body.idNumber, reference });
      return { ...body, id: res.json().id as string, reference };
    };
    const open = async (v: { name: string; idNumber: string }) =>
      (await t.app.inject({ method: 'POST', url: '/api/v1/self-service/identity', payload: { name: v.name, idNumber: v.idNumber } })).json().ticket as string;
    const face = (ticket: string, photo: Buffer) =>
      t.app.inject({ method: 'POST', url: '/api/v1/self-service/face', headers: { [TICKET_HEADER]: ticket }, payload: { photo: `data:image/jpeg;base64,${photo.toString('base64')}` } });

    const v = await register();
    const ticket = await open(v);
    const failed = await face(ticket, jpeg());
    assert.equal(failed.statusCode, 422, failed.body);
    assert.equal(failed.json().code, 'FACE_CHECK_FAILED');
    assert.equal(failed.json().triesLeft, 2);
    const passed = await face(ticket, v.reference);
    assert.equal(passed.statusCode, 200, passed.body);
    assert.equal(passed.json().provider, 'http');
    assert.equal(passed.json().autoPassed, false);
    assert.equal(passed.json().message, null);
    const rows = await t.app.ctx.db.selectFrom('face_checks').selectAll().where('account_id', '=', v.id).orderBy('created_at').execute();
    assert.deepEqual(rows.map((r) => r.status), ['failed', 'passed']);
    assert.ok(rows.every((r) => r.photo_enc === null && r.provider === 'http'), 'the http provider keeps no photo');
    assert.equal(rows[1].score, 0.92);
    assert.ok(rows[1].reference);
    assert.equal((await t.app.inject({ method: 'POST', url: '/api/v1/self-service/account', headers: { [TICKET_HEADER]: ticket } })).statusCode, 200);

    const w = await register();
    const second = await open(w);
    fake.next({ status: 500 }, { status: 500 }, { status: 500 });
    const unavailable = await face(second, w.reference);
    assert.equal(unavailable.statusCode, 503);
    assert.equal(unavailable.json().code, 'FACE_PROVIDER_UNAVAILABLE');
    for (let i = 0; i < 3; i++) assert.equal((await face(second, jpeg())).json().code, 'FACE_CHECK_FAILED', 'the provider error gave its try back');
    const tooMany = await face(second, w.reference);
    assert.equal(tooMany.statusCode, 429);
    assert.equal(tooMany.json().code, 'TOO_MANY_FACE_CHECKS');
  } finally {
    await t.close();
  }
});
