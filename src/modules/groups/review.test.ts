import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, signIn, asUser, outboxFor, TEST_ADMIN, type TestApp } from '../../../test/helper.js';
import { seedGroup } from '../../../test/groups.js';
import { makeCreditCode, registerGroupViaApi } from './test-support.js';

let t: TestApp;
let admin: string;
before(async () => {
  t = await createTestApp();
  admin = (await signIn(t.app, TEST_ADMIN.username, TEST_ADMIN.password)).cookie;
});
after(async () => { await t.close(); });

const review = (cookie: string, id: string, payload: Record<string, unknown>) =>
  asUser(t.app, cookie, { method: 'POST', url: `/api/v1/groups/${id}/review`, payload });
const auditOf = (id: string, action: string) =>
  t.app.ctx.db.selectFrom('audit_log').selectAll().where('action', '=', action).where('target_id', '=', id).orderBy('id').execute();

test('a system administrator approves: legal-person groups start intermediate, others basic; told by SMS and e-mail', async () => {
  const legal = await registerGroupViaApi(t.app, { legalPerson: true, creditCode: makeCreditCode() });
  const plain = await registerGroupViaApi(t.app);
  const a = await review(admin, legal.id, { decision: 'approve' });
  assert.equal(a.statusCode, 200, a.body);
  assert.deepEqual(a.json(), { id: legal.id, status: 'approved', level: 'intermediate' });
  assert.equal((await review(admin, plain.id, { decision: 'approve' })).json().level, 'basic');
  const [sms] = await outboxFor(t.app, legal.body.contactPhone);
  assert.equal(sms.channel, 'sms');
  assert.match(sms.body, /已通过审核/);
  const [mail] = await outboxFor(t.app, legal.body.email);
  assert.equal(mail.channel, 'email');
  assert.match(mail.body, new RegExp(legal.body.name));
  const again = await review(admin, legal.id, { decision: 'reject', reason: '重复' });
  assert.equal(again.statusCode, 409);
  assert.equal(again.json().code, 'GROUP_ALREADY_REVIEWED');
  const [entry] = await auditOf(legal.id, 'group.review');
  assert.equal(entry.actor_username, TEST_ADMIN.username);
  assert.equal((entry.detail as any).decision, 'approve');
});

test('reject needs a reason, which the group receives by SMS and e-mail', async () => {
  const g = await registerGroupViaApi(t.app);
  const bare = await review(admin, g.id, { decision: 'reject' });
  assert.equal(bare.statusCode, 422);
  assert.equal(bare.json().code, 'REASON_REQUIRED');
  assert.equal((await review(admin, g.id, { decision: 'reject', reason: '团体名称与登记证书不符' })).json().status, 'rejected');
  for (const to of [g.body.contactPhone, g.body.email]) {
    const [message] = await outboxFor(t.app, to);
    assert.match(message.body, /未通过审核/);
    assert.match(message.body, /团体名称与登记证书不符/);
  }
});

test('an advanced group reviews inside its jurisdiction; outside it the group does not exist for it', async () => {
  const advanced = await seedGroup(t.app, { level: 'advanced', jurisdiction: { regions: ['110105'] } });
  const cookie = await advanced.signIn();
  const inside = await registerGroupViaApi(t.app, { regionCode: '110105' });
  const outside = await registerGroupViaApi(t.app, { regionCode: '110108' });
  const list = await asUser(t.app, cookie, { method: 'GET', url: '/api/v1/groups/pending-reviews' });
  const ids = list.json().items.map((i: any) => i.id);
  assert.ok(ids.includes(inside.id) && !ids.includes(outside.id), list.body);
  assert.equal((await asUser(t.app, cookie, { method: 'GET', url: `/api/v1/groups/${outside.id}` })).statusCode, 404);
  const refused = await review(cookie, outside.id, { decision: 'approve' });
  assert.equal(refused.statusCode, 404);
  const ok = await review(cookie, inside.id, { decision: 'approve' });
  assert.equal(ok.statusCode, 200, ok.body);
  const [entry] = await auditOf(inside.id, 'group.review');
  assert.equal(entry.actor_id, advanced.accountId);
  assert.equal((entry.detail as any).groupId, inside.id);
  assert.equal((entry.detail as any).role, 'group_account');
});

test('the chosen liaison group reviews; the group itself and others cannot', async () => {
  const liaison = await seedGroup(t.app, { level: 'basic' });
  const stranger = await seedGroup(t.app, { level: 'intermediate' });
  const g = await registerGroupViaApi(t.app, { liaisonGroupId: liaison.id });
  const liaisonCookie = await liaison.signIn();
  const list = await asUser(t.app, liaisonCookie, { method: 'GET', url: '/api/v1/groups/pending-reviews' });
  assert.deepEqual(list.json().items.map((i: any) => i.id), [g.id]);
  assert.equal(list.json().total, 1);
  assert.equal((await review(await stranger.signIn(), g.id, { decision: 'approve' })).statusCode, 404, 'a pending group is invisible to others');
  const self = await signIn(t.app, g.body.username, g.body.password);
  const own = await review(self.cookie, g.id, { decision: 'approve' });
  assert.equal(own.statusCode, 403, 'sees itself, may not review itself');
  assert.equal((await t.app.inject({ method: 'POST', url: `/api/v1/groups/${g.id}/review`, payload: { decision: 'approve' } })).statusCode, 401);
  assert.equal((await review(liaisonCookie, g.id, { decision: 'approve' })).statusCode, 200);
  assert.equal((await auditOf(g.id, 'group.review'))[0].actor_id, liaison.accountId);
});

