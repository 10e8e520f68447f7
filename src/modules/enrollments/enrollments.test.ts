import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { asUser, createTestApp, seedVolunteer, signIn, TEST_ADMIN, type TestApp } from '../../../test/helper.js';
import { seedGroup } from '../../../test/groups.js';
import { publish } from '../projects/test-support.js';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t.close(); });

/** A registered volunteer, marked real-name verified directly (the demo registry does not know test people). */
const volunteer = (verified = true) => seedVolunteer(t.app, { verified });

const call = (cookie: string, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: Record<string, unknown>) =>
  asUser(t.app, cookie, { method, url: `/api/v1${url}`, ...(payload ? { payload } : {}) });

/** A recruiting project of a fresh intermediate group (publishes directly) with its positions by name. */
async function project(overrides: Record<string, unknown> = {}) {
  const group = await seedGroup(t.app, { level: 'intermediate' });
  const gc = await group.signIn();
  const { id } = await publish(t.app, gc, overrides);
  const rows = await t.app.ctx.db.selectFrom('positions').select(['id', 'name']).where('project_id', '=', id).execute();
  const positions = Object.fromEntries(rows.map((r) => [r.name, r.id])) as Record<string, string>;
  return { id, group, gc, positions, first: rows[0]!.id };
}

const counts = async (projectId: string) => {
  const p = await t.app.ctx.db.selectFrom('projects').select('enrolled_count').where('id', '=', projectId).executeTakeFirstOrThrow();
  const pos = await t.app.ctx.db.selectFrom('positions').select(['name', 'enrolled_count']).where('project_id', '=', projectId).execute();
  return { project: p.enrolled_count, positions: Object.fromEntries(pos.map((r) => [r.name, r.enrolled_count])) };
};

