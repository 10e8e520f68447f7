import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { asUser, createTestApp, seedVolunteer, signIn, TEST_ADMIN, type TestApp } from '../../../test/helper.js';
import { seedGroup } from '../../../test/groups.js';
import { dayFrom, publish } from '../projects/test-support.js';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t.close(); });

const volunteer = () => seedVolunteer(t.app);

const call = (cookie: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: Record<string, unknown>) =>
  asUser(t.app, cookie, { method, url: `/api/v1${url}`, ...(payload ? { payload } : {}) });

/** A project of `gc`'s group running from ten days ago to `endIn` days from today, the volunteers enrolled. */
async function project(gc: string, endIn: number, enrolled: string[], name = '社区助老服务') {
  const { id } = await publish(t.app, gc, { name });
  const db = t.app.ctx.db;
  await db.updateTable('projects').set({ start_date: dayFrom(t.app, -10), end_date: dayFrom(t.app, endIn) }).where('id', '=', id).execute();
  const position = (await db.selectFrom('positions').select('id').where('project_id', '=', id).executeTakeFirstOrThrow()).id;
  for (const accountId of enrolled) {
    await db.insertInto('enrollments').values({ site_code: '11', project_id: id, account_id: accountId, position_id: position, status: 'enrolled', via: 'application', applied_at: new Date() }).execute();
  }
  return id;
}

