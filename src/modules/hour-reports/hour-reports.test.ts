import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, outboxFor, signIn, TEST_ADMIN, type TestApp } from '../../../test/helper.js';
import { seedGroup } from '../../../test/groups.js';
import { disputeFixtures } from './test-support.js';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t.close(); });
const f = disputeFixtures(() => t);
const { call } = f;

test('an upheld report deletes the record with the reason, closes other reports, adjusts totals and tells the reporters', async () => {
  const v = await f.volunteer();
  const reporter = await f.volunteer({ name: '李举报' });
  const second = await f.volunteer();
  const p = await f.project([v.id]);
  const [id, keep] = await f.record(p, [f.row(v.id), f.row(v.id, { serviceDate: f.day(-2) })]);
  assert.equal(await f.totals(v.id), 6);

  const res = await call(reporter.cookie, 'POST', `/hours/${id}/reports`, { reason: '  当天他没有到场  ' });
  assert.equal(res.statusCode, 201, res.body);
  assert.deepEqual(Object.keys(res.json()).sort(), ['id', 'status']);
  assert.equal(res.json().status, 'pending');
  const other = await call(second.cookie, 'POST', `/hours/${id}/reports`, { reason: '我也看到了' });
  assert.equal(other.statusCode, 201, other.body);

  const queue = await call(p.gc, 'GET', `/groups/${p.group.id}/hour-reports?status=pending`);
  assert.equal(queue.statusCode, 200, queue.body);
  assert.equal(queue.json().total, 2);
  const item = queue.json().items.find((i: any) => i.id === res.json().id);
  assert.equal(item.reason, '当天他没有到场');
  assert.equal(item.record.id, id);
  assert.match(item.reporterName, /^.\*+$/);
  assert.equal(queue.body.includes(reporter.name), false);

  const decided = await call(p.gc, 'POST', `/hour-reports/${res.json().id}/decision`, { decision: 'uphold', reason: '经核实当天未到岗' });
  assert.equal(decided.statusCode, 200, decided.body);
  assert.deepEqual(decided.json(), { id: res.json().id, status: 'upheld', recordDeleted: true });

  const stored = await t.app.ctx.db.selectFrom('service_records').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  assert.equal(stored.status, 'deleted');
  assert.equal(stored.deleted_reason, '经核实当天未到岗');
  assert.equal(stored.deleted_by, p.group.accountId);
  assert.equal(await f.totals(v.id), 3);
  assert.equal(await f.projectTotal(p.id), 3);
  assert.equal(await f.groupTotal(p.group.id), 3);
  const history = await t.app.ctx.db.selectFrom('service_record_history').select('change').where('record_id', '=', id).orderBy('id').execute();
  assert.deepEqual(history.map((h) => (h.change as any).op), ['create', 'delete']);
  assert.equal((history[1]!.change as any).reportId, res.json().id);
  assert.equal((await t.app.ctx.db.selectFrom('service_records').select('status').where('id', '=', keep).executeTakeFirstOrThrow()).status, 'effective');

  for (const who of [reporter, second]) {
    const mine = (await call(who.cookie, 'GET', '/me/hour-reports')).json();
    assert.equal(mine.items[0].status, 'upheld');
    assert.equal(mine.items[0].outcome, '经核实当天未到岗');
    const sms = await outboxFor(t.app, who.phone);
    assert.ok(sms.some((m) => m.channel === 'sms' && m.body.includes('举报属实') && m.body.includes('经核实当天未到岗')), JSON.stringify(sms));
  }
  const again = await call(p.gc, 'POST', `/hour-reports/${other.json().id}/decision`, { decision: 'reject', reason: '再处理一次' });
  assert.equal(again.statusCode, 409, again.body);
  assert.equal(again.json().code, 'REPORT_ALREADY_DECIDED');
  assert.equal((await call(reporter.cookie, 'POST', `/hours/${id}/reports`, { reason: '再举报' })).json().code, 'RECORD_DELETED');
  const audit = await t.app.ctx.db.selectFrom('audit_log').select(['action', 'target_id']).where('action', '=', 'hour_report.upheld').execute();
  assert.deepEqual(new Set(audit.filter((a) => [res.json().id, other.json().id].includes(a.target_id)).map((a) => a.target_id)).size, 2);
});

