import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, signIn, type TestApp } from '../../../test/helper.js';
import { addShift, call, enrol, project, volunteer } from './test-support.js';
import { autoCheckOut, checkInUrl } from './attendance.js';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t.close(); });

/** A project with one shift and an assigned volunteer. */
async function setup(hours: [number, number] = [9, 11]) {
  const p = await project(t);
  const pos = p.positions['陪护']!;
  const shift = await addShift(t, p.gc, p.id, { positionId: pos, startsAt: p.at(hours[0]), endsAt: p.at(hours[1]), capacity: 5 });
  const v = await volunteer(t);
  await enrol(t, p.id, pos, v.id);
  assert.equal((await call(t, v.cookie, 'POST', `/shifts/${shift.id}/assignments/me`)).statusCode, 204);
  return { p, pos, shift, v };
}

async function qr(gc: string, shiftId: string, kind: 'check_in' | 'check_out') {
  const res = await call(t, gc, 'GET', `/shifts/${shiftId}/qr?kind=${kind}`);
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as { token: string; expiresAt: string; qrDataUrl: string | null };
}

test('check in then check out by scanning; repeats are idempotent; check-out needs a check-in', async () => {
  const { p, shift, v } = await setup();
  const codeIn = await qr(p.gc, shift.id, 'check_in');
  assert.match(codeIn.qrDataUrl ?? '', /^data:image\/png;base64,/);
  // The picture encodes the check-in page's URL (phone camera apps open it), not the bare token.
  assert.match(checkInUrl(t.app.ctx, codeIn.token), /^https?:\/\/[^/]+\/checkin\?t=/);
  const qrcode = await import('qrcode');
  assert.equal(codeIn.qrDataUrl, await qrcode.toDataURL(checkInUrl(t.app.ctx, codeIn.token), { errorCorrectionLevel: 'M', margin: 2, width: 320 }));
  assert.equal(Date.parse(codeIn.expiresAt) - t.clock.now.getTime() <= 3 * 60_000, true);
  const codeOut = await qr(p.gc, shift.id, 'check_out');

  const early = await call(t, v.cookie, 'POST', '/attendance/scan', { token: codeOut.token });
  assert.equal(early.statusCode, 409);
  assert.equal(early.json().code, 'NOT_CHECKED_IN');

  const first = await call(t, v.cookie, 'POST', '/attendance/scan', { token: codeIn.token, lat: 39.921, lng: 116.441 });
  assert.equal(first.statusCode, 200, first.body);
  assert.equal(first.json().checkedOutAt, null);
  t.clock.advance(60_000);
  const again = await call(t, v.cookie, 'POST', '/attendance/scan', { token: codeIn.token });
  assert.equal(again.json().checkedInAt, first.json().checkedInAt);

  const out = await call(t, v.cookie, 'POST', '/attendance/scan', { token: codeOut.token });
  assert.equal(out.statusCode, 200, out.body);
  assert.equal(out.json().kind, 'check_out');
  assert.ok(out.json().checkedOutAt);
  t.clock.advance(1000);
  assert.equal((await call(t, v.cookie, 'POST', '/attendance/scan', { token: codeOut.token })).json().checkedOutAt, out.json().checkedOutAt);

  const list = await call(t, p.gc, 'GET', `/shifts/${shift.id}/attendance`);
  assert.equal(list.statusCode, 200, list.body);
  assert.equal(list.json().items[0].accountId, v.id);
  assert.equal(list.json().items[0].checkOutKind, 'scan');
  assert.equal(list.json().items[0].flagged, false);
});

test('parallel double scans give one row and the same times; every accepted scan is audited, a refused one is not', async () => {
  const { p, shift, v } = await setup();
  const [codeIn, codeOut] = [await qr(p.gc, shift.id, 'check_in'), await qr(p.gc, shift.id, 'check_out')];
  const audited = async (action: string) => (await t.app.ctx.db.selectFrom('audit_log').select('id')
    .where('action', '=', action).where('actor_id', '=', v.id).where('target_id', '=', shift.id).execute()).length;

  assert.equal((await call(t, v.cookie, 'POST', '/attendance/scan', { token: codeOut.token })).statusCode, 409);
  assert.equal(await audited('attendance.check_out'), 0);

  const ins = await Promise.all(Array.from({ length: 4 }, () => call(t, v.cookie, 'POST', '/attendance/scan', { token: codeIn.token })));
  assert.deepEqual(ins.map((r) => r.statusCode), [200, 200, 200, 200]);
  assert.equal(new Set(ins.map((r) => r.json().checkedInAt)).size, 1);
  assert.equal(await audited('attendance.check_in'), 4);

  t.clock.advance(60_000);
  const outs = await Promise.all(Array.from({ length: 4 }, () => call(t, v.cookie, 'POST', '/attendance/scan', { token: codeOut.token })));
  assert.deepEqual(outs.map((r) => r.statusCode), [200, 200, 200, 200]);
  assert.equal(new Set(outs.map((r) => r.json().checkedOutAt)).size, 1);
  assert.equal(outs[0]!.json().checkedInAt, ins[0]!.json().checkedInAt);
  assert.equal(await audited('attendance.check_out'), 4);

  const rows = await t.app.ctx.db.selectFrom('attendance').selectAll().where('shift_id', '=', shift.id).execute();
  assert.equal(rows.length, 1);
  assert.equal(new Date(rows[0]!.checked_out_at!).toISOString(), outs[0]!.json().checkedOutAt);
  assert.equal(new Date(rows[0]!.shift_ends_at).toISOString(), p.at(11));
});

