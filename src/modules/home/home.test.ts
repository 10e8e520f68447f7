import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { asUser, createTestApp, seedVolunteer, type TestApp } from '../../../test/helper.js';
import { seedGroup } from '../../../test/groups.js';
import { dayFrom, publish } from '../projects/test-support.js';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t.close(); });

const get = async (cookie: string, url: string) => {
  const r = await asUser(t.app, cookie, { method: 'GET', url: `/api/v1${url}` });
  assert.equal(r.statusCode, 200, `${url}: ${r.body}`);
  return r.json();
};

test('GET /me/home gives in one call what the separate lists give for the home page', async () => {
  const volunteer = await seedVolunteer(t.app);
  const db = t.app.ctx.db;
  const groups = [await seedGroup(t.app, { name: '朝阳助老服务队' }), await seedGroup(t.app, { name: '海淀环保志愿团' })];
  const gc = await groups[0]!.signIn();
  for (const [i, g] of groups.entries()) {
    await db.insertInto('group_members').values({
      site_code: '11', group_id: g.id, account_id: volunteer.id, status: 'joined', via: 'application', applied_at: new Date(Date.now() - i * 60_000), decided_at: new Date(),
    }).execute();
  }
  // Seven projects ran from ten days ago, the volunteer enrolled in each with two hours on a different day: more than the page shows.
  for (let i = 0; i < 7; i++) {
    const { id } = await publish(t.app, gc, { name: `社区服务第${i + 1}期` });
    await db.updateTable('projects').set({ start_date: dayFrom(t.app, -10), end_date: dayFrom(t.app, i === 0 ? -1 : 5) }).where('id', '=', id).execute();
    const position = (await db.selectFrom('positions').select('id').where('project_id', '=', id).executeTakeFirstOrThrow()).id;
    await db.insertInto('enrollments').values({
      site_code: '11', project_id: id, account_id: volunteer.id, position_id: position, status: 'enrolled', via: 'application', applied_at: new Date(Date.now() + i * 1000),
    }).execute();
    const recorded = await asUser(t.app, gc, { method: 'POST', url: `/api/v1/projects/${id}/hours`, payload: {
      records: [{ volunteerId: volunteer.id, serviceDate: dayFrom(t.app, -2 - i), startTime: '09:00', endTime: '12:30', hours: 3.5 }],
    } });
    assert.equal(recorded.statusCode, 201, recorded.body);
    if (i < 4) {
      const rated = await asUser(t.app, gc, { method: 'POST', url: `/api/v1/projects/${id}/evaluations`, payload: { accountId: volunteer.id, rating: 4 + (i % 2), comment: `第${i + 1}次评价` } });
      assert.equal(rated.statusCode, 201, rated.body);
    }
  }

  const home = await get(volunteer.cookie, '/me/home');
  const summary = await get(volunteer.cookie, '/me/summary');
  assert.deepEqual({ totalHours: home.totalHours, stars: home.stars, groups: home.groupCount, projects: home.projectCount }, summary);
  assert.equal(home.totalHours, 24.5);
  assert.equal(home.groupCount, 2);
  assert.equal(home.projectCount, 7);

  const hours = await get(volunteer.cookie, '/me/hours?status=effective&pageSize=5');
  assert.deepEqual(home.recentHours, hours.items.map((h: any) => ({
    id: h.id, projectId: h.projectId, projectName: h.projectName, serviceDate: h.serviceDate, startTime: h.startTime, endTime: h.endTime, hours: h.hours,
  })));
  assert.equal(home.recentHours[0].startTime, '09:00');

  const projects = await get(volunteer.cookie, '/me/projects?status=enrolled&pageSize=5');
  assert.deepEqual(home.projects, projects.items.map((p: any) => ({
    projectId: p.projectId, projectName: p.projectName, siteCode: p.siteCode, positionName: p.positionName, startDate: p.startDate, endDate: p.endDate,
    projectStatus: p.projectStatus,
  })));
  assert.equal(home.projects.length, 5);
  assert.ok(home.projects.some((p: any) => p.projectStatus === 'in_progress'));

  const myGroups = await get(volunteer.cookie, '/me/groups?status=joined&pageSize=5');
  assert.deepEqual(home.groups, myGroups.items.map((g: any) => ({ groupId: g.groupId, groupName: g.groupName, siteCode: g.siteCode })));
  assert.deepEqual(home.groups.map((g: any) => g.groupName), ['朝阳助老服务队', '海淀环保志愿团']);

  const evaluations = await get(volunteer.cookie, '/me/evaluations?pageSize=3');
  assert.deepEqual(home.evaluations, {
    items: evaluations.items.map((e: any) => ({
      projectId: e.projectId, projectName: e.projectName, groupId: e.groupId, groupName: e.groupName, rating: e.rating, comment: e.comment, updatedAt: e.updatedAt,
    })),
    averageRating: 4.5,
    total: 4,
  });
  assert.equal(home.evaluations.items.length, 3);
});

test('GET /me/home for a new volunteer is all zeros and empty lists; only volunteers may ask', async () => {
  const volunteer = await seedVolunteer(t.app);
  assert.deepEqual(await get(volunteer.cookie, '/me/home'), {
    totalHours: 0, stars: 0, groupCount: 0, projectCount: 0, groups: [], projects: [], recentHours: [],
    evaluations: { items: [], averageRating: null, total: 0 },
  });
  const anonymous = await t.app.inject({ method: 'GET', url: '/api/v1/me/home' });
  assert.equal(anonymous.statusCode, 401);
  const group = await seedGroup(t.app);
  const asGroup = await asUser(t.app, await group.signIn(), { method: 'GET', url: '/api/v1/me/home' });
  assert.equal(asGroup.statusCode, 403);
  assert.equal(asGroup.headers['content-type'], 'application/problem+json; charset=utf-8');
});