test('apply, approve, reject with a reason, cancel and apply again; my projects tabs and limits', async () => {
  const p = await project();
  const a = await volunteer();
  const b = await volunteer();

  const applied = await call(a.cookie, 'POST', `/projects/${p.id}/enrollments`, { positionId: p.positions['陪护']! });
  assert.equal(applied.statusCode, 201, applied.body);
  assert.deepEqual(applied.json(), { status: 'pending' });
  assert.equal((await call(a.cookie, 'POST', `/projects/${p.id}/enrollments`, { positionId: p.positions['引导']! })).json().code, 'ALREADY_APPLIED');
  assert.deepEqual((await call(a.cookie, 'GET', '/me/projects/limits?siteCode=11')).json(), { siteCode: '11', used: 1, limit: 5 });
  assert.equal((await call(b.cookie, 'POST', `/projects/${p.id}/enrollments`, { positionId: p.positions['引导']! })).statusCode, 201);

  const list = await call(p.gc, 'GET', `/projects/${p.id}/enrollments?status=pending`);
  assert.equal(list.statusCode, 200, list.body);
  assert.equal(list.json().total, 2);
  const itemA = list.json().items.find((i: any) => i.accountId === a.id);
  assert.equal(itemA.positionName, '陪护');
  assert.match(itemA.phone, /^\d{3}\*{4}\d{4}$/);
  assert.equal(list.body.includes(a.phone), false);

  const approved = await call(p.gc, 'POST', `/projects/${p.id}/enrollments/${a.id}/decision`, { decision: 'approve' });
  assert.deepEqual(approved.json(), { status: 'enrolled' });
  assert.equal((await call(p.gc, 'POST', `/projects/${p.id}/enrollments/${a.id}/decision`, { decision: 'approve' })).json().code, 'NOT_PENDING');
  assert.deepEqual(await counts(p.id), { project: 1, positions: { 陪护: 1, 引导: 0 } });
  assert.equal((await call(a.cookie, 'POST', `/projects/${p.id}/enrollments`, { positionId: p.first })).json().code, 'ALREADY_ENROLLED');

  const noReason = await call(p.gc, 'POST', `/projects/${p.id}/enrollments/${b.id}/decision`, { decision: 'reject' });
  assert.equal(noReason.statusCode, 400);
  assert.equal(noReason.json().errors[0].field, 'reason');
  assert.deepEqual((await call(p.gc, 'POST', `/projects/${p.id}/enrollments/${b.id}/decision`, { decision: 'reject', reason: '人数已够' })).json(), { status: 'rejected' });
  assert.deepEqual((await call(b.cookie, 'GET', '/me/projects/limits')).json(), { siteCode: '11', used: 0, limit: 5 });

  const mine = (await call(a.cookie, 'GET', '/me/projects?status=enrolled')).json();
  assert.equal(mine.total, 1);
  assert.equal(mine.items[0].projectName, '社区助老服务');
  assert.equal(mine.items[0].positionName, '陪护');
  assert.equal(mine.items[0].projectStatus, 'recruiting');
  assert.equal((await call(a.cookie, 'GET', '/me/projects?status=pending')).json().total, 0);
  const rejected = (await call(b.cookie, 'GET', '/me/projects?status=rejected')).json();
  assert.equal(rejected.items[0].reason, '人数已够');
  assert.equal((await call(b.cookie, 'GET', '/me/projects?status=enrolled')).json().total, 0);

  // Cancelling an accepted enrolment frees the place; a rejected volunteer may apply again.
  assert.equal((await call(a.cookie, 'DELETE', `/projects/${p.id}/enrollments/me`)).statusCode, 204);
  assert.deepEqual(await counts(p.id), { project: 0, positions: { 陪护: 0, 引导: 0 } });
  assert.equal((await call(a.cookie, 'DELETE', `/projects/${p.id}/enrollments/me`)).json().code, 'NOT_CANCELLABLE');
  assert.equal((await call(b.cookie, 'POST', `/projects/${p.id}/enrollments`, { positionId: p.first })).json().status, 'pending');
  assert.equal((await call(b.cookie, 'DELETE', `/projects/${p.id}/enrollments/me`)).statusCode, 204);
  assert.deepEqual((await call(b.cookie, 'GET', '/me/projects/limits')).json().used, 0);

  const actions = await t.app.ctx.db.selectFrom('audit_log').select(['action', 'actor_id']).where('target_id', 'in', [p.id, a.id, b.id])
    .where('action', 'like', 'project.enrollment.%').execute();
  assert.ok(actions.some((e) => e.action === 'project.enrollment.decide' && e.actor_id === p.group.accountId));
  assert.ok(actions.some((e) => e.action === 'project.enrollment.apply' && e.actor_id === a.id));
  assert.ok(actions.some((e) => e.action === 'project.enrollment.cancel' && e.actor_id === b.id));
});

test('six parallel applications to six projects leave exactly five pending', async () => {
  const v = await volunteer();
  const projects = [];
  for (let i = 0; i < 6; i += 1) projects.push(await project());
  const results = await Promise.all(projects.map((p) => call(v.cookie, 'POST', `/projects/${p.id}/enrollments`, { positionId: p.first })));
  const codes = results.map((r) => r.statusCode).sort();
  assert.deepEqual(codes, [201, 201, 201, 201, 201, 409]);
  assert.equal(results.find((r) => r.statusCode === 409)!.json().code, 'PENDING_PROJECT_LIMIT');
  const counter = await t.app.ctx.db.selectFrom('volunteer_site_counters').select('pending_projects')
    .where('account_id', '=', v.id).where('site_code', '=', '11').executeTakeFirstOrThrow();
  assert.equal(counter.pending_projects, 5);
  const pending = await t.app.ctx.db.selectFrom('enrollments').select((eb) => eb.fn.countAll<string>().as('n'))
    .where('account_id', '=', v.id).where('status', '=', 'pending').executeTakeFirstOrThrow();
  assert.equal(Number(pending.n), 5);
  // A decision frees a slot, and the refused project can then be applied to.
  const sixth = projects.find((_, i) => results[i]!.statusCode === 409)!;
  const first = projects.find((_, i) => results[i]!.statusCode === 201)!;
  assert.equal((await call(first.gc, 'POST', `/projects/${first.id}/enrollments/${v.id}/decision`, { decision: 'reject', reason: '岗位已满' })).statusCode, 200);
  assert.equal((await call(v.cookie, 'POST', `/projects/${sixth.id}/enrollments`, { positionId: sixth.first })).statusCode, 201);
  assert.equal((await call(v.cookie, 'GET', '/me/projects/limits')).json().used, 5);
});