test('the organising group rates volunteers after a project; once each, editable for 30 days; shown to the volunteer', async () => {
  const g = await seedGroup(t.app);
  const gc = await g.signIn();
  const other = await seedGroup(t.app);
  const oc = await other.signIn();
  const admin = (await signIn(t.app, TEST_ADMIN.username, TEST_ADMIN.password)).cookie;
  const served = await volunteer();
  const enrolledOnly = await volunteer();
  const stranger = await volunteer();
  const stillRunning = await volunteer();

  const finished = await project(gc, -1, [served.id, enrolledOnly.id], '已结束的项目');
  const running = await project(gc, 5, [served.id, stillRunning.id], '进行中的项目');
  for (const [i, id] of [finished, running].entries()) {
    const r = await call(gc, 'POST', `/projects/${id}/hours`, { records: [{ volunteerId: served.id, serviceDate: dayFrom(t.app, -2 - i), startTime: '09:00', endTime: '11:00', hours: 2 }] });
    assert.equal(r.statusCode, 201, r.body);
  }

  const created = await call(gc, 'POST', `/projects/${finished}/evaluations`, { accountId: served.id, rating: 4, comment: '认真负责' });
  assert.equal(created.statusCode, 201, created.body);
  assert.equal(created.json().rating, 4);
  assert.equal(created.json().comment, '认真负责');
  const expect = async (cookie: string, url: string, payload: Record<string, unknown>, status: number, code: string) => {
    const r = await call(cookie, 'POST', url, payload);
    assert.equal(r.statusCode, status, r.body);
    assert.equal(r.json().code, code);
    return r.json();
  };
  await expect(gc, `/projects/${finished}/evaluations`, { accountId: served.id, rating: 5 }, 409, 'EVALUATION_EXISTS');
  // Enrolled without records: only once the project has finished; someone who never took part: never.
  assert.equal((await call(gc, 'POST', `/projects/${finished}/evaluations`, { accountId: enrolledOnly.id, rating: 3 })).statusCode, 201);
  await expect(gc, `/projects/${running}/evaluations`, { accountId: stillRunning.id, rating: 3 }, 422, 'NOT_ELIGIBLE');
  await expect(gc, `/projects/${finished}/evaluations`, { accountId: stranger.id, rating: 3 }, 422, 'NOT_ELIGIBLE');
  // With a record the project need not have ended.
  assert.equal((await call(gc, 'POST', `/projects/${running}/evaluations`, { accountId: served.id, rating: 5 })).statusCode, 201);
  for (const bad of [{ rating: 0 }, { rating: 6 }, { rating: 4.5 }, { rating: 4, comment: 'x'.repeat(501) }, { rating: 4, accountId: 'nope' }]) {
    await expect(gc, `/projects/${finished}/evaluations`, { accountId: stranger.id, ...bad }, 400, 'VALIDATION_FAILED');
  }
  // Only the organising group writes; another group, an administrator and the volunteer get 403; an unknown project 404.
  await expect(oc, `/projects/${finished}/evaluations`, { accountId: stranger.id, rating: 1 }, 403, 'NOT_ORGANISER');
  await expect(admin, `/projects/${finished}/evaluations`, { accountId: stranger.id, rating: 1 }, 403, 'NOT_ORGANISER');
  await expect(served.cookie, `/projects/${finished}/evaluations`, { accountId: served.id, rating: 5 }, 403, 'NOT_ORGANISER');
  await expect(gc, '/projects/01900000-0000-7000-8000-000000000000/evaluations', { accountId: served.id, rating: 5 }, 404, 'NOT_FOUND');

  const edited = await call(gc, 'PUT', `/projects/${finished}/evaluations/${served.id}`, { rating: 5, comment: '表现突出' });
  assert.equal(edited.statusCode, 200, edited.body);
  assert.equal(edited.json().rating, 5);
  assert.equal((await call(oc, 'PUT', `/projects/${finished}/evaluations/${served.id}`, { rating: 1 })).json().code, 'NOT_ORGANISER');
  assert.equal((await call(gc, 'PUT', `/projects/${finished}/evaluations/${stranger.id}`, { rating: 1 })).statusCode, 404);

  const listed = await call(gc, 'GET', `/projects/${finished}/evaluations`);
  assert.equal(listed.statusCode, 200, listed.body);
  assert.equal(listed.json().total, 2);
  const item = listed.json().items.find((i: any) => i.accountId === served.id);
  assert.equal(item.volunteerName, served.name);
  assert.equal(item.comment, '表现突出');
  assert.equal((await call(admin, 'GET', `/projects/${finished}/evaluations`)).statusCode, 200);
  assert.equal((await call(oc, 'GET', `/projects/${finished}/evaluations`)).json().code, 'NOT_ORGANISER');
  assert.equal((await call(served.cookie, 'GET', `/projects/${finished}/evaluations`)).statusCode, 403);

  const mine = (await call(served.cookie, 'GET', '/me/evaluations')).json();
  assert.equal(mine.total, 2);
  assert.equal(mine.averageRating, 5);
  assert.deepEqual(mine.items.map((i: any) => i.projectName).sort(), ['已结束的项目', '进行中的项目']);
  assert.ok(mine.items.every((i: any) => i.groupId === g.id && i.rating === 5));
  assert.deepEqual((await call(stranger.cookie, 'GET', '/me/evaluations')).json(), { items: [], averageRating: null, total: 0, page: 1, pageSize: 20 });
  assert.equal((await call(enrolledOnly.cookie, 'GET', '/me/evaluations')).json().averageRating, 3);
  assert.equal((await call(gc, 'GET', '/me/evaluations')).statusCode, 403);

  const audit = await t.app.ctx.db.selectFrom('audit_log').select(['action', 'actor_id', 'detail']).where('action', 'like', 'evaluation.%').execute();
  assert.equal(audit.filter((a) => a.action === 'evaluation.create').length, 3);
  assert.ok(audit.some((a) => a.action === 'evaluation.update' && a.actor_id === g.accountId && (a.detail as any).previousRating === 4));

  // After 30 days the evaluation is final.
  t.clock.advance(31 * 86_400_000);
  const late = await call(await g.signIn(), 'PUT', `/projects/${finished}/evaluations/${served.id}`, { rating: 1 });
  assert.equal(late.statusCode, 409);
  assert.equal(late.json().code, 'EVALUATION_LOCKED');
});
