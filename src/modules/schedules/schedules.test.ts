import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../../../test/helper.js';
import { addShift, call, enrol, project, volunteer } from './test-support.js';
import { foldLine } from './mine.js';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t.close(); });

test('shifts lie inside the project dates; overlapping shifts are refused, back-to-back ones are fine', async () => {
  const p = await project(t);
  const pos = p.positions['陪护']!;
  const bad = await call(t, p.gc, 'POST', `/projects/${p.id}/shifts`, { positionId: pos, startsAt: p.at(-2), endsAt: p.at(2), capacity: 2 });
  assert.equal(bad.statusCode, 400, bad.body);
  assert.equal(bad.json().errors[0].code, 'OUTSIDE_PROJECT');
  const zero = await call(t, p.gc, 'POST', `/projects/${p.id}/shifts`, { positionId: pos, startsAt: p.at(8), endsAt: p.at(12), capacity: 0 });
  assert.equal(zero.statusCode, 400);
  const late = await call(t, p.gc, 'POST', `/projects/${p.id}/shifts`, { positionId: pos, startsAt: p.at(70), endsAt: p.at(73), capacity: 1 });
  assert.equal(late.json().errors[0].code, 'OUTSIDE_PROJECT');

  const morning = await addShift(t, p.gc, p.id, { positionId: pos, startsAt: p.at(8), endsAt: p.at(12), capacity: 2 });
  const noon = await addShift(t, p.gc, p.id, { positionId: pos, startsAt: p.at(12), endsAt: p.at(14), capacity: 2 });
  const overlapping = await addShift(t, p.gc, p.id, { positionId: pos, startsAt: p.at(11), endsAt: p.at(13), capacity: 2 });
  const other = await addShift(t, p.gc, p.id, { positionId: p.positions['引导']!, startsAt: p.at(20), endsAt: p.at(22), capacity: 2 });

  const v = await volunteer(t);
  const notYet = await call(t, v.cookie, 'POST', `/shifts/${morning.id}/assignments/me`);
  assert.equal(notYet.json().code, 'NOT_ENROLLED');
  await enrol(t, p.id, pos, v.id);
  assert.equal((await call(t, v.cookie, 'POST', `/shifts/${morning.id}/assignments/me`)).statusCode, 204);
  assert.equal((await call(t, v.cookie, 'POST', `/shifts/${morning.id}/assignments/me`)).json().code, 'ALREADY_ASSIGNED');
  assert.equal((await call(t, v.cookie, 'POST', `/shifts/${noon.id}/assignments/me`)).statusCode, 204, 'back-to-back');
  const clash = await call(t, p.gc, 'POST', `/shifts/${overlapping.id}/assignments`, { accountId: v.id });
  assert.equal(clash.statusCode, 409);
  assert.equal(clash.json().code, 'SHIFT_OVERLAP');
  assert.equal((await call(t, v.cookie, 'POST', `/shifts/${other.id}/assignments/me`)).json().code, 'NOT_ENROLLED', 'another position');

  const list = await call(t, v.cookie, 'GET', `/projects/${p.id}/shifts`);
  assert.equal(list.statusCode, 200);
  assert.deepEqual(list.json().items.map((s: any) => [s.id, s.assigned]), [[morning.id, 1], [overlapping.id, 0], [noon.id, 1], [other.id, 0]]);

  assert.equal((await call(t, v.cookie, 'DELETE', `/shifts/${noon.id}/assignments/me`)).statusCode, 204);
  assert.equal((await call(t, p.gc, 'DELETE', `/shifts/${morning.id}/assignments/${v.id}`)).statusCode, 204);
  assert.equal((await call(t, p.gc, 'POST', `/shifts/${overlapping.id}/assignments`, { accountId: v.id })).statusCode, 204);
});

test('capacity holds under parallel self-assignments', async () => {
  const p = await project(t);
  const pos = p.positions['陪护']!;
  const shift = await addShift(t, p.gc, p.id, { positionId: pos, startsAt: p.at(9), endsAt: p.at(11), capacity: 3 });
  const people = await Promise.all(Array.from({ length: 8 }, () => volunteer(t)));
  for (const v of people) await enrol(t, p.id, pos, v.id);
  const results = await Promise.all(people.map((v) => call(t, v.cookie, 'POST', `/shifts/${shift.id}/assignments/me`)));
  assert.equal(results.filter((r) => r.statusCode === 204).length, 3);
  assert.ok(results.filter((r) => r.statusCode !== 204).every((r) => r.json().code === 'SHIFT_FULL'));
  const row = await t.app.ctx.db.selectFrom('shifts').select('assigned_count').where('id', '=', shift.id).executeTakeFirstOrThrow();
  assert.equal(row.assigned_count, 3);
});

