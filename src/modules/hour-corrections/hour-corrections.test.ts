import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, outboxFor, type TestApp } from '../../../test/helper.js';
import { seedGroup } from '../../../test/groups.js';
import { disputeFixtures } from '../hour-reports/test-support.js';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t.close(); });
const f = disputeFixtures(() => t);
const { call } = f;

const stored = (id: string) => t.app.ctx.db.selectFrom('service_records').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

test('an accepted correction changes the record through the rules, with history, totals and a message', async () => {
  const v = await f.volunteer();
  const p = await f.project([v.id]);
  const [id] = await f.record(p, [f.row(v.id)]);
  const res = await call(v.cookie, 'POST', `/hours/${id}/corrections`, { reason: '实际服务到 13:30', endTime: '13:30', hours: 4.5 });
  assert.equal(res.statusCode, 201, res.body);
  assert.deepEqual(Object.keys(res.json()).sort(), ['id', 'status']);
  const queue = await call(p.gc, 'GET', `/groups/${p.group.id}/hour-corrections?status=pending`);
  assert.equal(queue.statusCode, 200, queue.body);
  assert.deepEqual(queue.json().items[0].proposed, { endTime: '13:30', hours: 4.5 });
  assert.equal(queue.json().items[0].volunteerName, v.name);

  const ok = await call(p.gc, 'POST', `/hour-corrections/${res.json().id}/decision`, { decision: 'accept' });
  assert.equal(ok.statusCode, 200, ok.body);
  assert.deepEqual(ok.json(), { id: res.json().id, status: 'accepted' });
  const r = await stored(id);
  assert.equal(Number(r.hours), 4.5);
  assert.equal(new Date(r.end_at).getTime() - new Date(r.start_at).getTime(), 4.5 * 3_600_000);
  assert.equal(await f.totals(v.id), 4.5);
  assert.equal(await f.projectTotal(p.id), 4.5);
  assert.equal(await f.groupTotal(p.group.id), 4.5);
  const history = await t.app.ctx.db.selectFrom('service_record_history').select(['change', 'actor_id']).where('record_id', '=', id).orderBy('id').execute();
  assert.deepEqual(history.map((h) => (h.change as any).op), ['create', 'correct']);
  assert.deepEqual((history[1]!.change as any).from, { serviceDate: f.day(-1), startTime: '09:00', endTime: '12:00', hours: 3 });
  assert.deepEqual((history[1]!.change as any).to, { serviceDate: f.day(-1), startTime: '09:00', endTime: '13:30', hours: 4.5 });
  assert.equal(history[1]!.actor_id, p.group.accountId);
  const mine = (await call(v.cookie, 'GET', '/me/hour-corrections')).json();
  assert.equal(mine.items[0].status, 'accepted');
  assert.equal(mine.items[0].record.endTime, '13:30');
  assert.ok((await outboxFor(t.app, v.phone)).some((m) => m.body.includes('更正申请已通过')));
  assert.equal((await call(p.gc, 'POST', `/hour-corrections/${res.json().id}/decision`, { decision: 'reject', reason: '再来' })).json().code, 'CORRECTION_ALREADY_DECIDED');
  const audit = await t.app.ctx.db.selectFrom('audit_log').select('action').where('target_id', '=', res.json().id).execute();
  assert.deepEqual(audit.map((a) => a.action).sort(), ['hour_correction.accepted', 'hour_correction.submit']);
});

