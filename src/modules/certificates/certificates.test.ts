import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { asUser, createTestApp, signIn, volunteerBody, type TestApp } from '../../../test/helper.js';
import { seedGroup } from '../../../test/groups.js';
import { dayFrom, publish } from '../projects/test-support.js';
import { clearPdfCache, signingIdentityOf } from './document.js';
import { pdfText } from './pdf-text.js';
import { numberInPdf, verifyCertificatePdf } from './signing.js';
import { newCertificateNumber, parseCertificateNumber } from './number.js';
import { runVerify } from './verify-command.js';

let t: TestApp;
let dataDir: string;
before(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zy-cert-'));
  t = await createTestApp({ dataDir });
});
after(async () => {
  await t.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

let numberSerial = 0;
async function volunteer(options: { verified?: boolean; number?: boolean; name?: string } = {}) {
  const body = volunteerBody(options.name ? { name: options.name } : {});
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/volunteers', payload: body });
  assert.equal(res.statusCode, 201, res.body);
  const db = t.app.ctx.db;
  const account = await db.selectFrom('accounts').select('id').where('username', '=', body.username).executeTakeFirstOrThrow();
  if (options.verified !== false) await db.updateTable('people').set({ realname_status: 'verified' }).where('account_id', '=', account.id).execute();
  const volunteerNumber = `1101052026${String(process.pid % 1000).padStart(3, '0')}${String(++numberSerial).padStart(4, '0')}`;
  if (options.number !== false) await db.updateTable('volunteer_profiles').set({ volunteer_number: volunteerNumber }).where('account_id', '=', account.id).execute();
  const { cookie } = await signIn(t.app, body.username, body.password);
  return { ...body, id: account.id, cookie, volunteerNumber };
}

const call = (cookie: string, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: Record<string, unknown>) =>
  asUser(t.app, cookie, { method, url: `/api/v1${url}`, ...(payload ? { payload } : {}) });

async function project(enrolled: string[], name = '社区助老服务') {
  const group = await seedGroup(t.app, { level: 'intermediate' });
  const gc = await group.signIn();
  const { id } = await publish(t.app, gc, { name });
  const db = t.app.ctx.db;
  await db.updateTable('projects').set({ start_date: dayFrom(t.app, -20), end_date: dayFrom(t.app, 5) }).where('id', '=', id).execute();
  const position = (await db.selectFrom('positions').select('id').where('project_id', '=', id).executeTakeFirstOrThrow()).id;
  for (const accountId of enrolled) {
    await db.insertInto('enrollments').values({
      site_code: '11', project_id: id, account_id: accountId, position_id: position, status: 'enrolled', via: 'application', applied_at: new Date(),
    }).execute();
  }
  return { id, group, gc, name };
}

async function record(p: { id: string; gc: string }, volunteerId: string, daysAgo: number, hours: number) {
  const res = await call(p.gc, 'POST', `/projects/${p.id}/hours`, {
    records: [{ volunteerId, serviceDate: dayFrom(t.app, -daysAgo), startTime: '08:00', endTime: '20:00', hours }],
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json().ids[0] as string;
}

async function download(cookie: string, url: string) {
  const res = await asUser(t.app, cookie, { method: 'GET', url });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.headers['content-type'], 'application/pdf');
  return res.rawPayload;
}

const trusted = () => [signingIdentityOf(t.app.ctx).fingerprint];

test('certificate numbers carry a check character; a typo is caught before any look-up', () => {
  const n = newCertificateNumber('11', '2026-11-21');
  assert.match(n, /^ZY1120261121[0-9A-Z]{9}$/);
  assert.equal(parseCertificateNumber(n.toLowerCase()), n);
  const last = n.at(-2)!;
  const typo = `${n.slice(0, -2)}${last === '7' ? '8' : '7'}${n.at(-1)}`;
  assert.equal(parseCertificateNumber(typo), null);
  assert.notEqual(newCertificateNumber('11', '2026-11-21'), n);
});

test('only a verified volunteer with a number and effective hours gets one (403, 409 with Chinese titles)', async () => {
  const unverified = await volunteer({ verified: false });
  let res = await call(unverified.cookie, 'POST', '/me/certificates', {});
  assert.equal(res.statusCode, 403, res.body);
  assert.equal(res.json().code, 'CERTIFICATE_NOT_VERIFIED');
  assert.match(res.json().title, /实名认证/);
  const noNumber = await volunteer({ number: false });
  assert.equal((await call(noNumber.cookie, 'POST', '/me/certificates', {})).json().code, 'CERTIFICATE_NOT_VERIFIED');
  const idle = await volunteer();
  res = await call(idle.cookie, 'POST', '/me/certificates', {});
  assert.equal(res.statusCode, 409, res.body);
  assert.equal(res.json().code, 'CERTIFICATE_NO_HOURS');
  assert.match(res.json().title, /服务时长/);
  const group = await seedGroup(t.app);
  assert.equal((await call(await group.signIn(), 'POST', '/me/certificates', {})).statusCode, 403);
  assert.equal((await t.app.inject({ method: 'POST', url: '/api/v1/me/certificates', payload: {} })).statusCode, 401);
});

test('the certificate states exactly the volunteer\'s effective records, in the snapshot, the public check and the signed PDF', async () => {
  const a = await volunteer({ name: '欧阳修远' });
  const other = await volunteer();
  const p1 = await project([a.id, other.id], '社区助老服务');
  const p2 = await project([a.id], '河道清洁行动');
  await record(p1, a.id, 10, 3);
  await record(p1, a.id, 4, 2.25);
  await record(p2, a.id, 6, 4.5);
  const deleted = await record(p2, a.id, 2, 8);
  await record(p1, other.id, 3, 7);
  assert.equal((await call(p2.gc, 'DELETE', `/hours/${deleted}`, { reason: '重复录入' })).statusCode, 204);

  const res = await call(a.cookie, 'POST', '/me/certificates');
  assert.equal(res.statusCode, 201, res.body);
  const { number, downloadUrl } = res.json();
  assert.match(number, /^ZY11\d{8}[0-9A-Z]{9}$/);
  assert.equal(downloadUrl, `/api/v1/certificates/${number}/pdf`);

  const stored = await t.app.ctx.db.selectFrom('certificates').selectAll().where('number', '=', number).executeTakeFirstOrThrow();
  assert.equal(Number(stored.total_hours), 9.75);
  assert.equal(stored.record_count, 3);
  assert.equal(stored.kind, 'platform');
  assert.deepEqual(stored.volunteer.name, '欧阳修远');
  assert.equal(stored.volunteer.volunteerNumber, a.volunteerNumber);
  assert.match(stored.volunteer.idNumberMasked, /\*/);
  assert.deepEqual(stored.projects.map((p) => [p.name, p.hours, p.records, p.from, p.to]), [
    ['社区助老服务', 5.25, 2, dayFrom(t.app, -10), dayFrom(t.app, -4)],
    ['河道清洁行动', 4.5, 1, dayFrom(t.app, -6), dayFrom(t.app, -6)],
  ]);
  assert.equal(stored.projects[0].organiser, (await t.app.ctx.db.selectFrom('groups').select('name').where('id', '=', p1.group.id).executeTakeFirstOrThrow()).name);

  const check = await t.app.inject({ method: 'GET', url: `/api/v1/certificates/${number}` });
  assert.equal(check.statusCode, 200, check.body);
  const view = check.json();
  assert.equal(view.valid, true);
  assert.equal(view.status, 'valid');
  assert.equal(view.volunteerName, '欧***');
  assert.equal(view.volunteerNumber, a.volunteerNumber);
  assert.equal(view.totalHours, 9.75);
  assert.match(view.issuer, /志愿服务信息系统$/);
  assert.equal(check.body.includes('欧阳修远'), false);
  assert.equal(check.body.includes(a.idNumber), false);

  const pdf = await download(a.cookie, downloadUrl);
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  assert.match(pdf.subarray(-6).toString(), /%%EOF\s*$/);
  assert.equal(numberInPdf(pdf), number);
  assert.match(pdf.toString('latin1'), /\/FontName \/[A-Z]{6}\+NotoSansHans-Regular/, 'an embedded font subset');
  assert.match(pdf.toString('latin1'), /\/MediaBox \[0 0 595\.28 841\.89\]/, 'A4');
  const text = pdfText(pdf);
  for (const expected of ['志愿服务证明', '欧阳修远', a.volunteerNumber, '居民身份证', stored.volunteer.idNumberMasked, '累计 9.75 小时',
    '社区助老服务', '河道清洁行动', '5.25', '4.5', `证书编号：${number}`, '特此证明', '出具单位：', '负 责 人：', '联系方式：']) {
    assert.ok(text.includes(expected), `the PDF says ${expected}`);
  }
  assert.equal(text.includes(a.idNumber), false, 'the full ID number is never printed');
  assert.ok(text.includes(`/certificates/${number}`), 'the check address is printed beside the QR code');
  const verdict = verifyCertificatePdf(pdf, trusted());
  assert.equal(verdict.ok, true, JSON.stringify(verdict));

  const mine = await call(a.cookie, 'GET', '/me/certificates');
  assert.equal(mine.json().items[0].number, number);
  assert.ok(mine.json().nextIssueAt);
});

test('a project certificate is issued by the organising group over that project\'s hours only', async () => {
  const a = await volunteer();
  const p1 = await project([a.id], '图书馆志愿讲解');
  const p2 = await project([a.id]);
  await record(p1, a.id, 3, 2);
  await record(p2, a.id, 2, 6);
  const res = await call(a.cookie, 'POST', '/me/certificates', { projectId: p1.id });
  assert.equal(res.statusCode, 201, res.body);
  const { number, downloadUrl } = res.json();
  const view = (await t.app.inject({ method: 'GET', url: `/api/v1/certificates/${number}` })).json();
  const groupName = (await t.app.ctx.db.selectFrom('groups').select('name').where('id', '=', p1.group.id).executeTakeFirstOrThrow()).name;
  assert.equal(view.issuer, groupName);
  assert.equal(view.kind, 'project');
  assert.equal(view.totalHours, 2);
  assert.deepEqual(view.projects.map((p: any) => p.name), ['图书馆志愿讲解']);
  const text = pdfText(await download(a.cookie, downloadUrl));
  assert.ok(text.includes(`出具单位：${groupName}`));
  assert.ok(text.includes('负 责 人：王负责'));
  assert.ok(text.includes(`联系方式：李联系 ${p1.group.phone}`));

  // The issuing group may download it; another group may not.
  assert.equal((await asUser(t.app, p1.gc, { method: 'GET', url: downloadUrl })).statusCode, 200);
  assert.equal((await asUser(t.app, p2.gc, { method: 'GET', url: downloadUrl })).statusCode, 403);

  const b = await volunteer();
  const missing = await call(b.cookie, 'POST', '/me/certificates', { projectId: p1.id });
  assert.equal(missing.statusCode, 409);
  assert.equal((await call(b.cookie, 'POST', '/me/certificates', { projectId: '01890000-0000-7000-8000-000000000000' })).statusCode, 404);
});

test('one certificate per 3 hours, also under parallel requests; then another', async () => {
  const a = await volunteer();
  const p = await project([a.id]);
  await record(p, a.id, 2, 3);
  const results = await Promise.all(Array.from({ length: 6 }, () => call(a.cookie, 'POST', '/me/certificates', {})));
  const codes = results.map((r) => r.statusCode).sort();
  assert.deepEqual(codes, [201, 429, 429, 429, 429, 429], results.map((r) => r.body).join('\n'));
  const limited = results.find((r) => r.statusCode === 429)!;
  assert.equal(limited.json().code, 'CERTIFICATE_RATE_LIMITED');
  assert.match(limited.json().title, /3 小时/);
  assert.ok(Number(limited.headers['retry-after']) > 3 * 3600 - 60);
  assert.equal(await t.app.ctx.db.selectFrom('certificates').select('number').where('account_id', '=', a.id).execute().then((r) => r.length), 1);

  // Sessions time out while the clock moves on: sign in again each time.
  t.clock.advance(2 * 3_600_000);
  let cookie = (await signIn(t.app, a.username, a.password)).cookie;
  assert.equal((await call(cookie, 'POST', '/me/certificates', { projectId: p.id })).statusCode, 429, 'a project certificate counts too');
  t.clock.advance(3_600_000 + 1000);
  cookie = (await signIn(t.app, a.username, a.password)).cookie;
  assert.equal((await call(cookie, 'POST', '/me/certificates', {})).statusCode, 201);
  t.clock.advance(-(3 * 3_600_000 + 1000));
});

test('only the owner downloads the PDF; others 403, strangers 401, unknown 404', async () => {
  const a = await volunteer();
  const b = await volunteer();
  const p = await project([a.id]);
  await record(p, a.id, 2, 3);
  const { number, downloadUrl } = (await call(a.cookie, 'POST', '/me/certificates', {})).json();
  assert.equal((await asUser(t.app, b.cookie, { method: 'GET', url: downloadUrl })).statusCode, 403);
  assert.equal((await asUser(t.app, p.gc, { method: 'GET', url: downloadUrl })).statusCode, 403, 'the organiser did not issue a platform certificate');
  assert.equal((await t.app.inject({ method: 'GET', url: downloadUrl })).statusCode, 401);
  const unknown = newCertificateNumber('11', '2026-01-01');
  assert.equal((await asUser(t.app, a.cookie, { method: 'GET', url: `/api/v1/certificates/${unknown}/pdf` })).statusCode, 404);
  assert.equal((await t.app.inject({ method: 'GET', url: `/api/v1/certificates/${unknown}` })).statusCode, 404);
  const typo = `${number.slice(0, -1)}${number.at(-1) === '0' ? '1' : '0'}`;
  const from = { remoteAddress: '203.0.113.9' };
  const checks = await Promise.all(Array.from({ length: 61 }, () => t.app.inject({ method: 'GET', url: `/api/v1/certificates/${number}`, ...from })));
  assert.deepEqual([...new Set(checks.map((r) => r.statusCode))].sort(), [200, 429], 'the public check is limited per address');
  assert.equal(checks.filter((r) => r.statusCode === 200).length, 60);
  const res = await t.app.inject({ method: 'GET', url: `/api/v1/certificates/${typo}` });
  assert.equal(res.statusCode, 404);
  assert.match(res.json().title, /证书编号/);

  // Made from the snapshot on each download (past the cache): the same file every time.
  const first = await download(a.cookie, downloadUrl);
  clearPdfCache();
  t.clock.advance(60_000);
  const again = await download(a.cookie, downloadUrl);
  t.clock.advance(-60_000);
  assert.ok(again.equals(first));
  assert.equal(verifyCertificatePdf(again, trusted()).ok, true);
});

test('the signature: genuine passes; one flipped byte in the signed range, appended bytes or a foreign signer fail', async () => {
  const a = await volunteer();
  const p = await project([a.id]);
  await record(p, a.id, 2, 3);
  const { number, downloadUrl } = (await call(a.cookie, 'POST', '/me/certificates', {})).json();
  const pdf = await download(a.cookie, downloadUrl);
  const ok = verifyCertificatePdf(pdf, trusted());
  assert.ok(ok.ok);
  assert.equal(ok.number, number);

  const [, b, c] = /\/ByteRange \[(\d+) (\d+) (\d+) (\d+)\]/.exec(pdf.toString('latin1'))!.slice(1).map(Number);
  for (const at of [Math.floor(b / 2), c + 10, pdf.length - 100, Math.floor((c + pdf.length) / 2)]) {
    const edited = Buffer.from(pdf);
    edited[at] ^= 0x01;
    const verdict = verifyCertificatePdf(edited, trusted());
    assert.equal(verdict.ok, false, `byte ${at} flipped`);
    assert.ok(!verdict.ok && ['MODIFIED', 'MALFORMED'].includes(verdict.reason), JSON.stringify(verdict));
  }
  const inSignature = Buffer.from(pdf);
  inSignature[b + 40] = inSignature[b + 40] === 0x61 ? 0x62 : 0x61;
  assert.equal(verifyCertificatePdf(inSignature, trusted()).ok, false, 'the signature value itself');
  const appended = Buffer.concat([pdf, Buffer.from('\n1 0 obj\n<< >>\nendobj\n%%EOF\n')]);
  const verdict = verifyCertificatePdf(appended, trusted());
  assert.ok(!verdict.ok && verdict.reason === 'APPENDED');
  const foreign = verifyCertificatePdf(pdf, ['0'.repeat(64)]);
  assert.ok(!foreign.ok && foreign.reason === 'UNTRUSTED_SIGNER');
  assert.equal(verifyCertificatePdf(Buffer.from('%PDF-1.3\n%%EOF\n'), trusted()).ok, false);
});

test('deleting hours it counted revokes the certificate: the public check and the verify command say so', async () => {
  const a = await volunteer();
  const p = await project([a.id]);
  const kept = await record(p, a.id, 5, 3);
  const removed = await record(p, a.id, 2, 4);
  const { number, downloadUrl } = (await call(a.cookie, 'POST', '/me/certificates', {})).json();
  const pdf = await download(a.cookie, downloadUrl);
  const file = path.join(dataDir, `${number}.pdf`);
  fs.writeFileSync(file, pdf);
  const out: string[] = [];
  const fetchVia = async (url: string) => {
    const res = await t.app.inject({ method: 'GET', url: new URL(url).pathname });
    return { status: res.statusCode, json: async () => res.json() };
  };
  const run = (args: string[]) => runVerify(args, { config: t.config, fetch: fetchVia, print: (line) => out.push(line) });
  assert.equal(await run([file]), 0, out.join('\n'));
  assert.match(out.join('\n'), /有效|VALID/);

  // A later record does not touch it; deleting one of its records does.
  await record(p, a.id, 1, 1);
  assert.equal((await t.app.inject({ method: 'GET', url: `/api/v1/certificates/${number}` })).json().valid, true);
  assert.equal((await call(p.gc, 'DELETE', `/hours/${removed}`, { reason: '志愿者未到岗' })).statusCode, 204);
  const view = (await t.app.inject({ method: 'GET', url: `/api/v1/certificates/${number}` })).json();
  assert.equal(view.valid, false);
  assert.equal(view.revoked, true);
  assert.equal(view.status, 'revoked');
  assert.ok(view.revokedAt);
  assert.equal(view.totalHours, 7, 'the check still shows what the certificate said');
  assert.equal((await call(a.cookie, 'GET', '/me/certificates')).json().items[0].status, 'revoked');
  out.length = 0;
  assert.equal(await run([file]), 1);
  assert.match(out.join('\n'), /已撤销|REVOKED/);
  assert.ok(kept);

  const edited = Buffer.from(pdf);
  edited[pdf.length - 200] ^= 0x01;
  fs.writeFileSync(file, edited);
  out.length = 0;
  assert.equal(await run([file]), 1);
  assert.match(out.join('\n'), /签名无效|INVALID/);
  assert.equal(await run([]), 1, 'no file named');
});

test('production signs with the configured PKCS#12; the configuration is checked at start', async () => {
  const { generateKeyPairSync } = await import('node:crypto');
  const forge = (await import('node-forge')).default;
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key = forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  cert.serialNumber = '0a1b2c';
  cert.validity.notBefore = new Date();
  cert.validity.notAfter = new Date(Date.now() + 86_400_000);
  cert.setSubject([{ shortName: 'CN', value: 'Zhiyuan platform' }]);
  cert.setIssuer([{ shortName: 'CN', value: 'Test CA' }]);
  cert.sign(key, forge.md.sha256.create());
  const file = path.join(dataDir, 'platform.p12');
  fs.writeFileSync(file, Buffer.from(forge.asn1.toDer(forge.pkcs12.toPkcs12Asn1(key, [cert], 'p12-secret', { algorithm: '3des' })).getBytes(), 'binary'));

  const { loadConfig } = await import('../../platform/config.js');
  const base = { NODE_ENV: 'production', DATA_KEY: Buffer.alloc(32).toString('base64') };
  assert.throws(() => loadConfig(base), /CERT_SIGNING_P12/);
  assert.throws(() => loadConfig({ ...base, CERT_SIGNING_P12: path.join(dataDir, 'missing.p12') }), /CERT_SIGNING_P12: no such file/);
  assert.throws(() => loadConfig({ CERT_SIGNING_PASSWORD: 'x' }), /CERT_SIGNING_PASSWORD/);
  const config = loadConfig({ ...base, CERT_SIGNING_P12: file, CERT_SIGNING_PASSWORD: 'p12-secret' });

  const { loadSigningIdentity, signCertificatePdf } = await import('./signing.js');
  assert.throws(() => loadSigningIdentity({ ...config, certSigningPassword: 'wrong' }, () => {}));
  const id = loadSigningIdentity(config, () => {});
  assert.equal(id.source, 'configured');
  assert.equal(id.subject, 'CN=Zhiyuan platform');
  const { renderCertificatePdf } = await import('./pdf.js');
  const pdf = await signCertificatePdf(await renderCertificatePdf({
    number: newCertificateNumber('11', '2026-11-21'), kind: 'platform', issuedAt: new Date(), issueDate: '2026-11-21',
    volunteer: { name: '李四', idType: 'passport', idNumberMasked: 'E1****678', volunteerNumber: '110105202600001' },
    issuer: { name: '测试', personInCharge: '甲', contact: '乙' }, totalHours: 1, checkUrl: 'https://example.org/certificates/x',
    projects: [{ projectId: 'p', name: '项目', organiser: '团体', from: '2026-11-01', to: '2026-11-01', hours: 1, records: 1 }],
  }), id, new Date());
  assert.equal(verifyCertificatePdf(pdf, [id.fingerprint]).ok, true);
  assert.equal(verifyCertificatePdf(pdf, trusted()).ok, false, 'the development certificate is a different signer');
});
