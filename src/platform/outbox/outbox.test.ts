import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, makePhone, type TestApp } from '../../../test/helper.js';
import { enqueueMessage, normaliseRecipient, scrubReason } from './outbox.js';
import { renderTemplate, TEMPLATE_KEYS, templateChannels } from './templates.js';
import { DeliveryError, outboxOnlyTransport, type Transport, type Transports } from './transports.js';
import { MAX_ATTEMPTS, RETENTION_DAYS, SENDING_LEASE_MS, purgeOutbox, startOutboxWorker } from './worker.js';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t.close(); });

const db = () => t.app.ctx.db;
const row = (id: string) => db().selectFrom('outbox_messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const emailOf = (tag: string) => `${tag}.${process.pid}@example.com`;

/** A transport that fails the way it is told and counts its calls. */
function scripted(fail: (attempt: number) => Error | null): Transport & { calls: number } {
  const transport = {
    name: 'scripted',
    calls: 0,
    async send() {
      transport.calls += 1;
      const error = fail(transport.calls);
      if (error) throw error;
      return { providerId: `p-${transport.calls}` };
    },
  };
  return transport;
}
const both = (transport: Transport): Transports => ({ email: transport, sms: transport });

test('a message is written in the caller\'s transaction: rolled back with it, committed with it', async () => {
  const to = emailOf('rollback');
  await assert.rejects(db().transaction().execute(async (trx) => {
    await enqueueMessage(trx, t.app.ctx, { channel: 'email', to, template: 'username_reminder', params: { username: 'gone_user' } });
    throw new Error('the action failed');
  }), /the action failed/);
  const count = await db().selectFrom('outbox_messages').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  assert.equal(Number(count.n), 0, 'no message without the action');

  const id = await db().transaction().execute((trx) =>
    enqueueMessage(trx, t.app.ctx, { channel: 'email', to, template: 'username_reminder', params: { username: 'kept_user' } }));
  const stored = await row(id);
  assert.equal(stored.status, 'pending');
  assert.equal(stored.attempts, 0);
  assert.equal(stored.template, 'username_reminder');
});

test('recipient and content are encrypted at rest; nothing readable in the row', async () => {
  const phone = makePhone();
  const id = await enqueueMessage(db(), t.app.ctx, { channel: 'sms', to: phone, template: 'verification_code', params: { code: '246810', purpose: 'register', minutes: 10 } });
  const stored = await row(id);
  const text = JSON.stringify(stored);
  for (const plain of [phone, '246810', '验证码']) assert.ok(!text.includes(plain), `row contains ${plain}`);
  assert.equal(t.app.ctx.cipher.decrypt(stored.to_enc), phone);
  assert.equal(JSON.parse(t.app.ctx.cipher.decrypt(stored.content_enc)).code, '246810');
});

test('addresses are normalised; a bad address or a template without that channel is a programming error', async () => {
  assert.equal(normaliseRecipient('email', '  Li.Si@Example.COM '), 'li.si@example.com');
  assert.equal(normaliseRecipient('sms', '+86 138-0013-8000'), '13800138000');
  assert.equal(normaliseRecipient('sms', '008613800138000'), '13800138000');
  assert.equal(normaliseRecipient('sms', '１３８００１３８０００'), '13800138000');
  assert.equal(normaliseRecipient('sms', '12345'), null);
  assert.equal(normaliseRecipient('email', 'not-an-address'), null);
  await assert.rejects(enqueueMessage(db(), t.app.ctx, { channel: 'sms', to: '12345', template: 'username_reminder', params: { username: 'x' } }), /not a valid mobile/);
  await assert.rejects(enqueueMessage(db(), t.app.ctx, { channel: 'email', to: emailOf('code'), template: 'verification_code', params: { code: '1', purpose: 'register', minutes: 10 } }), /no e-mail form/);
});

test('templates: Chinese texts in one place, every purpose and form renders', () => {
  for (const purpose of ['register', 'contact', 'recovery', 'activation', 'change_phone'] as const) {
    const m = renderTemplate('verification_code', 'sms', { code: '135790', purpose, minutes: 10 });
    assert.match(m.body, /验证码为 135790，10 分钟内有效/);
    assert.equal(m.code, '135790');
    assert.deepEqual(m.vendor?.templates, [`verification_code.${purpose}`, 'verification_code']);
  }
  const reset = renderTemplate('password_reset', 'email', { username: 'wang', code: '864200', link: 'https://x.test/r?t=1', hours: 3 });
  assert.equal(reset.subject, '取回密码通知');
  assert.match(reset.body, /864200/);
  assert.match(reset.body, /https:\/\/x\.test\/r\?t=1/);
  assert.match(reset.body, /3 小时内/);
  assert.equal(reset.link, 'https://x.test/r?t=1');
  assert.equal(renderTemplate('group_review_result', 'email', { groupName: '阳光志愿队', decision: 'reject', reason: '资料不全' }).body.includes('原因：资料不全'), true);
  assert.match(renderTemplate('group_review_result', 'sms', { groupName: '阳光志愿队', decision: 'approve' }).body, /已通过审核/);
  assert.match(renderTemplate('account_activation', 'email', { username: 'zhao', link: 'https://x.test/a', code: '112233', hours: 72 }).body, /72 小时内/);
  assert.match(renderTemplate('username_reminder', 'sms', { username: 'qian' }).body, /用户名是 qian/);
  for (const key of TEMPLATE_KEYS) assert.ok(templateChannels(key).length > 0, key);
});

test('the default transport is outbox-only: delivered to the outbox and recorded as such', async () => {
  const id = await enqueueMessage(db(), t.app.ctx, { channel: 'email', to: emailOf('dev'), template: 'username_reminder', params: { username: 'dev_user' } });
  const pass = await t.deliverOutbox();
  assert.ok(pass.sent >= 1);
  const stored = await row(id);
  assert.equal(stored.status, 'sent');
  assert.equal(stored.transport, 'outbox-only');
  assert.equal(stored.provider_id, null);
  assert.equal((await t.deliverOutbox()).claimed, 0, 'nothing twice');
});

test('a failing transport: retried with growing delays, then failed with its reason', async () => {
  const id = await enqueueMessage(db(), t.app.ctx, { channel: 'email', to: emailOf('retry'), template: 'username_reminder', params: { username: 'retry_user' } });
  const broken = scripted((n) => new DeliveryError(`mail relay timeout #${n} for ${emailOf('retry')} code 12345678`, true));
  const waits: number[] = [];
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const pass = await t.deliverOutbox(both(broken));
    assert.equal(pass.claimed, 1);
    const stored = await row(id);
    assert.equal(stored.attempts, attempt);
    assert.equal(stored.transport, 'scripted');
    assert.equal(stored.last_error, `mail relay timeout #${attempt} for <address> code <number>`);
    if (stored.status === 'pending') {
      const wait = stored.next_attempt_at.getTime() - t.clock.now.getTime();
      waits.push(Math.round(wait / 1000));
      assert.equal((await t.deliverOutbox(both(broken))).claimed, 0, 'not due before the wait');
      t.clock.advance(wait + 1);
    } else {
      assert.equal(stored.status, 'failed');
      assert.equal(attempt, MAX_ATTEMPTS);
    }
  }
  assert.deepEqual(waits, [10, 30, 120, 600]);
  t.clock.advance(3_600_000);
  assert.equal((await t.deliverOutbox(both(broken))).claimed, 0, 'a failed message stays failed');
  assert.equal(broken.calls, MAX_ATTEMPTS);
  const logs = t.logs.join('\n');
  assert.match(logs, /outbox delivery failed for good/);
  assert.ok(!logs.includes(emailOf('retry')), 'logs carry no address');
});

