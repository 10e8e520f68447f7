import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { asUser, createTestApp, makeIdNumber, signIn, volunteerBody, type TestApp } from '../../../test/helper.js';
import { CHECK_LEASE_MS, startRealnameWorker } from './job.js';
import { createRegistryProvider } from './providers.js';
import { ProviderUnavailableError, type RealnameProvider } from './types.js';

/** The verification job end to end: registration through the API, a pass, and what the person then sees. */

let t: TestApp;
let dir: string;
const ids = { match: makeIdNumber(), mismatch: makeIdNumber(), noRegion: makeIdNumber(), superseded: makeIdNumber(), later: makeIdNumber(), unavailable: makeIdNumber() };

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zy-realname-job-'));
  const registry = path.join(dir, 'registry.csv');
  fs.writeFileSync(registry, [
    'name,idNumber',
    `张三,${ids.match}`,
    `李四,${ids.mismatch}`,
    `王五,${ids.noRegion}`,
    `赵六,${ids.superseded}`,
    `孙七,${ids.later}`,
    `周八,${ids.unavailable}`,
  ].join('\n'));
  t = await createTestApp({ realnameRegistry: registry, logLevel: 'debug' });
});
after(async () => {
  await t.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const phones: string[] = [];

async function register(overrides: Record<string, unknown>) {
  const body = volunteerBody(overrides);
  phones.push(body.phone);
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/volunteers', payload: body });
  assert.equal(res.statusCode, 201, res.body);
  const { cookie } = await signIn(t.app, body.username, body.password);
  return { body, cookie, id: res.json().id as string };
}

const me = async (cookie: string) => (await asUser(t.app, cookie, { method: 'GET', url: '/api/v1/me' })).json();
const sms = async (phone: string) => (await t.app.inject({ method: 'GET', url: `/api/v1/dev/outbox?to=${phone}` })).json().items as { body: string }[];
const person = (id: string) => t.app.ctx.db.selectFrom('people').selectAll().where('account_id', '=', id).executeTakeFirstOrThrow();

/** Counts the identities a provider is asked about. */
function counting(inner: RealnameProvider) {
  const asked: string[] = [];
  const provider: RealnameProvider = {
    name: inner.name,
    prepare: () => inner.prepare(),
    async check(identity) {
      asked.push(identity.idNumber);
      return inner.check(identity);
    },
  };
  return { provider, asked };
}

test('a match is verified: GET /me shows the status, a 14-digit number of the county, level intermediate; an SMS tells the number', async () => {
  const v = await register({ name: '张三', idNumber: ids.match, serviceRegionCode: '110105' });
  assert.equal((await me(v.cookie)).realNameStatus, 'pending');
  const pass = await t.runRealname();
  assert.ok(pass.verified >= 1, JSON.stringify(pass));
  const view = await me(v.cookie);
  assert.equal(view.realNameStatus, 'verified');
  assert.equal(view.realNameLevel, 'intermediate');
  assert.match(view.volunteerNumber, /^110105\d{8}$/);
  const p = await person(v.id);
  assert.equal(p.realname_note, 'provider_match');
  assert.ok(p.realname_checked_at);
  const messages = await sms(v.body.phone);
  assert.ok(messages[0].body.includes('实名认证已通过') && messages[0].body.includes(view.volunteerNumber), messages[0].body);
  const audits = await t.app.ctx.db.selectFrom('audit_log').select(['action', 'detail']).where('target_id', '=', v.id).execute();
  assert.ok(audits.some((a) => a.action === 'realname.result' && (a.detail as any).status === 'verified' && (a.detail as any).source === 'provider'));
  assert.ok(audits.some((a) => a.action === 'volunteer_number.issue' && (a.detail as any).volunteerNumber === view.volunteerNumber));

  // Identity is locked now, and the number never changes: a new service region keeps it.
  const locked = await asUser(t.app, v.cookie, { method: 'PATCH', url: '/api/v1/me/profile', payload: { identity: { name: '张三丰' } } });
  assert.equal(locked.json().code, 'IDENTITY_LOCKED');
  const moved = await asUser(t.app, v.cookie, { method: 'PATCH', url: '/api/v1/me/profile', payload: { intentions: { serviceRegionCode: '110108' } } });
  assert.equal(moved.statusCode, 204, moved.body);
  assert.equal((await me(v.cookie)).volunteerNumber, view.volunteerNumber);
});

test('failed, then the person corrects the name and passes on the next pass', async () => {
  const v = await register({ name: '张三', idNumber: ids.mismatch });
  await t.runRealname();
  assert.equal((await me(v.cookie)).realNameStatus, 'failed');
  assert.equal((await me(v.cookie)).volunteerNumber, null);
  assert.ok((await sms(v.body.phone))[0].body.includes('未通过'));

  const fix = await asUser(t.app, v.cookie, { method: 'PATCH', url: '/api/v1/me/profile', payload: { identity: { name: '李四' } } });
  assert.equal(fix.statusCode, 204, fix.body);
  assert.equal((await me(v.cookie)).realNameStatus, 'pending');
  await t.runRealname();
  const view = await me(v.cookie);
  assert.equal(view.realNameStatus, 'verified');
  assert.match(view.volunteerNumber, /^110105\d{8}$/);
});

test('a number the registry does not hold has no result; the SMS points to face recognition or manual review', async () => {
  const v = await register({ idNumber: makeIdNumber() });
  await t.runRealname();
  assert.equal((await me(v.cookie)).realNameStatus, 'no_result');
  assert.equal((await person(v.id)).realname_note, 'provider_no_record');
  assert.ok((await sms(v.body.phone))[0].body.includes('暂无结果'));
});

test('passports and permits are never sent to the provider: they stay pending for manual review and are not claimed again', async () => {
  const passport = await register({ idType: 'passport', idNumber: 'E12345678' });
  const permit = await register({ idType: 'hk_macao_permit', idNumber: 'H12345678' });
  const { provider, asked } = counting(createRegistryProvider(t.config.realnameRegistry!));
  const pass = await t.runRealname({ provider });
  assert.ok(pass.manualReview >= 2, JSON.stringify(pass));
  assert.ok(!asked.includes('E12345678') && !asked.includes('H12345678'));
  for (const v of [passport, permit]) {
    assert.equal((await me(v.cookie)).realNameStatus, 'pending');
    assert.equal((await person(v.id)).realname_note, 'manual_review');
  }
  t.clock.advance(CHECK_LEASE_MS + 1000);
  const again = await t.runRealname({ provider });
  assert.equal(again.manualReview, 0);
});

test('verified without a service region: no number (seed 001 ④) until a region is chosen; then sign-in by volunteer number works', async () => {
  const v = await register({ name: '王五', idNumber: ids.noRegion });
  await t.app.ctx.db.updateTable('volunteer_profiles').set({ service_region_code: null }).where('account_id', '=', v.id).execute();
  await t.runRealname();
  let view = await me(v.cookie);
  assert.equal(view.realNameStatus, 'verified');
  assert.equal(view.volunteerNumber, null);
  assert.ok((await sms(v.body.phone))[0].body.includes('选择服务区域'));

  const res = await asUser(t.app, v.cookie, { method: 'PATCH', url: '/api/v1/me/profile', payload: { intentions: { serviceRegionCode: '110108004' } } });
  assert.equal(res.statusCode, 204, res.body);
  view = await me(v.cookie);
  assert.match(view.volunteerNumber, /^110108\d{8}$/, 'a town belongs to its county');
  assert.ok((await sms(v.body.phone))[0].body.includes(view.volunteerNumber));

  const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { identifier: view.volunteerNumber, password: v.body.password } });
  assert.equal(login.statusCode, 200, login.body);
  assert.equal(login.json().account.id, v.id);
  assert.equal(login.json().account.volunteerNumber, view.volunteerNumber);
});

