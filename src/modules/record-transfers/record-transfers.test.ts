import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { asUser, createTestApp, seedVolunteer, signIn, type TestApp } from '../../../test/helper.js';
import { seedGroup } from '../../../test/groups.js';
import { dayFrom, publish } from '../projects/test-support.js';
import { lockPersonRow } from '../accounts/person-lock.js';
import type { Database } from '../../platform/database/database.js';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t.close(); });

const volunteer = (verified = true) => seedVolunteer(t.app, { verified });

const call = (cookie: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: Record<string, unknown>) =>
  asUser(t.app, cookie, { method, url: `/api/v1${url}`, ...(payload ? { payload } : {}) });

const SHANGHAI = { siteCode: '31', regionCode: '310101' };

/** A recruiting project of a fresh group in `siteCode` (Beijing 朝阳区 or Shanghai 黄浦区). */
async function project(siteCode: '11' | '31' = '11') {
  const regionCode = siteCode === '11' ? '110105' : '310101';
  const group = await seedGroup(t.app, { siteCode, regionCode, level: 'intermediate' });
  const gc = await group.signIn();
  const { id } = await publish(t.app, gc, { siteCode, regionCode, location: siteCode === '11' ? { lat: 39.92, lng: 116.44 } : { lat: 31.23, lng: 121.47 } });
  const position = (await t.app.ctx.db.selectFrom('positions').select('id').where('project_id', '=', id).executeTakeFirstOrThrow()).id;
  return { id, group, gc, position };
}

/** Every counter row of the volunteer against the rows it counts, per site. */
async function countersMatchRows(accountId: string) {
  const db = t.app.ctx.db;
  const counters = await db.selectFrom('volunteer_site_counters').selectAll().where('account_id', '=', accountId).execute();
  for (const c of counters) {
    const pending = await db.selectFrom('enrollments').select((eb) => eb.fn.countAll<number>().as('n'))
      .where('site_code', '=', c.site_code).where('account_id', '=', accountId).where('status', '=', 'pending').executeTakeFirstOrThrow();
    const groups = await db.selectFrom('group_members').select((eb) => eb.fn.countAll<number>().as('n'))
      .where('site_code', '=', c.site_code).where('account_id', '=', accountId).where('status', 'in', ['pending', 'joined']).executeTakeFirstOrThrow();
    assert.equal(c.pending_projects, Number(pending.n), `pending projects in site ${c.site_code}`);
    assert.equal(c.active_groups, Number(groups.n), `active groups in site ${c.site_code}`);
  }
  return Object.fromEntries(counters.map((c) => [c.site_code, { pending: c.pending_projects, groups: c.active_groups }]));
}

const home = async (accountId: string) => t.app.ctx.db.selectFrom('accounts as a').innerJoin('volunteer_profiles as v', 'v.account_id', 'a.id')
  .select(['a.site_code', 'v.service_region_code', 'v.volunteer_number']).where('a.id', '=', accountId).executeTakeFirstOrThrow();

