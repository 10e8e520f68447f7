import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, signIn, asUser, volunteerBody, TEST_ADMIN, type TestApp } from '../../../test/helper.js';
import { seedGroup } from '../../../test/groups.js';
import { dayFrom, projectBody, publish } from './test-support.js';

let t: TestApp;
let admin: string;
before(async () => {
  t = await createTestApp();
  admin = (await signIn(t.app, TEST_ADMIN.username, TEST_ADMIN.password)).cookie;
});
after(async () => { await t.close(); });

const review = (cookie: string, id: string, payload: Record<string, unknown>) =>
  asUser(t.app, cookie, { method: 'POST', url: `/api/v1/projects/${id}/review`, payload });
const publicGet = (id: string) => t.app.inject({ method: 'GET', url: `/api/v1/projects/${id}` });
const getAs = (cookie: string, id: string) => asUser(t.app, cookie, { method: 'GET', url: `/api/v1/projects/${id}` });

test('a pending project is seen only by its group and authorities; an administrator approves it and it becomes public', async () => {
  const g = await seedGroup(t.app, { level: 'basic' });
  const cookie = await g.signIn();
  const other = await (await seedGroup(t.app, { level: 'intermediate' })).signIn();
  const { id, status } = await publish(t.app, cookie);
  assert.equal(status, 'pending_review');
  assert.equal((await publicGet(id)).statusCode, 404);
  assert.equal((await getAs(other, id)).statusCode, 404);
  assert.equal((await getAs(cookie, id)).json().status, 'pending_review');
  assert.equal((await getAs(admin, id)).json().status, 'pending_review');
  const groupList = (cookie: string | null) => cookie
    ? asUser(t.app, cookie, { method: 'GET', url: `/api/v1/groups/${g.id}/projects` })
    : t.app.inject({ method: 'GET', url: `/api/v1/groups/${g.id}/projects` });
  assert.deepEqual((await groupList(cookie)).json().items.map((i: any) => i.id), [id]);
  assert.equal((await groupList(null)).json().total, 0);
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/projects?siteCode=11' })).json().items.some((i: any) => i.id === id), false);

  assert.equal((await review(other, id, { decision: 'approve' })).statusCode, 404);
  assert.equal((await review(cookie, id, { decision: 'approve' })).statusCode, 404);
  const ok = await review(admin, id, { decision: 'approve' });
  assert.equal(ok.statusCode, 200, ok.body);
  assert.deepEqual(ok.json(), { id, status: 'recruiting' });
  const again = await review(admin, id, { decision: 'reject', reason: '重复' });
  assert.equal(again.statusCode, 409);
  assert.equal(again.json().code, 'PROJECT_ALREADY_REVIEWED');
  const pub = await publicGet(id);
  assert.equal(pub.statusCode, 200);
  assert.equal(pub.json().status, 'recruiting');
  assert.equal(pub.json().recruitmentOpen, true);
  assert.equal((await groupList(null)).json().total, 1);
  const [entry] = await t.app.ctx.db.selectFrom('audit_log').selectAll().where('action', '=', 'project.review').where('target_id', '=', id).execute();
  assert.equal(entry!.actor_username, TEST_ADMIN.username);
  assert.equal((entry!.detail as any).decision, 'approve');
});

test('rejecting needs a reason, which the group sees; the public never sees a rejected project', async () => {
  const g = await seedGroup(t.app, { level: 'primary_group' });
  const cookie = await g.signIn();
  const { id } = await publish(t.app, cookie);
  const bare = await review(admin, id, { decision: 'reject', reason: '  ' });
  assert.equal(bare.statusCode, 422);
  assert.equal(bare.json().code, 'REASON_REQUIRED');
  assert.equal((await review(admin, id, { decision: 'reject', reason: '内容不完整' })).json().status, 'rejected');
  assert.equal((await publicGet(id)).statusCode, 404);
  const own = (await getAs(cookie, id)).json();
  assert.equal(own.status, 'rejected');
  assert.equal(own.reviewReason, '内容不完整');
  assert.equal((await t.app.inject({ method: 'POST', url: `/api/v1/projects/${id}/review`, headers: { 'x-requested-with': 'zhiyuan-web' }, payload: { decision: 'approve' } })).statusCode, 401);
});