test('a rejected report keeps the record; the reporter without a phone is told by e-mail', async () => {
  const v = await f.volunteer();
  const reporter = await f.volunteer();
  await t.app.ctx.db.updateTable('people').set({ phone_enc: null, phone_masked: null }).where('account_id', '=', reporter.id).execute();
  const p = await f.project([v.id]);
  const [id] = await f.record(p, [f.row(v.id)]);
  const rep = await call(reporter.cookie, 'POST', `/hours/${id}/reports`, { reason: '时长好像偏多' });
  assert.equal(rep.statusCode, 201);
  assert.equal((await call(p.gc, 'POST', `/hour-reports/${rep.json().id}/decision`, { decision: 'reject', reason: ' ' })).statusCode, 400);
  const res = await call(p.gc, 'POST', `/hour-reports/${rep.json().id}/decision`, { decision: 'reject', reason: '有签到记录为证' });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.json().status, 'rejected');
  assert.equal((await t.app.ctx.db.selectFrom('service_records').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status, 'effective');
  assert.equal(await f.totals(v.id), 3);
  const mine = (await call(reporter.cookie, 'GET', '/me/hour-reports')).json();
  assert.equal(mine.items[0].status, 'rejected');
  assert.equal(mine.items[0].outcome, '有签到记录为证');
  const mail = await outboxFor(t.app, reporter.email);
  assert.ok(mail.some((m) => m.channel === 'email' && m.body.includes('举报不成立') && m.body.includes('有签到记录为证')), JSON.stringify(mail));
  // Decided, the reporter may report the record again.
  assert.equal((await call(reporter.cookie, 'POST', `/hours/${id}/reports`, { reason: '又发现了问题' })).statusCode, 201);
});

test('one pending report per reporter and record, also under parallel posts; bad reasons and unknown records refused', async () => {
  const v = await f.volunteer();
  const reporter = await f.volunteer();
  const p = await f.project([v.id]);
  const [id] = await f.record(p, [f.row(v.id)]);
  assert.equal((await call(reporter.cookie, 'POST', `/hours/${id}/reports`, { reason: '   ' })).statusCode, 400);
  assert.equal((await call(reporter.cookie, 'POST', `/hours/${id}/reports`, { reason: '长'.repeat(501) })).json().errors[0].code, 'TOO_LONG');
  assert.equal((await call(reporter.cookie, 'POST', '/hours/0190f5c8-0000-7000-8000-000000000000/reports', { reason: '不存在' })).statusCode, 404);
  assert.equal((await t.app.inject({ method: 'POST', url: `/api/v1/hours/${id}/reports`, payload: { reason: '未登录' } })).statusCode, 401);

  const results = await Promise.all(Array.from({ length: 5 }, () => call(reporter.cookie, 'POST', `/hours/${id}/reports`, { reason: '重复举报' })));
  assert.equal(results.filter((r) => r.statusCode === 201).length, 1, results.map((r) => r.body).join('\n'));
  assert.ok(results.filter((r) => r.statusCode !== 201).every((r) => r.statusCode === 409 && r.json().code === 'REPORT_EXISTS'));
  assert.equal((await call(reporter.cookie, 'POST', `/hours/${id}/reports`, { reason: '再来一次' })).json().code, 'REPORT_EXISTS');
  const rows = await t.app.ctx.db.selectFrom('hour_reports').select('id').where('record_id', '=', id).execute();
  assert.equal(rows.length, 1);
});

test('daily limit of reports per account', async () => {
  const v = await f.volunteer();
  const reporter = await f.volunteer();
  const p = await f.project([v.id]);
  const ids = await f.record(p, Array.from({ length: 11 }, (_, i) => f.row(v.id, { serviceDate: f.day(-1 - i % 9), startTime: `0${i % 2}:00`, endTime: `0${i % 2}:30`, hours: 0.5 })));
  const codes: number[] = [];
  for (const id of ids) codes.push((await call(reporter.cookie, 'POST', `/hours/${id}/reports`, { reason: '可疑' })).statusCode);
  assert.deepEqual(codes, [...Array(10).fill(201), 429]);
});

