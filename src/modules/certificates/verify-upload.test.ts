import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { asUser, createTestApp, signIn, volunteerBody, type TestApp } from '../../../test/helper.js';
import { seedGroup } from '../../../test/groups.js';
import { dayFrom, publish } from '../projects/test-support.js';
import { VERIFY_LIMIT } from './verify-upload.js';

let t: TestApp;
let dataDir: string;
before(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zy-cert-verify-'));
  t = await createTestApp({ dataDir });
});
after(async () => {
  await t.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

let serial = 0;
/** A verified volunteer with a number and 3 effective hours in one project, and their certificate. */
async function issued() {
  const body = volunteerBody();
  assert.equal((await t.app.inject({ method: 'POST', url: '/api/v1/volunteers', payload: body })).statusCode, 201);
  const db = t.app.ctx.db;
  const { id } = await db.selectFrom('accounts').select('id').where('username', '=', body.username).executeTakeFirstOrThrow();
  await db.updateTable('people').set({ realname_status: 'verified' }).where('account_id', '=', id).execute();
  const volunteerNumber = `1101052026${String(process.pid % 1000).padStart(3, '0')}${String(++serial + 500).padStart(4, '0')}`;
  await db.updateTable('volunteer_profiles').set({ volunteer_number: volunteerNumber }).where('account_id', '=', id).execute();
  const { cookie } = await signIn(t.app, body.username, body.password);

  const group = await seedGroup(t.app, { level: 'intermediate' });
  const gc = await group.signIn();
  const project = await publish(t.app, gc, { name: '社区助老服务' });
  await db.updateTable('projects').set({ start_date: dayFrom(t.app, -20), end_date: dayFrom(t.app, 5) }).where('id', '=', project.id).execute();
  const position = (await db.selectFrom('positions').select('id').where('project_id', '=', project.id).executeTakeFirstOrThrow()).id;
  await db.insertInto('enrollments').values({
    site_code: '11', project_id: project.id, account_id: id, position_id: position, status: 'enrolled', via: 'application', applied_at: new Date(),
  }).execute();
  const rec = await asUser(t.app, gc, {
    method: 'POST', url: `/api/v1/projects/${project.id}/hours`,
    payload: { records: [{ volunteerId: id, serviceDate: dayFrom(t.app, -3), startTime: '08:00', endTime: '12:00', hours: 3 }] },
  });
  assert.equal(rec.statusCode, 201, rec.body);
  const res = await asUser(t.app, cookie, { method: 'POST', url: '/api/v1/me/certificates', payload: {} });
  assert.equal(res.statusCode, 201, res.body);
  const { number, downloadUrl } = res.json();
  const pdf = await asUser(t.app, cookie, { method: 'GET', url: downloadUrl });
  assert.equal(pdf.statusCode, 200);
  return { number, pdf: pdf.rawPayload, gc, recordId: rec.json().ids[0] as string };
}

let address = 0;
const upload = (body: Buffer | string, type = 'application/pdf', ip = `198.51.100.${++address % 250}`) =>
  t.app.inject({ method: 'POST', url: '/api/v1/certificates/verify', payload: body, headers: { 'content-type': type }, remoteAddress: ip });

test('anyone uploads a genuine certificate: valid, known, and what the public check says', async () => {
  const { number, pdf } = await issued();
  const res = await upload(pdf);
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json();
  assert.equal(body.signature, 'valid');
  assert.equal(body.number, number);
  assert.equal(body.known, true);
  assert.equal(body.revoked, false);
  assert.equal(body.certificate.number, number);
  assert.equal(body.certificate.totalHours, 3);
  assert.match(body.certificate.volunteerName, /^.\*+$/);
});

test('one byte changed inside the signed range: modified, the number still looked up; bytes appended: modified', async () => {
  const { number, pdf } = await issued();
  const [, b, c] = /\/ByteRange \[(\d+) (\d+) (\d+) (\d+)\]/.exec(pdf.toString('latin1'))!.slice(1).map(Number);
  for (const at of [Math.floor(b / 2), Math.floor((c + pdf.length) / 2)]) {
    const edited = Buffer.from(pdf);
    edited[at] ^= 0x01;
    const res = await upload(edited);
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().signature, 'modified', `byte ${at}`);
  }
  // A visible text edit keeps the file readable: the signature still catches it, and the real record is shown beside it.
  const text = pdf.toString('latin1');
  const at = text.indexOf('/Producer');
  assert.ok(at > 0 && (at < b || at >= c), 'the document information is signed');
  const edited = Buffer.from(pdf);
  edited[at + 1] = 'p'.charCodeAt(0);
  const res = await upload(edited);
  assert.equal(res.json().signature, 'modified');
  assert.equal(res.json().number, number);
  assert.equal(res.json().known, true);
  const appended = await upload(Buffer.concat([pdf, Buffer.from('\n%%EOF\n')]));
  assert.equal(appended.json().signature, 'modified');
});

test('a revoked certificate: signature valid but revoked', async () => {
  const { pdf, gc, recordId } = await issued();
  assert.equal((await asUser(t.app, gc, { method: 'DELETE', url: `/api/v1/hours/${recordId}`, payload: { reason: '重复录入' } })).statusCode, 204);
  const body = (await upload(pdf)).json();
  assert.equal(body.signature, 'valid');
  assert.equal(body.known, true);
  assert.equal(body.revoked, true);
  assert.equal(body.certificate.status, 'revoked');
});

test('garbage, an unsigned PDF, a wrong type, an empty body and an oversized file answer in Chinese', async () => {
  let res = await upload(Buffer.from('this is not a pdf at all'));
  assert.equal(res.statusCode, 400);
  assert.equal(res.json().code, 'CERTIFICATE_FILE_INVALID');
  assert.match(res.json().title, /PDF/);
  res = await upload(Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n'));
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json(), { signature: 'not_signed', number: null, known: false, revoked: false, certificate: null });
  res = await upload(Buffer.from('%PDF-1.4'), 'image/png');
  assert.equal(res.statusCode, 415);
  assert.equal(res.json().code, 'CERTIFICATE_FILE_TYPE');
  res = await upload(Buffer.alloc(0));
  assert.equal(res.statusCode, 400);
  res = await upload(Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(5 * 1024 * 1024)]));
  assert.equal(res.statusCode, 413);
  assert.equal(res.json().code, 'CERTIFICATE_FILE_TOO_LARGE');
  assert.match(res.json().title, /5 MB/);
});

test('rate-limited per address, also under parallel uploads; another address is unaffected', async () => {
  const ip = '203.0.113.77';
  const garbage = Buffer.from('%PDF-1.4\n%%EOF\n');
  const results = await Promise.all(Array.from({ length: VERIFY_LIMIT + 5 }, () => upload(garbage, 'application/pdf', ip)));
  const limited = results.filter((r) => r.statusCode === 429);
  assert.equal(limited.length, 5);
  assert.equal(limited[0].json().code, 'CERTIFICATE_VERIFY_RATE_LIMITED');
  assert.ok(limited[0].json().retryAfter > 0);
  assert.equal((await upload(garbage, 'application/pdf', '203.0.113.78')).statusCode, 200);
});
