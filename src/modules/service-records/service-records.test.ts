import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { asUser, createTestApp, seedVolunteer, type TestApp } from '../../../test/helper.js';
import { seedGroup } from '../../../test/groups.js';
import { dayFrom, publish } from '../projects/test-support.js';
import { refreshEffectiveness } from './effectiveness.js';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t.close(); });

const volunteer = (verified = true) => seedVolunteer(t.app, { verified });

const call = (cookie: string, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: Record<string, unknown>) =>
  asUser(t.app, cookie, { method, url: `/api/v1${url}`, ...(payload ? { payload } : {}) });

/** A published project that ran from ten days ago to five days ahead, with the given volunteers enrolled. */
async function project(enrolled: string[]) {
  const group = await seedGroup(t.app, { level: 'intermediate' });
  const gc = await group.signIn();
  const { id } = await publish(t.app, gc);
  const db = t.app.ctx.db;
  await db.updateTable('projects').set({ start_date: dayFrom(t.app, -10), end_date: dayFrom(t.app, 5) }).where('id', '=', id).execute();
  const position = (await db.selectFrom('positions').select('id').where('project_id', '=', id).executeTakeFirstOrThrow()).id;
  for (const accountId of enrolled) {
    await db.insertInto('enrollments').values({
      site_code: '11', project_id: id, account_id: accountId, position_id: position, status: 'enrolled', via: 'application', applied_at: new Date(),
    }).execute();
  }
  return { id, group, gc, position };
}

const row = (volunteerId: string, o: Record<string, unknown> = {}) =>
  ({ volunteerId, serviceDate: dayFrom(t.app, -1), startTime: '09:00', endTime: '12:00', hours: 3, ...o });
const totals = async (accountId: string) =>
  Number((await t.app.ctx.db.selectFrom('volunteer_totals').select('effective_hours').where('account_id', '=', accountId).executeTakeFirst())?.effective_hours ?? 0);
const projectTotal = async (id: string) => Number((await t.app.ctx.db.selectFrom('projects').select('total_hours').where('id', '=', id).executeTakeFirstOrThrow()).total_hours);
const groupTotal = async (id: string) => Number((await t.app.ctx.db.selectFrom('groups').select('total_hours').where('id', '=', id).executeTakeFirstOrThrow()).total_hours);

test('records hours; a shift across midnight counts its full span; totals, public listing, my hours and summary', async () => {
  const a = await volunteer();
  const p = await project([a.id]);
  const res = await call(p.gc, 'POST', `/projects/${p.id}/hours`, {
    records: [row(a.id, { startTime: '22:00', endTime: '02:00', hours: 4, serviceDate: dayFrom(t.app, -3) }), row(a.id, { hours: 2.5 })],
  });
  assert.equal(res.statusCode, 201, res.body);
  assert.equal(res.json().created, 2);
  const stored = await t.app.ctx.db.selectFrom('service_records').selectAll().where('id', '=', res.json().ids[0]).executeTakeFirstOrThrow();
  assert.equal(new Date(stored.end_at).getTime() - new Date(stored.start_at).getTime(), 4 * 3_600_000);
  assert.equal(stored.status, 'effective');
  assert.equal(await totals(a.id), 6.5);
  assert.equal(await projectTotal(p.id), 6.5);
  assert.equal(await groupTotal(p.group.id), 6.5);

  const listing = await t.app.inject({ method: 'GET', url: `/api/v1/projects/${p.id}/hours` });
  assert.equal(listing.statusCode, 200, listing.body);
  assert.equal(listing.json().total, 2);
  assert.match(listing.json().items[0].volunteerName, /^.\*+$/);
  assert.equal(listing.body.includes(a.name), false);
  const crossing = listing.json().items.find((i: any) => i.startTime === '22:00');
  assert.equal(crossing.endTime, '02:00');

  const mine = await call(a.cookie, 'GET', '/me/hours?status=effective');
  assert.equal(mine.json().total, 2);
  assert.deepEqual((await call(a.cookie, 'GET', '/me/summary')).json(), { totalHours: 6.5, stars: 0, groups: 0, projects: 1 });
});