test('a transfer moves home site and region; records, groups and totals follow; history, GET /me and the next sign-in show the new site', async () => {
  const v = await volunteer();
  await t.app.ctx.db.updateTable('volunteer_profiles').set({ volunteer_number: '11010520260000001' }).where('account_id', '=', v.id).execute();
  const p = await project('11');
  await t.app.ctx.db.insertInto('enrollments').values({
    site_code: '11', project_id: p.id, account_id: v.id, position_id: p.position, status: 'enrolled', via: 'application', applied_at: new Date(),
  }).execute();
  await t.app.ctx.db.updateTable('projects').set({ start_date: dayFrom(t.app, -10), end_date: dayFrom(t.app, 5) }).where('id', '=', p.id).execute();
  const hours = await call(p.gc, 'POST', `/projects/${p.id}/hours`, { records: [{ volunteerId: v.id, serviceDate: dayFrom(t.app, -1), startTime: '09:00', endTime: '12:00', hours: 3 }] });
  assert.equal(hours.statusCode, 201, hours.body);
  const g = await seedGroup(t.app, { siteCode: '11', regionCode: '110105', exemptPassword: 'Join2468' });
  assert.equal((await call(v.cookie, 'POST', `/groups/${g.id}/members`, { exemptPassword: 'Join2468' })).json().status, 'joined');
  const summaryBefore = (await call(v.cookie, 'GET', '/me/summary')).json();
  assert.deepEqual(summaryBefore, { totalHours: 3, stars: 0, groups: 1, projects: 1 });

  const res = await call(v.cookie, 'POST', '/me/transfers', { ...SHANGHAI, reason: '工作调动' });
  assert.equal(res.statusCode, 201, res.body);
  const moved = res.json();
  assert.equal(moved.fromSiteCode, '11');
  assert.equal(moved.fromRegionCode, '110105');
  assert.equal(moved.fromRegionName, '北京市朝阳区');
  assert.equal(moved.toSiteCode, '31');
  assert.equal(moved.toSiteName, '上海市');
  assert.equal(moved.toRegionName, '上海市黄浦区');
  assert.equal(moved.reason, '工作调动');

  // The session stays valid and now sees the new site; the national volunteer number does not change.
  const me = (await call(v.cookie, 'GET', '/me')).json();
  assert.equal(me.siteCode, '31');
  assert.equal(me.volunteerNumber, '11010520260000001');
  const profile = (await call(v.cookie, 'GET', '/me/profile')).json();
  assert.equal(profile.intentions.serviceRegionCode, '310101');
  assert.equal(profile.basic.siteCode, '31');
  const again = await signIn(t.app, v.username, v.password);
  assert.equal(again.body.account.siteCode, '31');

  // Everything recorded in Beijing keeps showing: records stay in the organiser's rows, views are by account.
  assert.deepEqual((await call(again.cookie, 'GET', '/me/summary')).json(), summaryBefore);
  assert.equal((await call(again.cookie, 'GET', '/me/hours')).json().total, 1);
  const groups = (await call(again.cookie, 'GET', '/me/groups')).json();
  assert.equal(groups.items[0].groupId, g.id);
  assert.equal(groups.items[0].siteCode, '11');
  assert.equal((await call(again.cookie, 'GET', '/me/projects?status=enrolled')).json().total, 1);
  // Limits shown by default are the new site's; the Beijing membership still counts in Beijing.
  assert.deepEqual((await call(again.cookie, 'GET', '/me/groups/limits')).json(), { siteCode: '31', used: 0, limit: 20 });
  assert.deepEqual((await call(again.cookie, 'GET', '/me/groups/limits?siteCode=11')).json(), { siteCode: '11', used: 1, limit: 20 });

  const history = (await call(again.cookie, 'GET', '/me/transfers')).json();
  assert.equal(history.total, 1);
  assert.equal(history.items[0].id, moved.id);
  const auditRow = await t.app.ctx.db.selectFrom('audit_log').select(['actor_id', 'site_code', 'detail']).where('action', '=', 'record_transfer.create')
    .where('target_id', '=', v.id).executeTakeFirstOrThrow();
  assert.equal(auditRow.actor_id, v.id);
  assert.equal(auditRow.site_code, '31');
  // A region in the old province is now refused by the profile: the region must lie in the home site.
  assert.equal((await call(again.cookie, 'PATCH', '/me/profile', { intentions: { serviceRegionCode: '110108' } })).json().code, 'REGION_INVALID');
});