test('a correction that would overlap another record is refused with 422 naming the rule and stays pending', async () => {
  const v = await f.volunteer();
  const p = await f.project([v.id]);
  const [id] = await f.record(p, [f.row(v.id), f.row(v.id, { startTime: '14:00', endTime: '16:00', hours: 2 })]);
  const res = await call(v.cookie, 'POST', `/hours/${id}/corrections`, { reason: '其实到 15 点', endTime: '15:00', hours: 6 });
  assert.equal(res.statusCode, 201, res.body);
  const refused = await call(p.gc, 'POST', `/hour-corrections/${res.json().id}/decision`, { decision: 'accept' });
  assert.equal(refused.statusCode, 422, refused.body);
  assert.equal(refused.json().code, 'CORRECTION_INVALID');
  assert.deepEqual(refused.json().errors, [{ field: 'startTime', code: 'OVERLAP' }]);
  assert.match(refused.json().title, /重叠/);
  assert.equal(Number((await stored(id)).hours), 3);
  assert.equal(await f.totals(v.id), 5);
  assert.equal((await call(p.gc, 'POST', `/hour-corrections/${res.json().id}/decision`, { decision: 'reject' })).statusCode, 400);
  const rejected = await call(p.gc, 'POST', `/hour-corrections/${res.json().id}/decision`, { decision: 'reject', reason: '与下午的记录重叠' });
  assert.equal(rejected.statusCode, 200, rejected.body);
  const mine = (await call(v.cookie, 'GET', '/me/hour-corrections')).json();
  assert.equal(mine.items[0].status, 'rejected');
  assert.equal(mine.items[0].decisionReason, '与下午的记录重叠');
  assert.ok((await outboxFor(t.app, v.phone)).some((m) => m.body.includes('未通过') && m.body.includes('与下午的记录重叠')));
});

test('rules that need no other record are checked when asking; only the owner may ask; one pending per record, parallel too', async () => {
  const v = await f.volunteer();
  const stranger = await f.volunteer();
  const p = await f.project([v.id]);
  const [id] = await f.record(p, [f.row(v.id)]);
  const notMine = await call(stranger.cookie, 'POST', `/hours/${id}/corrections`, { reason: '帮他改', hours: 1 });
  assert.equal(notMine.statusCode, 403, notMine.body);
  assert.equal(notMine.json().code, 'NOT_RECORD_OWNER');
  assert.equal((await call(p.gc, 'POST', `/hours/${id}/corrections`, { reason: '团体自己改', hours: 1 })).statusCode, 403);
  assert.equal((await call(v.cookie, 'POST', `/hours/${id}/corrections`, { reason: '没写改什么' })).statusCode, 400);
  const future = await call(v.cookie, 'POST', `/hours/${id}/corrections`, { reason: '日期', serviceDate: f.day(1) });
  assert.equal(future.statusCode, 422);
  assert.deepEqual(future.json().errors, [{ field: 'serviceDate', code: 'FUTURE_DATE' }]);
  assert.deepEqual((await call(v.cookie, 'POST', `/hours/${id}/corrections`, { reason: '时长', hours: 5 })).json().errors, [{ field: 'hours', code: 'HOURS_EXCEED_SPAN' }]);

  const results = await Promise.all(Array.from({ length: 4 }, () => call(v.cookie, 'POST', `/hours/${id}/corrections`, { reason: '改时长', hours: 2 })));
  assert.equal(results.filter((r) => r.statusCode === 201).length, 1, results.map((r) => r.body).join('\n'));
  assert.ok(results.filter((r) => r.statusCode !== 201).every((r) => r.json().code === 'CORRECTION_EXISTS'));

  const pending = (await t.app.ctx.db.selectFrom('hour_corrections').select('id').where('record_id', '=', id).executeTakeFirstOrThrow()).id;
  const other = await seedGroup(t.app, { level: 'intermediate' });
  const oc = await other.signIn();
  const denied = await call(oc, 'POST', `/hour-corrections/${pending}/decision`, { decision: 'accept' });
  assert.equal(denied.statusCode, 403, denied.body);
  assert.equal((await call(oc, 'GET', `/groups/${p.group.id}/hour-corrections`)).statusCode, 403);

  const decisions = await Promise.all(Array.from({ length: 3 }, () => call(p.gc, 'POST', `/hour-corrections/${pending}/decision`, { decision: 'accept' })));
  assert.equal(decisions.filter((r) => r.statusCode === 200).length, 1, decisions.map((r) => r.body).join('\n'));
  assert.equal(await f.totals(v.id), 2);
});