test('an advanced group reviews projects inside its jurisdiction; outside it they do not exist for it', async () => {
  const advanced = await seedGroup(t.app, { level: 'advanced', jurisdiction: { regions: ['110105'] } });
  const adv = await advanced.signIn();
  const g = await seedGroup(t.app, { level: 'basic' });
  const cookie = await g.signIn();
  const inside = await publish(t.app, cookie, { regionCode: '110105' });
  const outside = await publish(t.app, cookie, { regionCode: '110108' });
  assert.equal((await getAs(adv, inside.id)).statusCode, 200);
  assert.equal((await getAs(adv, outside.id)).statusCode, 404);
  assert.equal((await review(adv, outside.id, { decision: 'approve' })).statusCode, 404);
  const ok = await review(adv, inside.id, { decision: 'approve' });
  assert.equal(ok.statusCode, 200, ok.body);
  const [entry] = await t.app.ctx.db.selectFrom('audit_log').selectAll().where('action', '=', 'project.review').where('target_id', '=', inside.id).execute();
  assert.equal(entry!.actor_id, advanced.accountId);
  assert.equal((entry!.detail as any).groupId, g.id);
  assert.equal((entry!.detail as any).role, 'group_account');
});

test('a published project reads as recruiting, in progress and finished as the days pass', async () => {
  const g = await seedGroup(t.app, { level: 'intermediate' });
  const { id } = await publish(t.app, await g.signIn(), { startDate: dayFrom(t.app, 1), endDate: dayFrom(t.app, 2) });
  assert.equal((await publicGet(id)).json().status, 'recruiting');
  t.clock.advance(86_400_000);
  assert.equal((await publicGet(id)).json().status, 'in_progress');
  t.clock.advance(2 * 86_400_000);
  const done = (await publicGet(id)).json();
  assert.equal(done.status, 'finished');
  assert.equal(done.recruitmentOpen, false);
  t.clock.advance(-3 * 86_400_000);
});

test('the group edits the description, place, window, password and quotas; never below enrolled, never another group', async () => {
  const g = await seedGroup(t.app, { level: 'intermediate' });
  const cookie = await g.signIn();
  const { id } = await publish(t.app, cookie);
  const patch = (c: string, payload: Record<string, unknown>) => asUser(t.app, c, { method: 'PATCH', url: `/api/v1/projects/${id}`, payload });
  const before = (await publicGet(id)).json();
  const [first] = before.positions;
  const ok = await patch(cookie, {
    description: '新的介绍', address: '新地址', location: null, recruitTo: dayFrom(t.app, 8), exemptPassword: 'abcd1234',
    positions: [{ id: first.id, quota: first.quota + 10 }],
  });
  assert.equal(ok.statusCode, 200, ok.body);
  const after = (await publicGet(id)).json();
  assert.equal(after.description, '新的介绍');
  assert.equal(after.address, '新地址');
  assert.equal(after.location, null);
  assert.equal(after.recruitTo, dayFrom(t.app, 8));
  assert.equal(after.exemptPasswordSet, true);
  assert.equal(after.totalQuota, before.totalQuota + 10);
  await t.app.ctx.db.updateTable('positions').set({ enrolled_count: 4 }).where('id', '=', first.id).execute();
  const below = await patch(cookie, { positions: [{ id: first.id, quota: 3 }] });
  assert.equal(below.statusCode, 409);
  assert.equal(below.json().code, 'QUOTA_BELOW_ENROLLED');
  assert.equal((await patch(cookie, { positions: [{ id: '01900000-0000-7000-8000-000000000000', quota: 3 }] })).statusCode, 400);
  assert.equal((await patch(cookie, { recruitTo: dayFrom(t.app, 30) })).json().errors[0].code, 'AFTER_END');
  assert.equal((await patch(cookie, { location: { lat: 0, lng: 0 } })).statusCode, 400);
  const stranger = await (await seedGroup(t.app, { level: 'intermediate' })).signIn();
  assert.equal((await patch(stranger, { description: 'x' })).statusCode, 404);
  const [entry] = await t.app.ctx.db.selectFrom('audit_log').selectAll().where('action', '=', 'project.edit').where('target_id', '=', id).execute();
  assert.equal((entry!.detail as any).groupId, g.id);
});