test('administrators list pending groups of a site, paged', async () => {
  const g = await registerGroupViaApi(t.app, { siteCode: '31', regionCode: '310101' });
  const res = await asUser(t.app, admin, { method: 'GET', url: '/api/v1/groups/pending-reviews?siteCode=31&pageSize=1' });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.json().pageSize, 1);
  assert.equal(res.json().items[0].id, g.id);
  assert.equal(res.json().items[0].regionName, '上海市黄浦区');
  const volunteer = await seedGroup(t.app, { level: 'basic' });
  assert.equal((await asUser(t.app, await volunteer.signIn(), { method: 'GET', url: '/api/v1/groups/pending-reviews' })).json().total, 0);
});

test('levels: up and down by authorities, audited with old and new; only administrators grant advanced', async () => {
  const advanced = await seedGroup(t.app, { level: 'advanced', jurisdiction: { regions: ['1101'] } });
  const target = await seedGroup(t.app, { level: 'basic', regionCode: '110105' });
  const far = await seedGroup(t.app, { level: 'basic', regionCode: '120101', siteCode: '12' });
  const cookie = await advanced.signIn();
  const level = (c: string, id: string, payload: Record<string, unknown>) => asUser(t.app, c, { method: 'POST', url: `/api/v1/groups/${id}/level`, payload });

  const up = await level(cookie, target.id, { level: 'primary_project', reason: '项目开展规范' });
  assert.equal(up.statusCode, 200, up.body);
  assert.deepEqual(up.json(), { id: target.id, level: 'primary_project', previousLevel: 'basic' });
  const toAdvanced = await level(cookie, target.id, { level: 'advanced', reason: '表现突出' });
  assert.equal(toAdvanced.statusCode, 403);
  assert.equal(toAdvanced.json().code, 'ADVANCED_ADMIN_ONLY');
  assert.equal((await level(cookie, far.id, { level: 'intermediate', reason: '越权' })).statusCode, 404, 'outside its jurisdiction');
  assert.equal((await level(cookie, advanced.id, { level: 'intermediate', reason: '自降' })).statusCode, 403, 'not its own level');
  assert.equal((await level(await target.signIn(), far.id, { level: 'intermediate', reason: '无权' })).statusCode, 403);
  assert.equal((await level(cookie, target.id, { level: 'primary_project', reason: '重复' })).json().code, 'LEVEL_UNCHANGED');

  const adminUp = await level(admin, target.id, { level: 'advanced', reason: '登记机关授权' });
  assert.equal(adminUp.statusCode, 200, adminUp.body);
  const down = await level(admin, target.id, { level: 'basic', reason: '违规整改' });
  assert.equal(down.json().previousLevel, 'advanced');
  const log = (await auditOf(target.id, 'group.level')).map((e) => [(e.detail as any).from, (e.detail as any).to, e.actor_id]);
  assert.deepEqual(log.map(([from, to]) => [from, to]), [['basic', 'primary_project'], ['primary_project', 'advanced'], ['advanced', 'basic']]);
  assert.equal(log[0][2], advanced.accountId);

  const pending = await registerGroupViaApi(t.app);
  assert.equal((await level(admin, pending.id, { level: 'basic', reason: '未审' })).json().code, 'GROUP_NOT_APPROVED');
});

test('jurisdiction: system administrators set it for advanced groups, inside the group site', async () => {
  const advanced = await seedGroup(t.app, { level: 'advanced' });
  const basic = await seedGroup(t.app, { level: 'basic' });
  const put = (c: string, id: string, payload: Record<string, unknown>) => asUser(t.app, c, { method: 'PUT', url: `/api/v1/groups/${id}/jurisdiction`, payload });
  const body = { regions: ['110105', '110108'], fields: ['youth'], universities: ['北京大学'] };
  assert.equal((await put(await advanced.signIn(), advanced.id, body)).statusCode, 403);
  assert.equal((await put(admin, basic.id, body)).json().code, 'GROUP_NOT_ADVANCED');
  const outside = await put(admin, advanced.id, { ...body, regions: ['310101'] });
  assert.equal(outside.statusCode, 422);
  assert.equal(outside.json().code, 'REGION_INVALID');
  assert.equal((await put(admin, advanced.id, { ...body, fields: ['nope'] })).json().code, 'FIELD_INVALID');
  const ok = await put(admin, advanced.id, body);
  assert.equal(ok.statusCode, 200, ok.body);
  const got = await t.app.inject({ method: 'GET', url: `/api/v1/groups/${advanced.id}/jurisdiction` });
  const view = got.json() as { regions: string[]; fields: string[]; universities: string[] };
  assert.deepEqual({ ...view, regions: [...view.regions].sort() }, body);
  assert.equal((await auditOf(advanced.id, 'group.jurisdiction')).length, 1);
  // The new jurisdiction takes effect: a pending group in 110108 is now in its review list.
  const g = await registerGroupViaApi(t.app, { regionCode: '110108' });
  const list = await asUser(t.app, await advanced.signIn(), { method: 'GET', url: '/api/v1/groups/pending-reviews?pageSize=100' });
  assert.ok(list.json().items.some((i: any) => i.id === g.id));
});

test('parallel reviews of one group: exactly one decides', async () => {
  const liaison = await seedGroup(t.app, { level: 'basic' });
  const g = await registerGroupViaApi(t.app, { liaisonGroupId: liaison.id });
  const liaisonCookie = await liaison.signIn();
  const results = await Promise.all([
    review(admin, g.id, { decision: 'approve' }),
    review(liaisonCookie, g.id, { decision: 'reject', reason: '不符合条件' }),
    review(admin, g.id, { decision: 'approve' }),
  ]);
  assert.deepEqual(results.map((r) => r.statusCode).sort(), [200, 409, 409]);
  assert.equal((await auditOf(g.id, 'group.review')).length, 1);
  assert.equal((await outboxFor(t.app, g.body.email)).length, 1, 'one message');
});