test('a final error fails at once; an unexpected exception is retried; a later success clears the error', async () => {
  const finalId = await enqueueMessage(db(), t.app.ctx, { channel: 'email', to: emailOf('final'), template: 'username_reminder', params: { username: 'u1' } });
  await t.deliverOutbox(both(scripted(() => new DeliveryError('mailbox does not exist', false))));
  assert.equal((await row(finalId)).status, 'failed');
  assert.equal((await row(finalId)).attempts, 1);

  const flakyId = await enqueueMessage(db(), t.app.ctx, { channel: 'email', to: emailOf('flaky'), template: 'username_reminder', params: { username: 'u2' } });
  const flaky = scripted((n) => (n === 1 ? new TypeError('socket hang up') : null));
  await t.deliverOutbox(both(flaky));
  assert.equal((await row(flakyId)).status, 'pending');
  assert.equal((await row(flakyId)).last_error, 'socket hang up');
  t.clock.advance(10_001);
  await t.deliverOutbox(both(flaky));
  const done = await row(flakyId);
  assert.equal(done.status, 'sent');
  assert.equal(done.attempts, 2);
  assert.equal(done.last_error, null);
  assert.equal(done.provider_id, 'p-2');
});

test('a message left in "sending" by a crashed worker is claimed again after the lease', async () => {
  const id = await enqueueMessage(db(), t.app.ctx, { channel: 'sms', to: makePhone(), template: 'username_reminder', params: { username: 'u3' } });
  const now = t.clock.now;
  await db().updateTable('outbox_messages').set({ status: 'sending', attempts: 1, next_attempt_at: new Date(now.getTime() + SENDING_LEASE_MS) }).where('id', '=', id).execute();
  assert.equal((await t.deliverOutbox()).claimed, 0, 'still held');
  t.clock.advance(SENDING_LEASE_MS + 1000);
  assert.equal((await t.deliverOutbox()).sent, 1);
  const stored = await row(id);
  assert.equal(stored.status, 'sent');
  assert.equal(stored.attempts, 2);

  const last = await enqueueMessage(db(), t.app.ctx, { channel: 'sms', to: makePhone(), template: 'username_reminder', params: { username: 'u4' } });
  await db().updateTable('outbox_messages').set({ status: 'sending', attempts: MAX_ATTEMPTS, next_attempt_at: t.clock.now }).where('id', '=', last).execute();
  t.clock.advance(1000);
  assert.equal((await t.deliverOutbox()).claimed, 0);
  assert.equal((await row(last)).status, 'failed', 'interrupted on the last attempt: failed, not sent again');
  assert.match((await row(last)).last_error ?? '', /interrupted/);
});