test('the group cancels with a reason; the project stays public as cancelled and cannot be cancelled or edited again', async () => {
  const g = await seedGroup(t.app, { level: 'intermediate' });
  const cookie = await g.signIn();
  const { id } = await publish(t.app, cookie);
  const cancel = (c: string, payload: Record<string, unknown>) => asUser(t.app, c, { method: 'POST', url: `/api/v1/projects/${id}/cancel`, payload });
  const stranger = await (await seedGroup(t.app, { level: 'intermediate' })).signIn();
  assert.equal((await cancel(stranger, { reason: '天气' })).statusCode, 404);
  assert.equal((await cancel(cookie, { reason: '   ' })).statusCode, 422);
  assert.equal((await cancel(cookie, {})).statusCode, 400);
  const ok = await cancel(cookie, { reason: '暴雨预警，活动取消' });
  assert.equal(ok.statusCode, 200, ok.body);
  assert.deepEqual(ok.json(), { id, status: 'cancelled' });
  const pub = (await publicGet(id)).json();
  assert.equal(pub.status, 'cancelled');
  assert.equal(pub.cancelReason, '暴雨预警，活动取消');
  assert.equal((await cancel(cookie, { reason: '再次' })).json().code, 'PROJECT_NOT_CANCELLABLE');
  assert.equal((await asUser(t.app, cookie, { method: 'PATCH', url: `/api/v1/projects/${id}`, payload: { description: 'x' } })).json().code, 'PROJECT_NOT_EDITABLE');
  const listed = await t.app.inject({ method: 'GET', url: `/api/v1/projects?status=cancelled&id=${id}` });
  assert.equal(listed.json().total, 1);
  assert.equal((await t.app.inject({ method: 'GET', url: `/api/v1/projects?id=${id}` })).json().total, 0);
  const [entry] = await t.app.ctx.db.selectFrom('audit_log').selectAll().where('action', '=', 'project.cancel').where('target_id', '=', id).execute();
  assert.equal((entry!.detail as any).reason, '暴雨预警，活动取消');
});

test('parallel publications each count once, and two reviewers racing decide once', async () => {
  const g = await seedGroup(t.app, { level: 'basic' });
  const cookie = await g.signIn();
  const published = await Promise.all(Array.from({ length: 8 }, (_, i) => publish(t.app, cookie, { name: `并发项目${i}` })));
  const group = await t.app.ctx.db.selectFrom('groups').select('project_count').where('id', '=', g.id).executeTakeFirstOrThrow();
  assert.equal(group.project_count, 8);
  const advanced = await (await seedGroup(t.app, { level: 'advanced', jurisdiction: { regions: ['110100'] } })).signIn();
  const id = published[0]!.id;
  const results = await Promise.all([review(admin, id, { decision: 'approve' }), review(advanced, id, { decision: 'reject', reason: '不符合要求' })]);
  assert.deepEqual(results.map((r) => r.statusCode).sort(), [200, 409]);
  const reviews = await t.app.ctx.db.selectFrom('audit_log').select('id').where('action', '=', 'project.review').where('target_id', '=', id).execute();
  assert.equal(reviews.length, 1);
});

test('a person acting for the group publishes and cancels, and the record names that person; a volunteer alone cannot', async () => {
  const g = await seedGroup(t.app, { level: 'intermediate' });
  const body = volunteerBody({ name: '吴经办' });
  const created = await t.app.inject({ method: 'POST', url: '/api/v1/volunteers', payload: body });
  assert.equal(created.statusCode, 201, created.body);
  const personId = created.json().id as string;
  const { cookie } = await signIn(t.app, body.username, body.password);
  const personal = await asUser(t.app, cookie, { method: 'POST', url: '/api/v1/projects', payload: projectBody(t.app) });
  assert.equal(personal.statusCode, 404);
  await t.app.ctx.db.insertInto('acting_roles').values({
    site_code: '11', group_id: g.id, person_account_id: personId, role: 'operator', status: 'active', requested_at: new Date(), decided_at: new Date(), decided_by: g.accountId,
  }).execute();
  await t.app.ctx.db.updateTable('sessions').set({ acting_group_id: g.id }).where('account_id', '=', personId).execute();
  const { id } = await publish(t.app, cookie);
  assert.equal((await publicGet(id)).json().groupId, g.id);
  assert.equal((await asUser(t.app, cookie, { method: 'POST', url: `/api/v1/projects/${id}/cancel`, payload: { reason: '场地变更' } })).statusCode, 200);
  for (const action of ['project.publish', 'project.cancel']) {
    const entry = await t.app.ctx.db.selectFrom('audit_log').select(['actor_id', 'detail']).where('action', '=', action).where('target_id', '=', id).executeTakeFirstOrThrow();
    assert.equal(entry.actor_id, personId);
    assert.equal((entry.detail as any).groupId, g.id);
    assert.equal((entry.detail as any).role, 'operator');
  }
});
