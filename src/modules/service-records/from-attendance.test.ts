import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../../../test/helper.js';
import { seedGroup } from '../../../test/groups.js';
import { dayFrom } from '../projects/test-support.js';
import { addShift, call, enrol, project, volunteer } from '../schedules/test-support.js';
import { attendanceSpan } from './from-attendance.js';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t.close(); });

const MINUTE = 60_000;
// Sessions end after 30 idle minutes, so the clock moves less than that between requests.

/** A project running since three days ago with a shift from two hours ago to two hours ahead, and volunteers assigned to it. */
async function setup(count: number) {
  const p = await project(t);
  await t.app.ctx.db.updateTable('projects').set({ start_date: dayFrom(t.app, -3) }).where('id', '=', p.id).execute();
  const pos = p.positions['陪护']!;
  const now = t.clock.now.getTime();
  const shift = await addShift(t, p.gc, p.id, {
    positionId: pos, startsAt: new Date(now - 2 * 3_600_000).toISOString(), endsAt: new Date(now + 2 * 3_600_000).toISOString(), capacity: 5,
  });
  const vs = [];
  for (let i = 0; i < count; i++) {
    const v = await volunteer(t);
    await enrol(t, p.id, pos, v.id);
    assert.equal((await call(t, v.cookie, 'POST', `/shifts/${shift.id}/assignments/me`)).statusCode, 204);
    vs.push(v);
  }
  return { p, pos, shift, vs };
}

async function scan(gc: string, shiftId: string, cookie: string, kind: 'check_in' | 'check_out') {
  const qr = await call(t, gc, 'GET', `/shifts/${shiftId}/qr?kind=${kind}`);
  assert.equal(qr.statusCode, 200, qr.body);
  const res = await call(t, cookie, 'POST', '/attendance/scan', { token: qr.json().token });
  assert.equal(res.statusCode, 200, res.body);
}

const totals = async (accountId: string) =>
  Number((await t.app.ctx.db.selectFrom('volunteer_totals').select('effective_hours').where('account_id', '=', accountId).executeTakeFirst())?.effective_hours ?? 0);

test('span: inside the shift only, whole minutes, hours rounded down; across midnight keeps its date', () => {
  const at = (s: string) => new Date(s);
  assert.deepEqual(attendanceSpan({
    starts_at: at('2026-11-20T09:00:00+08:00'), ends_at: at('2026-11-20T11:00:00+08:00'),
    checked_in_at: at('2026-11-20T08:40:00+08:00'), checked_out_at: at('2026-11-20T11:30:00+08:00'),
  }), { serviceDate: '2026-11-20', startTime: '09:00', endTime: '11:00', hours: 2 });
  assert.deepEqual(attendanceSpan({
    starts_at: at('2026-11-20T09:00:00+08:00'), ends_at: at('2026-11-20T11:00:00+08:00'),
    checked_in_at: at('2026-11-20T09:00:30+08:00'), checked_out_at: at('2026-11-20T10:20:59+08:00'),
  }), { serviceDate: '2026-11-20', startTime: '09:01', endTime: '10:20', hours: 1.31 }); // 79 min = 1.3166… h
  assert.deepEqual(attendanceSpan({
    starts_at: at('2026-11-20T22:00:00+08:00'), ends_at: at('2026-11-21T02:00:00+08:00'),
    checked_in_at: at('2026-11-20T21:50:00+08:00'), checked_out_at: at('2026-11-21T02:10:00+08:00'),
  }), { serviceDate: '2026-11-20', startTime: '22:00', endTime: '02:00', hours: 4 });
});