test('the whole batch is refused and each bad row named: not enrolled, future, outside, span, overlap, daily cap', async () => {
  const a = await volunteer();
  const b = await volunteer();
  const outsider = await volunteer();
  const p = await project([a.id, b.id]);
  assert.equal((await call(p.gc, 'POST', `/projects/${p.id}/hours`, { records: [row(b.id, { serviceDate: dayFrom(t.app, -2), startTime: '08:00', endTime: '08:00', hours: 24 })] })).statusCode, 201);
  const res = await call(p.gc, 'POST', `/projects/${p.id}/hours`, {
    records: [
      row(a.id), // fine on its own
      row(outsider.id), // 1 not enrolled
      row(a.id, { serviceDate: dayFrom(t.app, 1) }), // 2 future
      row(a.id, { serviceDate: dayFrom(t.app, -20) }), // 3 outside the project
      row(a.id, { serviceDate: dayFrom(t.app, -4), hours: 3.5 }), // 4 more than the span
      row(a.id, { startTime: '11:00', endTime: '13:00', hours: 2 }), // 5 overlaps row 0
      row(b.id, { serviceDate: dayFrom(t.app, -2), startTime: '00:00', endTime: '00:00', hours: 24 }), // 6 overlaps the stored 24 h and passes 24 h that day
      row(a.id, { serviceDate: dayFrom(t.app, -5), hours: 0 }), // 7 zero
      row(a.id, { serviceDate: dayFrom(t.app, -5), hours: 1.234 }), // 8 three decimals
      row(a.id, { serviceDate: dayFrom(t.app, -6), startTime: '25:00' }), // 9 bad time
    ],
  });
  assert.equal(res.statusCode, 422, res.body);
  const body = res.json();
  assert.equal(body.code, 'HOURS_INVALID');
  const has = (field: string, code: string) => assert.ok(body.errors.some((e: any) => e.field === field && e.code === code), `${field} ${code}: ${res.body}`);
  has('records[1].volunteerId', 'NOT_ENROLLED');
  has('records[2].serviceDate', 'FUTURE_DATE');
  has('records[3].serviceDate', 'OUTSIDE_PROJECT');
  has('records[4].hours', 'HOURS_EXCEED_SPAN');
  has('records[0].startTime', 'OVERLAP');
  has('records[5].startTime', 'OVERLAP');
  has('records[6].startTime', 'OVERLAP');
  has('records[6].serviceDate', 'DAILY_CAP');
  has('records[7].hours', 'HOURS_INVALID');
  has('records[8].hours', 'HOURS_INVALID');
  has('records[9].startTime', 'INVALID');
  assert.equal((await t.app.ctx.db.selectFrom('service_records').select('id').where('project_id', '=', p.id).execute()).length, 1);
  assert.equal(await totals(a.id), 0);
  assert.equal(await totals(b.id), 24);
  // Back to back with the stored 24 h shift is fine.
  const next = await call(p.gc, 'POST', `/projects/${p.id}/hours`, { records: [row(b.id, { serviceDate: dayFrom(t.app, -1), startTime: '08:00', endTime: '09:00', hours: 1 })] });
  assert.equal(next.statusCode, 201, next.body);
});

test('another group cannot record or delete hours on this project (403)', async () => {
  const a = await volunteer();
  const p = await project([a.id]);
  const other = await seedGroup(t.app, { level: 'intermediate' });
  const oc = await other.signIn();
  const res = await call(oc, 'POST', `/projects/${p.id}/hours`, { records: [row(a.id)] });
  assert.equal(res.statusCode, 403, res.body);
  assert.equal(res.json().code, 'NOT_ORGANISER');
  const ok = await call(p.gc, 'POST', `/projects/${p.id}/hours`, { records: [row(a.id)] });
  const del = await call(oc, 'DELETE', `/hours/${ok.json().ids[0]}`, { reason: '不是我们的' });
  assert.equal(del.statusCode, 403);
  assert.equal((await call(a.cookie, 'POST', `/projects/${p.id}/hours`, { records: [row(a.id)] })).statusCode, 404);
});

test('unverified volunteers and the publicity window give ineffective records; refreshEffectiveness counts them later', async () => {
  const u = await volunteer(false);
  const v = await volunteer();
  const p = await project([u.id, v.id]);
  const res = await call(p.gc, 'POST', `/projects/${p.id}/hours`, { records: [row(u.id), row(v.id)] });
  assert.equal(res.statusCode, 201, res.body);
  assert.equal(await totals(u.id), 0);
  assert.equal((await call(u.cookie, 'GET', '/me/hours?status=ineffective')).json().items[0].ineffectiveReason, 'unverified');
  assert.equal(await refreshEffectiveness(t.app.ctx, u.id), 0);
  await t.app.ctx.db.updateTable('people').set({ realname_status: 'verified' }).where('account_id', '=', u.id).execute();
  assert.equal(await refreshEffectiveness(t.app.ctx, u.id), 1);
  assert.equal(await totals(u.id), 3);
  assert.equal(await projectTotal(p.id), 6);

  const site = await t.app.ctx.db.selectFrom('sites').select('settings').where('code', '=', '11').executeTakeFirstOrThrow();
  await t.app.ctx.db.updateTable('sites').set({ settings: JSON.stringify({ ...site.settings, publicityDays: 3 }) }).where('code', '=', '11').execute();
  try {
    const w = await call(p.gc, 'POST', `/projects/${p.id}/hours`, { records: [row(v.id, { serviceDate: dayFrom(t.app, -2) })] });
    assert.equal(w.statusCode, 201, w.body);
    assert.equal(await totals(v.id), 3);
    assert.equal((await call(v.cookie, 'GET', '/me/hours?status=ineffective')).json().items[0].ineffectiveReason, 'publicity');
    t.clock.advance(2 * 86_400_000);
    assert.equal(await refreshEffectiveness(t.app.ctx), 0);
    t.clock.advance(1 * 86_400_000 + 1000);
    assert.equal(await refreshEffectiveness(t.app.ctx), 1);
    assert.equal(await totals(v.id), 6);
  } finally {
    await t.app.ctx.db.updateTable('sites').set({ settings: JSON.stringify(site.settings) }).where('code', '=', '11').execute();
  }
});