test('validation, permissions, and one transfer per 30 days (also under parallel requests)', async () => {
  const anonymous = await t.app.inject({ method: 'POST', url: '/api/v1/me/transfers', payload: SHANGHAI });
  assert.equal(anonymous.statusCode, 401);
  const group = await seedGroup(t.app);
  const gc = await group.signIn();
  assert.equal((await call(gc, 'POST', '/me/transfers', SHANGHAI)).statusCode, 403);
  assert.equal((await call(gc, 'GET', '/me/transfers')).statusCode, 403);
  const unverified = await volunteer(false);
  const refused = await call(unverified.cookie, 'POST', '/me/transfers', SHANGHAI);
  assert.equal(refused.statusCode, 403);
  assert.equal(refused.json().code, 'REALNAME_REQUIRED');

  const v = await volunteer();
  const expect = async (payload: Record<string, unknown>, status: number, code: string) => {
    const r = await call(v.cookie, 'POST', '/me/transfers', payload);
    assert.equal(r.statusCode, status, r.body);
    assert.equal(r.json().code, code);
    assert.match(r.json().title, /[\u4e00-\u9fa5]/);
    return r.json();
  };
  await expect({ siteCode: '99', regionCode: '310101' }, 422, 'SITE_INVALID');
  await expect({ siteCode: '11', regionCode: '310101' }, 422, 'REGION_INVALID');
  await expect({ siteCode: '31', regionCode: '310100' }, 422, 'REGION_INVALID');
  await expect({ siteCode: '31', regionCode: '319999' }, 422, 'REGION_INVALID');
  await expect({ siteCode: '11', regionCode: '110105' }, 422, 'SAME_REGION');
  assert.equal((await expect({ siteCode: '3', regionCode: '310101' }, 400, 'VALIDATION_FAILED')).errors[0].field, 'siteCode');
  await expect({ siteCode: '31', regionCode: 'abc' }, 400, 'VALIDATION_FAILED');
  assert.equal((await call(v.cookie, 'GET', '/me')).json().siteCode, '11');

  // Within one site, to another county, is a transfer too.
  const [first, second] = await Promise.all([
    call(v.cookie, 'POST', '/me/transfers', { siteCode: '11', regionCode: '110108' }),
    call(v.cookie, 'POST', '/me/transfers', SHANGHAI),
  ]);
  assert.deepEqual([first.statusCode, second.statusCode].sort(), [201, 429]);
  const tooSoon = [first, second].find((r) => r.statusCode === 429)!.json();
  assert.equal(tooSoon.code, 'TRANSFER_TOO_SOON');
  assert.ok(tooSoon.retryAfter > 29 * 86_400 && tooSoon.retryAfter <= 30 * 86_400);
  assert.equal((await t.app.ctx.db.selectFrom('record_transfers').select('id').where('account_id', '=', v.id).execute()).length, 1);

  t.clock.advance(30 * 86_400_000 + 1000);
  const { cookie } = await signIn(t.app, v.username, v.password);
  const later = await call(cookie, 'POST', '/me/transfers', { siteCode: '44', regionCode: '440106' });
  assert.equal(later.statusCode, 201, later.body);
  const history = (await call(cookie, 'GET', '/me/transfers')).json();
  assert.equal(history.total, 2);
  assert.equal(history.items[0].toSiteCode, '44');
  assert.equal(history.items[1].toSiteCode, first.statusCode === 201 ? '11' : '31');
  assert.equal(history.items[0].fromSiteCode, history.items[1].toSiteCode);
  assert.deepEqual(await home(v.id), { site_code: '44', service_region_code: '440106', volunteer_number: null });
});