test('one volunteer picking two overlapping shifts at once gets only one', async () => {
  const p = await project(t);
  const pos = p.positions['陪护']!;
  const a = await addShift(t, p.gc, p.id, { positionId: pos, startsAt: p.at(9), endsAt: p.at(11), capacity: 3 });
  const b = await addShift(t, p.gc, p.id, { positionId: pos, startsAt: p.at(10), endsAt: p.at(12), capacity: 3 });
  const v = await volunteer(t);
  await enrol(t, p.id, pos, v.id);
  const results = await Promise.all([a, b].map((s) => call(t, v.cookie, 'POST', `/shifts/${s.id}/assignments/me`)));
  assert.deepEqual(results.map((r) => r.statusCode).sort(), [204, 409]);
});

test('my schedule and its iCalendar export', async () => {
  const p = await project(t, { name: '社区助老服务, 周末;特别版', address: '北京市朝阳区某社区服务中心，一号楼' });
  const pos = p.positions['陪护']!;
  const late = await addShift(t, p.gc, p.id, { positionId: pos, startsAt: p.at(30), endsAt: p.at(34), capacity: 2 });
  const early = await addShift(t, p.gc, p.id, { positionId: pos, startsAt: p.at(8), endsAt: p.at(12), capacity: 2 });
  const v = await volunteer(t);
  await enrol(t, p.id, pos, v.id);
  for (const s of [late, early]) assert.equal((await call(t, p.gc, 'POST', `/shifts/${s.id}/assignments`, { accountId: v.id })).statusCode, 204);

  const mine = await call(t, v.cookie, 'GET', '/me/schedule');
  assert.equal(mine.statusCode, 200, mine.body);
  assert.deepEqual(mine.json().items.map((i: any) => i.shiftId), [early.id, late.id]);
  assert.equal(mine.json().items[0].startsAt, p.at(8));
  assert.equal(mine.json().items[0].positionName, '陪护');

  const ics = await call(t, v.cookie, 'GET', '/me/schedule.ics');
  assert.equal(ics.statusCode, 200);
  assert.match(ics.headers['content-type'] as string, /^text\/calendar/);
  const text = ics.body;
  assert.ok(text.startsWith('BEGIN:VCALENDAR\r\n'));
  assert.ok(text.endsWith('END:VCALENDAR\r\n'));
  assert.equal(text.replace(/\r\n/g, '').includes('\n'), false, 'only CRLF line endings');
  for (const line of text.split('\r\n')) assert.ok(Buffer.byteLength(line) <= 75, `folded: ${line}`);
  const unfolded = text.replace(/\r\n /g, '');
  assert.equal(unfolded.match(/BEGIN:VEVENT/g)!.length, 2);
  assert.ok(unfolded.includes(`UID:${early.id}@zhiyuan`));
  const start = p.at(8).replace(/[-:]/g, '').replace('.000', '');
  assert.match(start, /^\d{8}T\d{6}Z$/);
  assert.ok(unfolded.includes(`DTSTART:${start}\r\n`));
  assert.ok(unfolded.includes('SUMMARY:社区助老服务\\, 周末\\;特别版（陪护）'));
  assert.ok(unfolded.includes('LOCATION:北京市朝阳区某社区服务中心，一号楼'));
  assert.match(unfolded, /DTSTAMP:\d{8}T\d{6}Z/);
});

test('lines are folded at 75 octets without splitting a character', () => {
  const folded = foldLine(`SUMMARY:${'志'.repeat(60)}`);
  const parts = folded.split('\r\n');
  assert.ok(parts.length > 1);
  for (const part of parts) assert.ok(Buffer.byteLength(part) <= 75);
  assert.equal(parts.map((x, i) => (i === 0 ? x : x.slice(1))).join(''), `SUMMARY:${'志'.repeat(60)}`);
});

test('another group cannot add or assign shifts of a project, nor see its attendance', async () => {
  const p = await project(t);
  const q = await project(t);
  const pos = p.positions['陪护']!;
  const shift = await addShift(t, p.gc, p.id, { positionId: pos, startsAt: p.at(9), endsAt: p.at(11), capacity: 3 });
  const v = await volunteer(t);
  await enrol(t, p.id, pos, v.id);
  assert.equal((await call(t, q.gc, 'POST', `/projects/${p.id}/shifts`, { positionId: pos, startsAt: p.at(9), endsAt: p.at(11), capacity: 1 })).statusCode, 404);
  assert.equal((await call(t, q.gc, 'POST', `/shifts/${shift.id}/assignments`, { accountId: v.id })).statusCode, 404);
  assert.equal((await call(t, q.gc, 'GET', `/shifts/${shift.id}/attendance`)).statusCode, 404);
  assert.equal((await call(t, q.gc, 'GET', `/shifts/${shift.id}/qr?kind=check_in`)).statusCode, 404);
  assert.equal((await call(t, v.cookie, 'POST', `/projects/${p.id}/shifts`, { positionId: pos, startsAt: p.at(9), endsAt: p.at(11), capacity: 1 })).statusCode, 404);
});