test('the pass also numbers verified volunteers whose region was set some other way', async () => {
  const v = await register({ name: '孙七', idNumber: ids.later });
  await t.app.ctx.db.updateTable('volunteer_profiles').set({ service_region_code: null }).where('account_id', '=', v.id).execute();
  await t.runRealname();
  assert.equal((await me(v.cookie)).volunteerNumber, null);
  await t.app.ctx.db.updateTable('volunteer_profiles').set({ service_region_code: '120101' }).where('account_id', '=', v.id).execute();
  const pass = await t.runRealname();
  assert.equal(pass.numbered, 1);
  assert.match((await me(v.cookie)).volunteerNumber, /^120101\d{8}$/);
});

test('a correction while the check is running drops the old result; the corrected identity is checked afresh', async () => {
  const v = await register({ name: '钱九', idNumber: ids.superseded });
  const inner = createRegistryProvider(t.config.realnameRegistry!);
  const provider: RealnameProvider = {
    name: 'registry',
    prepare: () => inner.prepare(),
    async check(identity) {
      if (identity.idNumber === ids.superseded) {
        const fix = await asUser(t.app, v.cookie, { method: 'PATCH', url: '/api/v1/me/profile', payload: { identity: { name: '赵六' } } });
        assert.equal(fix.statusCode, 204, fix.body);
      }
      return inner.check(identity);
    },
  };
  const pass = await t.runRealname({ provider });
  assert.equal(pass.superseded, 1);
  assert.equal((await me(v.cookie)).realNameStatus, 'pending');
  await t.runRealname();
  assert.equal((await me(v.cookie)).realNameStatus, 'verified');
});

test('when the provider cannot answer, people stay pending and are claimed again after the lease', async () => {
  const v = await register({ name: '周八', idNumber: ids.unavailable });
  const down: RealnameProvider = {
    name: 'http', prepare: async () => {}, check: async () => { throw new ProviderUnavailableError('HTTP 503', true); },
  };
  const pass = await t.runRealname({ provider: down });
  assert.equal(pass.unavailable, pass.claimed);
  assert.ok(pass.claimed >= 1);
  assert.equal((await me(v.cookie)).realNameStatus, 'pending');
  assert.equal((await t.runRealname()).claimed, 0, 'inside the lease nobody is claimed');
  t.clock.advance(CHECK_LEASE_MS + 1000);
  const later = await t.runRealname();
  assert.ok(later.verified >= 1, JSON.stringify(later));
  assert.equal((await me(v.cookie)).realNameStatus, 'verified');
});

test('the worker runs passes on its own until stopped', async () => {
  const v = await register({ idNumber: makeIdNumber() });
  const stop = startRealnameWorker(t.app.ctx, { intervalMs: 20 });
  try {
    for (let i = 0; i < 200 && (await me(v.cookie)).realNameStatus === 'pending'; i++) await new Promise((r) => setTimeout(r, 25));
  } finally {
    await stop();
  }
  assert.equal((await me(v.cookie)).realNameStatus, 'no_result');
  assert.ok(t.logs.some((line) => line.includes('real-name pass')));
});

test('the job writes no names, ID numbers or phone numbers to the logs', async () => {
  const text = t.logs.join('\n');
  assert.ok(text.includes('real-name check'), 'the job did log');
  for (const secret of [...Object.values(ids), '张三', '李四', '王五', '赵六', '孙七', '周八', '钱九', 'E12345678']) {
    assert.ok(!text.includes(secret), `log contains ${secret.slice(0, 3)}…`);
  }
  for (const phone of phones) assert.ok(!text.includes(phone), 'a phone number in the logs');
});
