import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, asUser, type TestApp } from '../../../test/helper.js';
import { seedGroup } from '../../../test/groups.js';
import { dayFrom, projectBody } from './test-support.js';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t.close(); });

const post = (cookie: string, payload: unknown) => asUser(t.app, cookie, { method: 'POST', url: '/api/v1/projects', payload: payload as object });

test('a group publishes directly or for review by its level; pending groups and volunteers cannot publish', async () => {
  const expected = { basic: 'pending_review', primary_group: 'pending_review', primary_project: 'recruiting', intermediate: 'recruiting', advanced: 'recruiting' } as const;
  for (const [level, status] of Object.entries(expected)) {
    const g = await seedGroup(t.app, { level: level as keyof typeof expected });
    const res = await post(await g.signIn(), projectBody(t.app));
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json().status, status, level);
    const group = await t.app.ctx.db.selectFrom('groups').select('project_count').where('id', '=', g.id).executeTakeFirstOrThrow();
    assert.equal(group.project_count, 1);
    const [entry] = await t.app.ctx.db.selectFrom('audit_log').selectAll().where('action', '=', 'project.publish').where('target_id', '=', res.json().id).execute();
    assert.equal(entry!.actor_id, g.accountId);
    assert.equal((entry!.detail as any).groupId, g.id);
    assert.equal((entry!.detail as any).role, 'group_account');
  }
  const pending = await seedGroup(t.app, { status: 'pending' });
  const refused = await post(await pending.signIn(), projectBody(t.app));
  assert.equal(refused.statusCode, 403);
  assert.equal(refused.json().code, 'GROUP_LEVEL_INSUFFICIENT');
  assert.equal((await t.app.inject({ method: 'POST', url: '/api/v1/projects', headers: { 'x-requested-with': 'zhiyuan-web' }, payload: projectBody(t.app) })).statusCode, 401);
});

test('the project is stored with its positions, total quota and an exempt password hash', async () => {
  const g = await seedGroup(t.app, { level: 'intermediate' });
  const res = await post(await g.signIn(), projectBody(t.app, { exemptPassword: 'mian1234' }));
  const detail = (await t.app.inject({ method: 'GET', url: `/api/v1/projects/${res.json().id}` })).json();
  assert.equal(detail.totalQuota, 8);
  assert.equal(detail.exemptPasswordSet, true);
  assert.equal(detail.groupId, g.id);
  assert.equal(detail.regionName, '北京市朝阳区');
  assert.deepEqual(detail.location, { lat: 39.92, lng: 116.44 });
  assert.deepEqual(detail.positions.map((p: any) => [p.name, p.quota, p.requirements, p.enrolledCount]).sort(), [['引导', 3, '', 0], ['陪护', 5, '有耐心', 0]]);
  assert.equal(detail.recruitFrom, dayFrom(t.app, 0));
  assert.equal(detail.recruitTo, detail.endDate);
  assert.equal(JSON.stringify(detail).includes('mian1234'), false);
});

test('every bad field is refused with 400 naming it', async () => {
  const g = await seedGroup(t.app, { level: 'intermediate' });
  const cookie = await g.signIn();
  const cases: [Record<string, unknown>, string, string?][] = [
    [{ name: '一' }, 'name'],
    [{ name: 'x'.repeat(101) }, 'name'],
    [{ name: '  一  ' }, 'name', 'TOO_SHORT'],
    [{ siteCode: '31', regionCode: '310101' }, 'siteCode', 'NOT_GROUP_SITE'],
    [{ regionCode: '310101' }, 'regionCode', 'NOT_IN_SITE'],
    [{ regionCode: '119999' }, 'regionCode', 'UNKNOWN_REGION'],
    [{ regionCode: '110000' }, 'regionCode', 'TOO_BROAD'],
    [{ category: 'nope' }, 'category'],
    [{ serviceTarget: 'aliens' }, 'serviceTarget'],
    [{ enrollmentScope: 'friends' }, 'enrollmentScope'],
    [{ startDate: dayFrom(t.app, -1) }, 'startDate', 'IN_PAST'],
    [{ startDate: '2030-02-30' }, 'startDate', 'BAD_DATE'],
    [{ endDate: dayFrom(t.app, 6) }, 'endDate', 'BEFORE_START'],
    [{ recruitFrom: dayFrom(t.app, 3), recruitTo: dayFrom(t.app, 2) }, 'recruitTo', 'BEFORE_FROM'],
    [{ recruitTo: dayFrom(t.app, 10) }, 'recruitTo', 'AFTER_END'],
    [{ address: '' }, 'address'],
    [{ address: '   ' }, 'address', 'REQUIRED'],
    [{ address: '址'.repeat(201) }, 'address'],
    [{ location: { lat: 51.5, lng: -0.12 } }, 'location', 'OUTSIDE_CHINA'],
    [{ location: { lat: 39.9 } }, 'location.lng'],
    [{ description: '述'.repeat(5001) }, 'description'],
    [{ positions: [] }, 'positions'],
    [{ positions: Array.from({ length: 51 }, (_, i) => ({ name: `岗${i}`, quota: 1 })) }, 'positions'],
    [{ positions: [{ name: '陪护', quota: 0 }] }, 'positions.0.quota'],
    [{ positions: [{ name: '陪护', quota: 10_001 }] }, 'positions.0.quota'],
    [{ positions: [{ name: '', quota: 1 }] }, 'positions.0.name'],
    [{ positions: [{ name: '陪护', quota: 1 }, { name: '陪护', quota: 2 }] }, 'positions.1.name', 'DUPLICATE'],
    [{ exemptPassword: '12' }, 'exemptPassword'],
  ];
  for (const [override, field, code] of cases) {
    const res = await post(cookie, projectBody(t.app, override));
    assert.equal(res.statusCode, 400, `${JSON.stringify(override).slice(0, 80)}: ${res.body}`);
    const problems = res.json().errors as { field: string; code: string }[];
    assert.ok(problems.some((p) => p.field === field && (!code || p.code === code)), `${field} ${code ?? ''}: ${res.body}`);
  }
  const { startDate: _s, ...noStart } = projectBody(t.app);
  assert.equal((await post(cookie, noStart)).statusCode, 400);
  const group = await t.app.ctx.db.selectFrom('groups').select('project_count').where('id', '=', g.id).executeTakeFirstOrThrow();
  assert.equal(group.project_count, 0);
});