test('two passes at once never deliver a message twice', async () => {
  const ids = await Promise.all(Array.from({ length: 6 }, (_, i) =>
    enqueueMessage(db(), t.app.ctx, { channel: 'email', to: emailOf(`par${i}`), template: 'username_reminder', params: { username: `p${i}` } })));
  const counting = scripted(() => null);
  const [a, b] = await Promise.all([t.deliverOutbox(both(counting)), t.deliverOutbox(both(counting))]);
  assert.equal(a.sent + b.sent, 6);
  assert.equal(counting.calls, 6);
  for (const id of ids) assert.equal((await row(id)).status, 'sent');
});

test('the worker polls, delivers, and stops cleanly; old messages are purged', async () => {
  const id = await enqueueMessage(db(), t.app.ctx, { channel: 'email', to: emailOf('worker'), template: 'username_reminder', params: { username: 'w' } });
  const stop = startOutboxWorker(t.app.ctx, { intervalMs: 20, transports: both(outboxOnlyTransport) });
  try {
    for (let i = 0; i < 200 && (await row(id)).status !== 'sent'; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal((await row(id)).status, 'sent');
  } finally {
    await stop();
  }
  const pending = await enqueueMessage(db(), t.app.ctx, { channel: 'email', to: emailOf('old'), template: 'username_reminder', params: { username: 'o' } });
  t.clock.advance((RETENTION_DAYS + 1) * 86_400_000);
  const purged = await purgeOutbox(t.app.ctx);
  assert.ok(purged >= 1);
  assert.equal(await db().selectFrom('outbox_messages').select('id').where('id', '=', id).executeTakeFirst(), undefined);
  assert.ok(await db().selectFrom('outbox_messages').select('id').where('id', '=', pending).executeTakeFirst(), 'undelivered messages are kept');
});

test('reasons are scrubbed of addresses and numbers', () => {
  assert.equal(scrubReason('550 5.1.1 <a.b@c.cn>: unknown\n user 13800138000'), '550 5.1.1 <<address>>: unknown user <number>');
});