test('another group cannot see or decide (403); an authority over the group can, and sees names masked', async () => {
  const v = await f.volunteer();
  const reporter = await f.volunteer();
  const p = await f.project([v.id]);
  const [id] = await f.record(p, [f.row(v.id)]);
  const rep = (await call(reporter.cookie, 'POST', `/hours/${id}/reports`, { reason: '重复记录' })).json();
  const other = await seedGroup(t.app, { level: 'intermediate' });
  const oc = await other.signIn();
  const denied = await call(oc, 'POST', `/hour-reports/${rep.id}/decision`, { decision: 'uphold', reason: '不是我们的' });
  assert.equal(denied.statusCode, 403, denied.body);
  assert.equal((await call(oc, 'GET', `/groups/${p.group.id}/hour-reports`)).statusCode, 403);
  assert.equal((await call(reporter.cookie, 'POST', `/hour-reports/${rep.id}/decision`, { decision: 'reject', reason: '我自己' })).statusCode, 403);
  const far = await seedGroup(t.app, { level: 'advanced', regionCode: '110108', jurisdiction: { regions: ['110108'] } });
  assert.equal((await call(await far.signIn(), 'POST', `/hour-reports/${rep.id}/decision`, { decision: 'uphold', reason: '管不到' })).statusCode, 403);

  const authority = await seedGroup(t.app, { level: 'advanced', regionCode: '110000', jurisdiction: { regions: ['110000'] } });
  const ac = await authority.signIn();
  const list = await call(ac, 'GET', `/groups/${p.group.id}/hour-reports`);
  assert.equal(list.statusCode, 200, list.body);
  assert.match(list.json().items[0].record.volunteerName, /^.\*+$/);
  const ok = await call(ac, 'POST', `/hour-reports/${rep.id}/decision`, { decision: 'uphold', reason: '主管单位核实属实' });
  assert.equal(ok.statusCode, 200, ok.body);
  const stored = await t.app.ctx.db.selectFrom('service_records').select(['status', 'deleted_by', 'deleted_reason']).where('id', '=', id).executeTakeFirstOrThrow();
  assert.deepEqual(stored, { status: 'deleted', deleted_by: authority.accountId, deleted_reason: '主管单位核实属实' });
  assert.equal(await f.totals(v.id), 0);

  // A system administrator is an authority everywhere.
  const [id2] = await f.record(p, [f.row(v.id, { serviceDate: f.day(-3) })]);
  const rep2 = (await call(reporter.cookie, 'POST', `/hours/${id2}/reports`, { reason: '同样的问题' })).json();
  const admin = (await signIn(t.app, TEST_ADMIN.username, TEST_ADMIN.password)).cookie;
  assert.equal((await call(admin, 'POST', `/hour-reports/${rep2.id}/decision`, { decision: 'reject', reason: '不成立' })).statusCode, 200);
});

test('parallel decisions on one report: exactly one wins, the record is deleted once and totals drop once', async () => {
  const v = await f.volunteer();
  const reporter = await f.volunteer();
  const p = await f.project([v.id]);
  const [id] = await f.record(p, [f.row(v.id), f.row(v.id, { serviceDate: f.day(-2) })]);
  const rep = (await call(reporter.cookie, 'POST', `/hours/${id}/reports`, { reason: '并发处理' })).json();
  const results = await Promise.all(Array.from({ length: 4 }, (_, i) =>
    call(p.gc, 'POST', `/hour-reports/${rep.id}/decision`, { decision: i % 2 ? 'reject' : 'uphold', reason: `处理${i}` })));
  const won = results.filter((r) => r.statusCode === 200);
  assert.equal(won.length, 1, results.map((r) => r.body).join('\n'));
  assert.ok(results.filter((r) => r.statusCode !== 200).every((r) => r.json().code === 'REPORT_ALREADY_DECIDED'));
  const history = await t.app.ctx.db.selectFrom('service_record_history').select('change').where('record_id', '=', id).execute();
  const upheld = won[0]!.json().status === 'upheld';
  assert.equal(history.filter((h) => (h.change as any).op === 'delete').length, upheld ? 1 : 0);
  assert.equal(await f.totals(v.id), upheld ? 3 : 6);
  assert.equal((await outboxFor(t.app, reporter.phone)).filter((m) => m.subject.includes('举报')).length, 1);
});