test('attendance becomes records end to end; totals change; the same attendance again is refused, even after deletion', async () => {
  const { p, shift, vs: [a, b] } = await setup(2);
  for (const v of [a!, b!]) await scan(p.gc, shift.id, v.cookie, 'check_in');
  t.clock.advance(25 * MINUTE);
  await scan(p.gc, shift.id, a!.cookie, 'check_out');

  const list = await call(t, p.gc, 'GET', `/projects/${p.id}/attendance/unrecorded?from=${dayFrom(t.app, -3)}&to=${dayFrom(t.app, 1)}`);
  assert.equal(list.statusCode, 200, list.body);
  assert.equal(list.json().items.length, 1, 'b has not checked out');
  const item = list.json().items[0];
  assert.equal(item.volunteerId, a!.id);
  assert.equal(item.volunteerName, a!.name);
  assert.equal(item.shiftId, shift.id);
  assert.equal(item.flagged, false);
  assert.ok(item.hours === 0.4 || item.hours === 0.41, String(item.hours)); // 24 or 25 whole minutes
  assert.equal((await call(t, p.gc, 'GET', `/projects/${p.id}/attendance/unrecorded?from=${dayFrom(t.app, 2)}`)).json().items.length, 0);
  assert.equal((await call(t, p.gc, 'GET', `/projects/${p.id}/attendance/unrecorded?from=2026-13-01`)).statusCode, 400);

  const res = await call(t, p.gc, 'POST', `/projects/${p.id}/hours/from-attendance`, { attendanceIds: [item.attendanceId] });
  assert.equal(res.statusCode, 201, res.body);
  assert.equal(res.json().created, 1);
  assert.equal(await totals(a!.id), item.hours);
  const stored = await t.app.ctx.db.selectFrom('service_records').selectAll().where('id', '=', res.json().ids[0]).executeTakeFirstOrThrow();
  assert.equal(stored.attendance_id, item.attendanceId);
  assert.equal(stored.position_id, item.positionId);
  assert.equal((await call(t, p.gc, 'GET', `/projects/${p.id}/attendance/unrecorded`)).json().items.length, 0);

  const again = await call(t, p.gc, 'POST', `/projects/${p.id}/hours/from-attendance`, { attendanceIds: [item.attendanceId] });
  assert.equal(again.statusCode, 422, again.body);
  assert.deepEqual(again.json().errors, [{ field: 'attendanceIds[0]', code: 'ALREADY_RECORDED' }]);
  assert.equal((await call(t, p.gc, 'DELETE', `/hours/${res.json().ids[0]}`, { reason: '签到有误' })).statusCode, 204);
  const afterDelete = await call(t, p.gc, 'POST', `/projects/${p.id}/hours/from-attendance`, { attendanceIds: [item.attendanceId] });
  assert.equal(afterDelete.json().errors[0].code, 'ALREADY_RECORDED');
  assert.equal(await totals(a!.id), 0);

  // Each bad row named by its place in the request; nothing is written.
  const bId = (await t.app.ctx.db.selectFrom('attendance').select('id').where('account_id', '=', b!.id).executeTakeFirstOrThrow()).id;
  const bad = await call(t, p.gc, 'POST', `/projects/${p.id}/hours/from-attendance`, {
    attendanceIds: [item.attendanceId, bId, 'nonsense', '0190e2b0-0000-7000-8000-000000000000', bId],
  });
  assert.equal(bad.statusCode, 422, bad.body);
  assert.deepEqual(bad.json().errors, [
    { field: 'attendanceIds[0]', code: 'ALREADY_RECORDED' },
    { field: 'attendanceIds[1]', code: 'NOT_CHECKED_OUT' },
    { field: 'attendanceIds[2]', code: 'INVALID' },
    { field: 'attendanceIds[3]', code: 'UNKNOWN' },
    { field: 'attendanceIds[4]', code: 'DUPLICATE' },
  ]);
});

test('an automatic check-out is listed flagged and refused until the group corrects it', async () => {
  const { p, shift, vs: [a] } = await setup(1);
  await scan(p.gc, shift.id, a!.cookie, 'check_in');
  const inAt = t.clock.now.getTime();
  // What the housekeeping job leaves behind (its own test lives with attendance).
  await t.app.ctx.db.updateTable('attendance').set({ checked_out_at: new Date(inAt + 10 * MINUTE), check_out_kind: 'auto', flagged: true })
    .where('account_id', '=', a!.id).execute();
  const list = (await call(t, p.gc, 'GET', `/projects/${p.id}/attendance/unrecorded`)).json();
  assert.equal(list.items[0].flagged, true);
  const refused = await call(t, p.gc, 'POST', `/projects/${p.id}/hours/from-attendance`, { attendanceIds: [list.items[0].attendanceId] });
  assert.equal(refused.statusCode, 422);
  assert.deepEqual(refused.json().errors, [{ field: 'attendanceIds[0]', code: 'FLAGGED' }]);

  t.clock.advance(21 * MINUTE);
  const corrected = await call(t, p.gc, 'POST', `/shifts/${shift.id}/attendance/${a!.id}/correction`, {
    checkedOutAt: new Date(inAt + 20 * MINUTE).toISOString(), reason: '志愿者忘记签退',
  });
  assert.equal(corrected.statusCode, 200, corrected.body);
  const now = (await call(t, p.gc, 'GET', `/projects/${p.id}/attendance/unrecorded`)).json().items[0];
  assert.equal(now.flagged, false);
  const ok = await call(t, p.gc, 'POST', `/projects/${p.id}/hours/from-attendance`, { attendanceIds: [now.attendanceId] });
  assert.equal(ok.statusCode, 201, ok.body);
  assert.equal(await totals(a!.id), now.hours);
});

