import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { asUser, createTestApp, seedVolunteer, signIn, TEST_ADMIN, type TestApp } from '../../../test/helper.js';
import { seedGroup } from '../../../test/groups.js';
import { dayFrom, publish } from '../projects/test-support.js';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t.close(); });

const volunteer = () => seedVolunteer(t.app);

const call = (cookie: string, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: Record<string, unknown>) =>
  asUser(t.app, cookie, { method, url: `/api/v1${url}`, ...(payload ? { payload } : {}) });

const grant = (overrides: Record<string, unknown> = {}) => ({ title: '优秀志愿者', level: 'group', grantedOn: dayFrom(t.app, -3), ...overrides });

test('grant, list, revoke: who may, to whom, at which level', async () => {
  const g = await seedGroup(t.app, { exemptPassword: 'Join2468' });
  const gc = await g.signIn();
  const other = await seedGroup(t.app);
  const oc = await other.signIn();
  const authority = await seedGroup(t.app, { level: 'advanced', jurisdiction: { regions: ['1101'] } });
  const ac = await authority.signIn();
  const outsideAuthority = await seedGroup(t.app, { siteCode: '31', regionCode: '310101', level: 'advanced', jurisdiction: { regions: ['3101'] } });
  const admin = (await signIn(t.app, TEST_ADMIN.username, TEST_ADMIN.password)).cookie;

  const member = await volunteer();
  assert.equal((await call(member.cookie, 'POST', `/groups/${g.id}/members`, { exemptPassword: 'Join2468' })).json().status, 'joined');
  // A volunteer who served in one of the group's projects without joining it.
  const served = await volunteer();
  const { id: projectId } = await publish(t.app, gc);
  await t.app.ctx.db.updateTable('projects').set({ start_date: dayFrom(t.app, -10), end_date: dayFrom(t.app, 5) }).where('id', '=', projectId).execute();
  const position = (await t.app.ctx.db.selectFrom('positions').select('id').where('project_id', '=', projectId).executeTakeFirstOrThrow()).id;
  await t.app.ctx.db.insertInto('enrollments').values({ site_code: '11', project_id: projectId, account_id: served.id, position_id: position, status: 'enrolled', via: 'application', applied_at: new Date() }).execute();
  const hours = await call(gc, 'POST', `/projects/${projectId}/hours`, { records: [{ volunteerId: served.id, serviceDate: dayFrom(t.app, -1), startTime: '09:00', endTime: '11:00', hours: 2 }] });
  assert.equal(hours.statusCode, 201, hours.body);
  const stranger = await volunteer();

  const first = await call(gc, 'POST', `/groups/${g.id}/commendations`, { accountId: member.id, ...grant({ note: '全年服务 200 小时' }) });
  assert.equal(first.statusCode, 201, first.body);
  assert.equal(first.json().status, 'active');
  assert.equal((await call(gc, 'POST', `/groups/${g.id}/commendations`, { accountId: served.id, ...grant() })).statusCode, 201);
  const expect = async (cookie: string, payload: Record<string, unknown>, status: number, code: string, groupId = g.id) => {
    const r = await call(cookie, 'POST', `/groups/${groupId}/commendations`, payload);
    assert.equal(r.statusCode, status, r.body);
    assert.equal(r.json().code, code);
    return r.json();
  };
  await expect(gc, { accountId: member.id, ...grant() }, 409, 'COMMENDATION_EXISTS');
  await expect(gc, { accountId: stranger.id, ...grant() }, 422, 'NOT_RELATED');
  await expect(gc, { accountId: member.id, ...grant({ level: 'city', title: '市级优秀志愿者' }) }, 422, 'LEVEL_NOT_ALLOWED');
  await expect(gc, { accountId: member.id, ...grant({ grantedOn: dayFrom(t.app, 1) }) }, 422, 'DATE_INVALID');
  await expect(gc, { accountId: member.id, ...grant({ grantedOn: '2026-02-30' }) }, 422, 'DATE_INVALID');
  await expect(gc, { accountId: member.id, ...grant({ title: '   ' }) }, 422, 'TITLE_REQUIRED');
  await expect(gc, { accountId: g.accountId, ...grant() }, 422, 'VOLUNTEER_NOT_FOUND');
  assert.equal((await expect(gc, { accountId: member.id, ...grant({ level: 'world' }) }, 400, 'VALIDATION_FAILED')).errors[0].field, 'level');
  // Another group, a group whose jurisdiction lies elsewhere, and a volunteer may not; an unknown group is 404.
  await expect(oc, { accountId: member.id, ...grant() }, 403, 'NOT_GROUP_MANAGER');
  await expect(await outsideAuthority.signIn(), { accountId: member.id, ...grant() }, 403, 'NOT_GROUP_MANAGER');
  await expect(member.cookie, { accountId: member.id, ...grant({ title: '自封' }) }, 403, 'NOT_GROUP_MANAGER');
  await expect(gc, { accountId: member.id, ...grant() }, 404, 'NOT_FOUND', '01900000-0000-7000-8000-000000000000');

  // The registration authority and the administrator grant higher levels under the group the volunteer serves with.
  const city = await call(ac, 'POST', `/groups/${g.id}/commendations`, { accountId: member.id, ...grant({ level: 'city', title: '市级优秀志愿者', grantedOn: dayFrom(t.app, -1) }) });
  assert.equal(city.statusCode, 201, city.body);
  const national = await call(admin, 'POST', `/groups/${g.id}/commendations`, { accountId: member.id, ...grant({ level: 'national', title: '全国优秀志愿者', grantedOn: dayFrom(t.app, 0) }) });
  assert.equal(national.statusCode, 201, national.body);

  const mine = (await call(member.cookie, 'GET', '/me/commendations')).json();
  assert.equal(mine.total, 3);
  assert.deepEqual(mine.items.map((i: any) => [i.title, i.levelName, i.grantedAs]), [
    ['全国优秀志愿者', '国家级', 'admin'], ['市级优秀志愿者', '市级', 'authority'], ['优秀志愿者', '团体级', 'group'],
  ]);
  assert.equal(mine.items[2].groupName, (await t.app.ctx.db.selectFrom('groups').select('name').where('id', '=', g.id).executeTakeFirstOrThrow()).name);
  assert.equal(mine.items[2].note, '全年服务 200 小时');
  assert.equal((await call(served.cookie, 'GET', '/me/commendations')).json().total, 1);
  assert.equal((await call(stranger.cookie, 'GET', '/me/commendations')).json().total, 0);
  assert.equal((await call(gc, 'GET', '/me/commendations')).statusCode, 403);

  const list = await call(gc, 'GET', `/groups/${g.id}/commendations`);
  assert.equal(list.statusCode, 200, list.body);
  assert.equal(list.json().total, 4);
  assert.ok(list.json().items.some((i: any) => i.accountId === served.id && i.volunteerName === served.name));
  assert.equal((await call(ac, 'GET', `/groups/${g.id}/commendations`)).json().total, 4);
  assert.equal((await call(oc, 'GET', `/groups/${g.id}/commendations`)).statusCode, 403);
  assert.equal((await call(member.cookie, 'GET', `/groups/${g.id}/commendations`)).statusCode, 403);

  // Revoking: the group only what it granted, with a reason; authorities anything under groups they oversee.
  const own = first.json().id;
  assert.equal((await call(oc, 'DELETE', `/commendations/${own}`, { reason: '误发' })).json().code, 'NOT_GROUP_MANAGER');
  assert.equal((await call(gc, 'DELETE', `/commendations/${city.json().id}`, { reason: '误发' })).json().code, 'GRANTOR_ONLY');
  assert.equal((await call(gc, 'DELETE', `/commendations/${own}`, {})).statusCode, 400);
  assert.equal((await call(gc, 'DELETE', `/commendations/${own}`, { reason: '   ' })).statusCode, 400);
  assert.equal((await call(gc, 'DELETE', `/commendations/${own}`, { reason: '信息填写有误' })).statusCode, 204);
  assert.equal((await call(gc, 'DELETE', `/commendations/${own}`, { reason: '信息填写有误' })).json().code, 'ALREADY_REVOKED');
  assert.equal((await call(gc, 'DELETE', '/commendations/01900000-0000-7000-8000-000000000000', { reason: 'x' })).statusCode, 404);
  assert.equal((await call(admin, 'DELETE', `/commendations/${city.json().id}`, { reason: '重复录入' })).statusCode, 204);

  const after = (await call(member.cookie, 'GET', '/me/commendations')).json();
  assert.deepEqual(after.items.map((i: any) => i.title), ['全国优秀志愿者']);
  const revoked = (await call(gc, 'GET', `/groups/${g.id}/commendations?status=revoked`)).json();
  assert.equal(revoked.total, 2);
  assert.ok(revoked.items.some((i: any) => i.id === own && i.revokedReason === '信息填写有误' && i.revokedAt));
  // A revoked commendation may be granted again.
  assert.equal((await call(gc, 'POST', `/groups/${g.id}/commendations`, { accountId: member.id, ...grant() })).statusCode, 201);

  const audit = await t.app.ctx.db.selectFrom('audit_log').select(['action', 'actor_id']).where('action', 'like', 'commendation.%').execute();
  assert.ok(audit.some((a) => a.action === 'commendation.revoke' && a.actor_id === g.accountId));
  assert.ok(audit.some((a) => a.action === 'commendation.grant' && a.actor_id === authority.accountId));
  assert.equal(audit.filter((a) => a.action === 'commendation.grant').length, 5);
});
