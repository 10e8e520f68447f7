import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { createTestApp, type TestApp } from '../../../test/helper.js';
import { enqueueMessage } from './outbox.js';
import { createSmtpTransport, mailFrom } from './transports.js';
import { MAX_ATTEMPTS } from './worker.js';

/** The SMTP transport against a real SMTP server (smtp-server) on the loopback interface. */

interface Received {
  from: string;
  to: string[];
  raw: string;
}

let t: TestApp;
let smtp: SMTPServer;
let smtpUrl: string;
const received: Received[] = [];

before(async () => {
  smtp = new SMTPServer({
    logger: false,
    disableReverseLookup: true,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    closeTimeout: 1000,
    onAuth(auth, _session, callback) {
      if (auth.username === 'mailer' && auth.password === 'p@ss word') return callback(null, { user: 'mailer' });
      return callback(new Error('Invalid username or password'));
    },
    onRcptTo(address, _session, callback) {
      const local = address.address.split('@')[0];
      const refuse = (code: number, text: string) => callback(Object.assign(new Error(text), { responseCode: code }));
      if (local.startsWith('busy')) return refuse(451, `4.2.1 <${address.address}>: mailbox busy, try again later`);
      if (local.startsWith('nobody')) return refuse(550, `5.1.1 <${address.address}>: no such user here`);
      return callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
  const { port } = smtp.server.address() as AddressInfo;
  smtpUrl = `smtp://mailer:${encodeURIComponent('p@ss word')}@127.0.0.1:${port}`;
  t = await createTestApp({ smtpUrl, mailFrom: 'no-reply@zhiyuan.test' });
});

after(async () => {
  await t.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

/** Just enough MIME to read what nodemailer wrote: unfolded headers with RFC 2047 words decoded, the text body decoded. */
function parseMail(raw: string): { headers: Record<string, string>; text: string } {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const decodeWords = (value: string) =>
    value.replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=\s*(?==\?)?/g, (_m, _charset: string, enc: string, data: string) =>
      enc.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64').toString('utf8')
        : Buffer.from(data.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'));
  const headers: Record<string, string> = {};
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = decodeWords(line.slice(colon + 1).trim());
  }
  const body = raw.slice(split + 4);
  const encoding = (headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  let text: string;
  if (encoding === 'base64') text = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  else if (encoding === 'quoted-printable') {
    text = Buffer.from(body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
  } else text = body;
  return { headers, text: text.replace(/\r\n/g, '\n') };
}

const outboxRow = (id: string) => t.app.ctx.db.selectFrom('outbox_messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

test('an e-mail written to the outbox is delivered over SMTP, Chinese intact, and marked sent', async () => {
  const to = 'Volunteer.One@Example.com';
  const id = await t.app.ctx.db.transaction().execute((trx) => enqueueMessage(trx, t.app.ctx, {
    channel: 'email', to, template: 'password_reset',
    params: { username: 'zhang_san', code: '482913', link: 'https://zhiyuan.test/recover?token=abc', hours: 3 },
  }));
  const pass = await t.deliverOutbox();
  assert.deepEqual(pass, { claimed: 1, sent: 1, retried: 0, failed: 0 });

  const mail = received.at(-1)!;
  assert.deepEqual(mail.to, ['volunteer.one@example.com']);
  assert.equal(mail.from, 'no-reply@zhiyuan.test');
  const { headers, text } = parseMail(mail.raw);
  assert.equal(headers.subject, '取回密码通知');
  assert.match(headers.to, /volunteer\.one@example\.com/);
  assert.match(headers.from, /全国志愿服务信息系统/);
  assert.match(headers['content-type'], /charset=utf-8/i);
  assert.ok(text.startsWith('zhang_san，您好：'), text);
  assert.ok(text.includes('您的验证码是：482913'));
  assert.ok(text.includes('https://zhiyuan.test/recover?token=abc'));
  assert.ok(text.includes('3 小时内'));
  assert.ok(text.includes('全国志愿服务信息系统'));
  assert.equal(headers['x-zhiyuan-message-id'], id);

  const row = await outboxRow(id);
  assert.equal(row.status, 'sent');
  assert.equal(row.transport, 'smtp');
  assert.equal(row.attempts, 1);
  assert.ok(row.provider_id, 'the Message-ID is recorded');
  assert.ok(Math.abs(row.sent_at!.getTime() - t.clock.now.getTime()) < 5000);
});

test('a temporary SMTP refusal (451) is retried with backoff, then the message fails with its reason', async () => {
  const id = await enqueueMessage(t.app.ctx.db, t.app.ctx, {
    channel: 'email', to: 'busy.box@example.com', template: 'username_reminder', params: { username: 'li_si' },
  });
  const delays = [10_000, 30_000, 120_000, 600_000];
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const pass = await t.deliverOutbox();
    assert.equal(pass.claimed, 1, `attempt ${attempt}`);
    const row = await outboxRow(id);
    assert.equal(row.attempts, attempt);
    assert.match(row.last_error ?? '', /451/);
    assert.ok(!row.last_error!.includes('busy.box@example.com'), 'the reason does not carry the address');
    if (attempt < MAX_ATTEMPTS) {
      assert.equal(row.status, 'pending');
      const wait = row.next_attempt_at.getTime() - t.clock.now.getTime();
      assert.ok(wait > delays[attempt - 1] - 2000 && wait <= delays[attempt - 1], `wait ${wait} after attempt ${attempt}`);
      t.clock.advance(delays[attempt - 1]);
    } else {
      assert.equal(row.status, 'failed');
    }
  }
  assert.equal((await t.deliverOutbox()).claimed, 0);
});

test('a permanent refusal (550) fails at once; bad credentials are refused by the server', async () => {
  const id = await enqueueMessage(t.app.ctx.db, t.app.ctx, {
    channel: 'email', to: 'nobody@example.com', template: 'username_reminder', params: { username: 'wang_wu' },
  });
  await t.deliverOutbox();
  const row = await outboxRow(id);
  assert.equal(row.status, 'failed');
  assert.equal(row.attempts, 1);
  assert.match(row.last_error ?? '', /550/);
  assert.ok(!row.last_error!.includes('nobody@example.com'));

  const wrong = createSmtpTransport({ url: smtpUrl.replace('p%40ss%20word', 'nope'), from: 'no-reply@zhiyuan.test', timeoutMs: 5000 });
  await assert.rejects(
    wrong.send({ id: 'x', channel: 'email', template: 'username_reminder', to: 'a@example.com', content: { subject: 's', body: 'b', code: null, link: null, vendor: null } }),
    (e: Error & { retryable?: boolean }) => e.name === 'DeliveryError' && e.retryable === false && /535|Invalid/.test(e.message),
  );
});

test('an SMTP server that cannot be reached is retried', async () => {
  const closed = createSmtpTransport({ url: 'smtp://127.0.0.1:9', from: 'no-reply@zhiyuan.test', timeoutMs: 3000 });
  await assert.rejects(
    closed.send({ id: 'x', channel: 'email', template: 'username_reminder', to: 'a@example.com', content: { subject: 's', body: 'b', code: null, link: null, vendor: null } }),
    (e: Error & { retryable?: boolean }) => e.name === 'DeliveryError' && e.retryable === true,
  );
});

test('the From address: MAIL_FROM, else the SMTP user when it is an address, else no-reply@ the public host', () => {
  assert.equal(mailFrom({ mailFrom: 'a@b.cn', smtpUrl: null, publicUrl: null }), '"全国志愿服务信息系统" <a@b.cn>');
  assert.equal(mailFrom({ mailFrom: '志愿 <a@b.cn>', smtpUrl: null, publicUrl: null }), '志愿 <a@b.cn>');
  assert.equal(mailFrom({ mailFrom: null, smtpUrl: 'smtps://notify%40zy.cn:x@smtp.zy.cn', publicUrl: null }), '"全国志愿服务信息系统" <notify@zy.cn>');
  assert.equal(mailFrom({ mailFrom: null, smtpUrl: 'smtp://relay:25', publicUrl: 'https://zhiyuan.example.cn' }), '"全国志愿服务信息系统" <no-reply@zhiyuan.example.cn>');
});

test('delivery logs name neither the recipient nor the content', async () => {
  await enqueueMessage(t.app.ctx.db, t.app.ctx, {
    channel: 'email', to: 'private.person@example.com', template: 'password_reset',
    params: { username: 'secret_user', code: '771203', link: 'https://zhiyuan.test/recover?token=tok-123', hours: 3 },
  });
  await t.deliverOutbox();
  const text = t.logs.join('\n');
  assert.match(text, /outbox message delivered/);
  for (const secret of ['private.person@example.com', 'busy.box@example.com', 'nobody@example.com', '771203', '482913', 'tok-123', 'secret_user', '取回密码']) {
    assert.ok(!text.includes(secret), `log contains ${secret}`);
  }
});