test('a quota of three with six parallel exempt-password enrolments enrols exactly three; approvals respect it too', async () => {
  const p = await project({ exemptPassword: 'mian1234', positions: [{ name: '小岗', quota: 3 }] });
  const people = await Promise.all(Array.from({ length: 6 }, () => volunteer()));
  const results = await Promise.all(people.map((v) => call(v.cookie, 'POST', `/projects/${p.id}/enrollments`, { positionId: p.first, exemptPassword: 'mian1234' })));
  assert.deepEqual(results.map((r) => r.statusCode).sort(), [201, 201, 201, 409, 409, 409]);
  assert.ok(results.filter((r) => r.statusCode === 409).every((r) => r.json().code === 'POSITION_FULL'));
  assert.deepEqual(await counts(p.id), { project: 3, positions: { 小岗: 3 } });

  // Pending applications may exceed the quota; approving one more than fits is refused, in parallel too.
  const q = await project({ positions: [{ name: '小岗', quota: 2 }] });
  for (const v of people.slice(0, 4)) assert.equal((await call(v.cookie, 'POST', `/projects/${q.id}/enrollments`, { positionId: q.first })).statusCode, 201);
  const decisions = await Promise.all(people.slice(0, 4).map((v) => call(q.gc, 'POST', `/projects/${q.id}/enrollments/${v.id}/decision`, { decision: 'approve' })));
  assert.deepEqual(decisions.map((r) => r.statusCode).sort(), [200, 200, 409, 409]);
  assert.ok(decisions.filter((r) => r.statusCode === 409).every((r) => r.json().code === 'POSITION_FULL'));
  assert.deepEqual(await counts(q.id), { project: 2, positions: { 小岗: 2 } });
});

test('exempt password right and wrong; real-name required; unknown position', async () => {
  const p = await project({ exemptPassword: 'mian1234' });
  const v = await volunteer();
  const wrong = await call(v.cookie, 'POST', `/projects/${p.id}/enrollments`, { positionId: p.first, exemptPassword: 'nope1234' });
  assert.equal(wrong.statusCode, 422);
  assert.equal(wrong.json().code, 'EXEMPT_PASSWORD_WRONG');
  const right = await call(v.cookie, 'POST', `/projects/${p.id}/enrollments`, { positionId: p.first, exemptPassword: 'mian1234' });
  assert.deepEqual(right.json(), { status: 'enrolled' });
  assert.equal((await call(v.cookie, 'GET', '/me/projects/limits')).json().used, 0);

  const unverified = await volunteer(false);
  const refused = await call(unverified.cookie, 'POST', `/projects/${p.id}/enrollments`, { positionId: p.first });
  assert.equal(refused.statusCode, 403);
  assert.equal(refused.json().code, 'REALNAME_REQUIRED');
  const unknown = await call(v.cookie, 'POST', `/projects/${p.id}/enrollments`, { positionId: p.group.id });
  assert.equal(unknown.statusCode, 400);
  assert.equal(unknown.json().errors[0].field, 'positionId');

  // Throttled after five tries in an hour.
  const w = await volunteer();
  for (let i = 0; i < 4; i += 1) await call(w.cookie, 'POST', `/projects/${p.id}/enrollments`, { positionId: p.first, exemptPassword: 'bad' });
  assert.equal((await call(w.cookie, 'POST', `/projects/${p.id}/enrollments`, { positionId: p.first, exemptPassword: 'bad' })).statusCode, 422);
  assert.equal((await call(w.cookie, 'POST', `/projects/${p.id}/enrollments`, { positionId: p.first, exemptPassword: 'mian1234' })).statusCode, 429);
});