test('an expired, tampered or foreign code is refused; too far away is refused', async () => {
  const { p, shift, v } = await setup();
  const code = await qr(p.gc, shift.id, 'check_in');

  const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
  for (const i of [5, code.token.lastIndexOf('.') - 2, code.token.length - 1]) {
    const res = await call(t, v.cookie, 'POST', '/attendance/scan', { token: flip(code.token, i) });
    assert.equal(res.statusCode, 422, `char ${i}`);
    assert.equal(res.json().code, 'QR_INVALID');
  }
  assert.equal((await call(t, v.cookie, 'POST', '/attendance/scan', { token: 'nonsense' })).json().code, 'QR_INVALID');

  const far = await call(t, v.cookie, 'POST', '/attendance/scan', { token: code.token, lat: 39.95, lng: 116.44 });
  assert.equal(far.statusCode, 422);
  assert.equal(far.json().code, 'TOO_FAR');

  // A code for another shift the volunteer does not hold.
  const other = await setup();
  const foreign = await qr(other.p.gc, other.shift.id, 'check_in');
  const wrong = await call(t, v.cookie, 'POST', '/attendance/scan', { token: foreign.token });
  assert.equal(wrong.statusCode, 403);
  assert.equal(wrong.json().code, 'NOT_ASSIGNED');

  t.clock.advance(3 * 60_000 + 1000);
  const expired = await call(t, v.cookie, 'POST', '/attendance/scan', { token: code.token });
  assert.equal(expired.statusCode, 422);
  assert.equal(expired.json().code, 'QR_EXPIRED');
});

test('the group corrects a missing check-out with a reason; another group cannot', async () => {
  const { p, shift, v } = await setup();
  const code = await qr(p.gc, shift.id, 'check_in');
  const checkIn = await call(t, v.cookie, 'POST', '/attendance/scan', { token: code.token });
  const inAt = Date.parse(checkIn.json().checkedInAt);
  const url = `/shifts/${shift.id}/attendance/${v.id}/correction`;

  const noReason = await call(t, p.gc, 'POST', url, { checkedOutAt: new Date(inAt + 1000).toISOString(), reason: '  ' });
  assert.equal(noReason.statusCode, 400);
  const before = await call(t, p.gc, 'POST', url, { checkedOutAt: new Date(inAt - 1000).toISOString(), reason: '忘记签退' });
  assert.equal(before.json().errors[0].code, 'BEFORE_CHECK_IN');
  const future = await call(t, p.gc, 'POST', url, { checkedOutAt: new Date(inAt + 3_600_000).toISOString(), reason: '忘记签退' });
  assert.equal(future.json().errors[0].code, 'FUTURE');

  const q = await project(t);
  assert.equal((await call(t, q.gc, 'POST', url, { checkedOutAt: new Date(inAt + 1000).toISOString(), reason: '忘记签退' })).statusCode, 404);
  assert.equal((await call(t, v.cookie, 'POST', url, { checkedOutAt: new Date(inAt + 1000).toISOString(), reason: '忘记签退' })).statusCode, 404);

  t.clock.advance(60_000);
  const ok = await call(t, p.gc, 'POST', url, { checkedOutAt: new Date(inAt + 30_000).toISOString(), reason: '忘记签退' });
  assert.equal(ok.statusCode, 200, ok.body);
  const row = await t.app.ctx.db.selectFrom('attendance').selectAll().where('shift_id', '=', shift.id).executeTakeFirstOrThrow();
  assert.equal(row.check_out_kind, 'corrected');
  assert.equal(row.correction_reason, '忘记签退');
  assert.equal(row.corrected_by, p.group.accountId);
  const logged = await t.app.ctx.db.selectFrom('audit_log').select('action').where('action', '=', 'group.attendance.correct').execute();
  assert.equal(logged.length, 1);
});

// Last in this file: it moves the clock by days.
test('someone still checked in 24 h after the shift ended is checked out and flagged', async () => {
  const { p, shift, v } = await setup([9, 11]);
  const stays = await setup([9, 11]);
  for (const s of [{ p, shift, v }, stays]) {
    const code = await qr(s.p.gc, s.shift.id, 'check_in');
    assert.equal((await call(t, s.v.cookie, 'POST', '/attendance/scan', { token: code.token })).statusCode, 200);
  }
  const shiftEnd = Date.parse(p.at(11));
  t.clock.advance(shiftEnd + 23 * 3_600_000 - t.clock.now.getTime());
  assert.equal(await autoCheckOut(t.app.ctx.db, t.app.ctx.now()), 0);
  // Sessions have expired over the day: sign in again.
  const code = await qr(await stays.p.group.signIn(), stays.shift.id, 'check_out');
  const { cookie } = await signIn(t.app, stays.v.username, stays.v.password);
  assert.equal((await call(t, cookie, 'POST', '/attendance/scan', { token: code.token })).statusCode, 200);
  t.clock.advance(2 * 3_600_000);
  assert.equal(await autoCheckOut(t.app.ctx.db, t.app.ctx.now()), 1);
  const row = await t.app.ctx.db.selectFrom('attendance').selectAll().where('shift_id', '=', shift.id).executeTakeFirstOrThrow();
  assert.equal(row.check_out_kind, 'auto');
  assert.equal(row.flagged, true);
  assert.equal(new Date(row.checked_out_at!).toISOString(), p.at(11));
  const kept = await t.app.ctx.db.selectFrom('attendance').selectAll().where('shift_id', '=', stays.shift.id).executeTakeFirstOrThrow();
  assert.equal(kept.check_out_kind, 'scan');
  assert.equal(kept.flagged, false);
});
