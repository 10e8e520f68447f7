import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { asUser, createTestApp, outboxFor, signIn, volunteerBody, type TestApp } from '../../../test/helper.js';
import { seedGroup } from '../../../test/groups.js';
import { publish } from './test-support.js';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t.close(); });

async function volunteer(options: { phone?: boolean } = {}) {
  const body = volunteerBody();
  assert.equal((await t.app.inject({ method: 'POST', url: '/api/v1/volunteers', payload: body })).statusCode, 201);
  const account = await t.app.ctx.db.selectFrom('accounts').select('id').where('username', '=', body.username).executeTakeFirstOrThrow();
  await t.app.ctx.db.updateTable('people').set({ realname_status: 'verified', ...(options.phone === false ? { phone_enc: null, phone_masked: null } : {}) })
    .where('account_id', '=', account.id).execute();
  return { ...body, id: account.id, cookie: (await signIn(t.app, body.username, body.password)).cookie };
}

test('cancelling tells every enrolled and pending volunteer, by SMS or else e-mail, with the project and the reason', async () => {
  const group = await seedGroup(t.app, { level: 'intermediate', name: '河道守护志愿队' });
  const gc = await group.signIn();
  const { id } = await publish(t.app, gc, { name: '周末河道清洁', exemptPassword: 'pass1234' });
  const [position] = await t.app.ctx.db.selectFrom('positions').select('id').where('project_id', '=', id).execute();
  const enrolled = await volunteer();
  const pending = await volunteer({ phone: false });
  const rejected = await volunteer();
  const bystander = await volunteer();
  const apply = (v: { cookie: string }, payload: Record<string, unknown>) =>
    asUser(t.app, v.cookie, { method: 'POST', url: `/api/v1/projects/${id}/enrollments`, payload: { positionId: position!.id, ...payload } });
  assert.equal((await apply(enrolled, { exemptPassword: 'pass1234' })).json().status, 'enrolled');
  assert.equal((await apply(pending, {})).json().status, 'pending');
  assert.equal((await apply(rejected, {})).json().status, 'pending');
  const decided = await asUser(t.app, gc, { method: 'POST', url: `/api/v1/projects/${id}/enrollments/${rejected.id}/decision`, payload: { decision: 'reject', reason: '名额已满' } });
  assert.equal(decided.statusCode, 200, decided.body);

  const cancelled = await asUser(t.app, gc, { method: 'POST', url: `/api/v1/projects/${id}/cancel`, payload: { reason: '暴雨预警，活动取消' } });
  assert.equal(cancelled.statusCode, 200, cancelled.body);

  const [sms] = await outboxFor(t.app, enrolled.phone);
  assert.equal(sms.channel, 'sms');
  assert.match(sms.body, /周末河道清洁/);
  assert.match(sms.body, /暴雨预警，活动取消/);
  assert.match(sms.body, /河道守护志愿队/);
  assert.deepEqual(await outboxFor(t.app, enrolled.email), []);

  const [mail] = await outboxFor(t.app, pending.email);
  assert.equal(mail.channel, 'email');
  assert.equal(mail.subject, '志愿项目取消通知');
  assert.match(mail.body, /周末河道清洁[\s\S]*暴雨预警，活动取消/);

  assert.deepEqual(await outboxFor(t.app, rejected.phone), []);
  assert.deepEqual(await outboxFor(t.app, bystander.phone), []);
  const [entry] = await t.app.ctx.db.selectFrom('audit_log').select('detail').where('action', '=', 'project.cancel').where('target_id', '=', id).execute();
  assert.deepEqual((entry!.detail as any).told, { messages: 2, unreachable: 0 });

  const delivered = await t.deliverOutbox();
  assert.ok(delivered.sent >= 2, JSON.stringify(delivered));
});

test('a cancellation that fails sends nothing; another group cannot cancel', async () => {
  const group = await seedGroup(t.app, { level: 'intermediate' });
  const gc = await group.signIn();
  const { id } = await publish(t.app, gc, { exemptPassword: 'pass1234' });
  const [position] = await t.app.ctx.db.selectFrom('positions').select('id').where('project_id', '=', id).execute();
  const v = await volunteer();
  await asUser(t.app, v.cookie, { method: 'POST', url: `/api/v1/projects/${id}/enrollments`, payload: { positionId: position!.id, exemptPassword: 'pass1234' } });
  const other = await (await seedGroup(t.app, { level: 'intermediate' })).signIn();
  assert.equal((await asUser(t.app, other, { method: 'POST', url: `/api/v1/projects/${id}/cancel`, payload: { reason: '无关' } })).statusCode, 404);
  assert.deepEqual(await outboxFor(t.app, v.phone), []);
  assert.equal((await asUser(t.app, gc, { method: 'POST', url: `/api/v1/projects/${id}/cancel`, payload: { reason: '取消' } })).statusCode, 200);
  assert.equal((await outboxFor(t.app, v.phone)).length, 1);
  const again = await asUser(t.app, gc, { method: 'POST', url: `/api/v1/projects/${id}/cancel`, payload: { reason: '再次取消' } });
  assert.equal(again.json().code, 'PROJECT_NOT_CANCELLABLE');
  assert.equal((await outboxFor(t.app, v.phone)).length, 1, 'the refused second cancel wrote no message');
});