test('members-only projects take joined members of the group only', async () => {
  const p = await project({ enrollmentScope: 'members' });
  const v = await volunteer();
  const refused = await call(v.cookie, 'POST', `/projects/${p.id}/enrollments`, { positionId: p.first });
  assert.equal(refused.statusCode, 403);
  assert.equal(refused.json().code, 'MEMBERS_ONLY');
  await t.app.ctx.db.insertInto('group_members').values({
    site_code: '11', group_id: p.group.id, account_id: v.id, status: 'joined', via: 'application', reason: null, applied_at: new Date(), decided_at: new Date(), decided_by: null,
  }).execute();
  assert.equal((await call(v.cookie, 'POST', `/projects/${p.id}/enrollments`, { positionId: p.first })).statusCode, 201);
});

test('another group gets 404; an administrator may decide; unpublished projects are not open', async () => {
  const p = await project();
  const v = await volunteer();
  await call(v.cookie, 'POST', `/projects/${p.id}/enrollments`, { positionId: p.first });
  const other = await seedGroup(t.app, { level: 'intermediate' });
  const oc = await other.signIn();
  assert.equal((await call(oc, 'GET', `/projects/${p.id}/enrollments`)).statusCode, 404);
  assert.equal((await call(oc, 'POST', `/projects/${p.id}/enrollments/${v.id}/decision`, { decision: 'approve' })).statusCode, 404);
  assert.equal((await call(v.cookie, 'GET', `/projects/${p.id}/enrollments`)).statusCode, 404);
  const admin = (await signIn(t.app, TEST_ADMIN.username, TEST_ADMIN.password)).cookie;
  const decided = await call(admin, 'POST', `/projects/${p.id}/enrollments/${v.id}/decision`, { decision: 'reject', reason: '不符合岗位要求' });
  assert.deepEqual(decided.json(), { status: 'rejected' });

  const basic = await seedGroup(t.app, { level: 'basic' });
  const { id: reviewId } = await publish(t.app, await basic.signIn());
  const position = await t.app.ctx.db.selectFrom('positions').select('id').where('project_id', '=', reviewId).executeTakeFirstOrThrow();
  assert.equal((await call(v.cookie, 'POST', `/projects/${reviewId}/enrollments`, { positionId: position.id })).statusCode, 404);
});

// Runs last: it moves the shared clock past the projects' start.
test('a project no longer recruiting refuses applications', async () => {
  const p = await project();
  const v = await volunteer();
  t.clock.advance(8 * 86_400_000);
  const { cookie } = await signIn(t.app, v.username, v.password);
  const res = await call(cookie, 'POST', `/projects/${p.id}/enrollments`, { positionId: p.first });
  assert.equal(res.statusCode, 409);
  assert.equal(res.json().code, 'PROJECT_NOT_RECRUITING');
});

test('cancelling a project ends its pending applications and gives the pending slots back', async () => {
  const p = await project();
  const v = await volunteer();
  assert.equal((await call(v.cookie, 'POST', `/projects/${p.id}/enrollments`, { positionId: p.first })).statusCode, 201);
  assert.equal((await call(v.cookie, 'GET', '/me/projects/limits?siteCode=11')).json().used, 1);
  const cancelled = await call(p.gc, 'POST', `/projects/${p.id}/cancel`, { reason: '天气原因取消' });
  assert.equal(cancelled.statusCode, 200, cancelled.body);
  assert.equal((await call(v.cookie, 'GET', '/me/projects/limits?siteCode=11')).json().used, 0);
  const mine = (await call(v.cookie, 'GET', '/me/projects?status=cancelled')).json();
  assert.equal(mine.items[0].reason, '天气原因取消');
});