test('a transfer in parallel with enrolments, group applications and a profile change leaves nothing half-moved', async () => {
  const v = await volunteer();
  const earlier = await project('11');
  assert.equal((await call(v.cookie, 'POST', `/projects/${earlier.id}/enrollments`, { positionId: earlier.position })).statusCode, 201);
  const beijing = [await project('11'), await project('11'), await project('11')];
  const shanghai = [await project('31'), await project('31'), await project('31')];
  const g11 = await seedGroup(t.app, { siteCode: '11', regionCode: '110105' });
  const g31 = await seedGroup(t.app, { siteCode: '31', regionCode: '310101' });

  const [transfer, profile, ...rest] = await Promise.all([
    call(v.cookie, 'POST', '/me/transfers', SHANGHAI),
    call(v.cookie, 'PATCH', '/me/profile', { intentions: { serviceRegionCode: '110108' } }),
    ...[...beijing, ...shanghai].map((p) => call(v.cookie, 'POST', `/projects/${p.id}/enrollments`, { positionId: p.position })),
    call(v.cookie, 'POST', `/groups/${g11.id}/members`, {}),
    call(v.cookie, 'POST', `/groups/${g31.id}/members`, {}),
  ]);
  assert.equal(transfer.statusCode, 201, transfer.body);
  for (const r of rest) assert.equal(r.statusCode, 201, r.body);
  // The profile change either ran before the transfer (and was overwritten by it) or after it (refused: wrong province).
  assert.ok([200, 204, 422].includes(profile.statusCode), profile.body);

  const after = await home(v.id);
  assert.deepEqual([after.site_code, after.service_region_code], ['31', '310101']);
  assert.deepEqual(await countersMatchRows(v.id), { 11: { pending: 4, groups: 1 }, 31: { pending: 3, groups: 1 } });
  const transfers = await t.app.ctx.db.selectFrom('record_transfers').selectAll().where('account_id', '=', v.id).execute();
  assert.equal(transfers.length, 1);
  assert.equal(transfers[0]!.from_site_code, '11');
  assert.deepEqual((await call(v.cookie, 'GET', '/me/projects/limits')).json(), { siteCode: '31', used: 3, limit: 5 });
  assert.deepEqual((await call(v.cookie, 'GET', '/me/projects/limits?siteCode=11')).json(), { siteCode: '11', used: 4, limit: 5 });
});

test('the pending limit holds in the new site while the transfer runs alongside six applications there', async () => {
  const v = await volunteer();
  const projects = [];
  for (let i = 0; i < 6; i += 1) projects.push(await project('31'));
  const [transfer, ...applied] = await Promise.all([
    call(v.cookie, 'POST', '/me/transfers', SHANGHAI),
    ...projects.map((p) => call(v.cookie, 'POST', `/projects/${p.id}/enrollments`, { positionId: p.position })),
  ]);
  assert.equal(transfer.statusCode, 201, transfer.body);
  assert.deepEqual(applied.map((r) => r.statusCode).sort(), [201, 201, 201, 201, 201, 409]);
  assert.equal(applied.find((r) => r.statusCode === 409)!.json().code, 'PENDING_PROJECT_LIMIT');
  assert.deepEqual(await countersMatchRows(v.id), { 31: { pending: 5, groups: 0 } });
});

/** Waits (bounded) until some backend of this database waits on a lock. */
async function someoneWaitsOnALock(db: Database) {
  for (let i = 0; i < 300; i += 1) {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
      where datname = current_database() and wait_event_type = 'Lock'`.execute(db);
    if (rows[0]!.n > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.fail('nobody waited for the person lock');
}

test('a transfer and an enrolment application both wait for the person lock', { skip: !process.env.DATABASE_URL && 'needs PostgreSQL (DATABASE_URL): PGlite runs one connection at a time' }, async () => {
  const db = t.app.ctx.db;
  const v = await volunteer();
  const p = await project('11');
  for (const [action, landed] of [
    [() => call(v.cookie, 'POST', `/projects/${p.id}/enrollments`, { positionId: p.position }),
      async () => (await db.selectFrom('enrollments').select('status').where('account_id', '=', v.id).execute()).length],
    [() => call(v.cookie, 'POST', '/me/transfers', SHANGHAI),
      async () => (await db.selectFrom('record_transfers').select('id').where('account_id', '=', v.id).execute()).length],
  ] as const) {
    let release!: () => void;
    let locked!: () => void;
    const held = new Promise<void>((resolve) => { release = resolve; });
    const gotLock = new Promise<void>((resolve) => { locked = resolve; });
    const holder = db.transaction().execute(async (trx) => { await lockPersonRow(trx, v.id); locked(); await held; });
    await gotLock;
    const request = action();
    try {
      await someoneWaitsOnALock(db);
      assert.equal(await landed(), 0, 'nothing is written while another transaction holds the person');
    } finally {
      release();
      await holder;
    }
    assert.equal((await request).statusCode, 201);
    assert.equal(await landed(), 1);
  }
});