test('two parallel requests for the same attendance: one records it, the other is refused', async () => {
  const { p, shift, vs } = await setup(3);
  for (const v of vs) await scan(p.gc, shift.id, v.cookie, 'check_in');
  t.clock.advance(25 * MINUTE);
  for (const v of vs) await scan(p.gc, shift.id, v.cookie, 'check_out');
  const ids = (await call(t, p.gc, 'GET', `/projects/${p.id}/attendance/unrecorded`)).json().items.map((i: any) => i.attendanceId);
  assert.equal(ids.length, 3);
  const results = await Promise.all([
    call(t, p.gc, 'POST', `/projects/${p.id}/hours/from-attendance`, { attendanceIds: ids }),
    call(t, p.gc, 'POST', `/projects/${p.id}/hours/from-attendance`, { attendanceIds: [...ids].reverse() }),
    call(t, p.gc, 'POST', `/projects/${p.id}/hours/from-attendance`, { attendanceIds: [ids[1]] }),
  ]);
  assert.equal(results.filter((r) => r.statusCode === 201).length, 1, results.map((r) => r.body).join('\n'));
  for (const r of results.filter((x) => x.statusCode !== 201)) {
    assert.ok(r.statusCode === 422 || r.statusCode === 409, r.body);
    assert.ok(r.json().code === 'ALREADY_RECORDED' || r.json().errors.every((e: any) => e.code === 'ALREADY_RECORDED'), r.body);
  }
  // Whichever request won (the whole list or the single id) recorded exactly its own rows, each attendance once.
  const winner = results.find((r) => r.statusCode === 201)!.json();
  const stored = await t.app.ctx.db.selectFrom('service_records').select(['attendance_id', 'hours', 'account_id']).where('project_id', '=', p.id).execute();
  assert.equal(stored.length, winner.created);
  assert.equal(new Set(stored.map((s) => s.attendance_id)).size, stored.length);
  for (const v of vs) assert.equal(await totals(v.id), Number(stored.find((s) => s.account_id === v.id)?.hours ?? 0));
});

test('the organiser lists every record of its project with full names, by status; another group gets 403 on every new route', async () => {
  const { p, shift, vs: [a, b] } = await setup(2);
  for (const v of [a!, b!]) await scan(p.gc, shift.id, v.cookie, 'check_in');
  t.clock.advance(25 * MINUTE);
  for (const v of [a!, b!]) await scan(p.gc, shift.id, v.cookie, 'check_out');
  const ids = (await call(t, p.gc, 'GET', `/projects/${p.id}/attendance/unrecorded`)).json().items.map((i: any) => i.attendanceId);
  const created = await call(t, p.gc, 'POST', `/projects/${p.id}/hours/from-attendance`, { attendanceIds: ids });
  assert.equal(created.statusCode, 201, created.body);
  await call(t, p.gc, 'DELETE', `/hours/${created.json().ids[0]}`, { reason: '重复记录' });

  const all = await call(t, p.gc, 'GET', `/projects/${p.id}/service-records?pageSize=10`);
  assert.equal(all.statusCode, 200, all.body);
  assert.equal(all.json().total, 2);
  assert.deepEqual(new Set(all.json().items.map((i: any) => i.volunteerName)), new Set([a!.name, b!.name]));
  const deleted = (await call(t, p.gc, 'GET', `/projects/${p.id}/service-records?status=deleted`)).json();
  assert.equal(deleted.total, 1);
  assert.equal(deleted.items[0].deletedReason, '重复记录');
  assert.equal(deleted.items[0].status, 'deleted');
  assert.ok(deleted.items[0].createdAt);
  assert.equal((await call(t, p.gc, 'GET', `/projects/${p.id}/service-records?status=effective`)).json().total, 1);

  const other = await seedGroup(t.app, { level: 'intermediate' });
  const oc = await other.signIn();
  const routes: [('GET' | 'POST'), string, Record<string, unknown>?][] = [
    ['GET', `/projects/${p.id}/attendance/unrecorded`],
    ['POST', `/projects/${p.id}/hours/from-attendance`, { attendanceIds: ids }],
    ['GET', `/projects/${p.id}/hours/template.xlsx`],
    ['GET', `/projects/${p.id}/service-records`],
  ];
  for (const [method, url, payload] of routes) {
    const res = await call(t, oc, method, url, payload);
    assert.equal(res.statusCode, 403, `${method} ${url}: ${res.body}`);
    assert.equal(res.json().code, 'NOT_ORGANISER');
  }
  // The volunteer is no organiser either.
  assert.notEqual((await call(t, a!.cookie, 'GET', `/projects/${p.id}/service-records`)).statusCode, 200);
  assert.equal((await call(t, a!.cookie, 'GET', `/projects/${p.id}/attendance/unrecorded`)).statusCode, 404);
});