test('deleting keeps the row with who, when and why, adjusts totals, and writes history', async () => {
  const a = await volunteer();
  const p = await project([a.id]);
  const res = await call(p.gc, 'POST', `/projects/${p.id}/hours`, { records: [row(a.id), row(a.id, { serviceDate: dayFrom(t.app, -2) })] });
  const [id] = res.json().ids;
  assert.equal(await totals(a.id), 6);
  assert.equal((await call(p.gc, 'DELETE', `/hours/${id}`, { reason: ' ' })).statusCode, 400);
  const del = await call(p.gc, 'DELETE', `/hours/${id}`, { reason: '志愿者当天未到岗' });
  assert.equal(del.statusCode, 204, del.body);
  assert.equal((await call(p.gc, 'DELETE', `/hours/${id}`, { reason: '再删一次' })).json().code, 'ALREADY_DELETED');
  const stored = await t.app.ctx.db.selectFrom('service_records').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  assert.equal(stored.status, 'deleted');
  assert.equal(stored.deleted_reason, '志愿者当天未到岗');
  assert.equal(stored.deleted_by, p.group.accountId);
  assert.ok(stored.deleted_at);
  assert.equal(await totals(a.id), 3);
  assert.equal(await projectTotal(p.id), 3);
  assert.equal(await groupTotal(p.group.id), 3);
  const history = await t.app.ctx.db.selectFrom('service_record_history').select(['change', 'actor_id']).where('record_id', '=', id).orderBy('id').execute();
  assert.deepEqual(history.map((h) => (h.change as any).op), ['create', 'delete']);
  assert.equal(history[1]!.actor_id, p.group.accountId);
  assert.equal((await call(a.cookie, 'GET', '/me/hours?status=deleted')).json().items[0].deletedReason, '志愿者当天未到岗');
  // The freed time can be recorded again.
  assert.equal((await call(p.gc, 'POST', `/projects/${p.id}/hours`, { records: [row(a.id)] })).statusCode, 201);
  const audit = await t.app.ctx.db.selectFrom('audit_log').select('action').where('actor_id', '=', p.group.accountId).execute();
  assert.ok(audit.some((r) => r.action === 'group.hours_deleted'));
});

test('stars at 100/300/600/1000/1500 effective hours', async () => {
  const a = await volunteer();
  const expected: [number, number][] = [[99.99, 0], [100, 1], [300, 2], [599, 2], [600, 3], [1000, 4], [1499.5, 4], [1500, 5], [9000, 5]];
  for (const [hours, stars] of expected) {
    await t.app.ctx.db.insertInto('volunteer_totals').values({ account_id: a.id, effective_hours: hours, record_count: 1 })
      .onConflict((oc) => oc.column('account_id').doUpdateSet({ effective_hours: hours })).execute();
    assert.equal((await call(a.cookie, 'GET', '/me/summary')).json().stars, stars, `${hours} h`);
  }
});

test('parallel batches for one volunteer: no overlap slips through and totals stay right', async () => {
  const a = await volunteer();
  const p = await project([a.id]);
  const batches = Array.from({ length: 6 }, (_, i) => [row(a.id, { serviceDate: dayFrom(t.app, -1 - (i % 3)), hours: 1 + i })].map((r) => ({ ...r, endTime: '16:00' })));
  const results = await Promise.all(batches.map((records) => call(p.gc, 'POST', `/projects/${p.id}/hours`, { records })));
  const accepted = results.filter((r) => r.statusCode === 201);
  assert.equal(accepted.length, 3, results.map((r) => r.body).join('\n'));
  assert.ok(results.filter((r) => r.statusCode !== 201).every((r) => r.json().errors[0].code === 'OVERLAP'));
  const stored = await t.app.ctx.db.selectFrom('service_records').select('hours').where('account_id', '=', a.id).execute();
  const sum = stored.reduce((s, r) => s + Number(r.hours), 0);
  assert.equal(stored.length, 3);
  assert.equal(await totals(a.id), sum);
  assert.equal(await projectTotal(p.id), sum);
});
