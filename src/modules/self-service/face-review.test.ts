import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createTestApp, signIn, TEST_ADMIN, volunteerBody, type TestApp } from '../../../test/helper.js';
import { TICKET_HEADER } from './tickets.js';

/** NODE_ENV=production: the local-review provider passes nothing by itself; an administrator decides. */
let t: TestApp;
let admin: string;
before(async () => {
  t = await createTestApp({ production: true });
  admin = (await signIn(t.app, TEST_ADMIN.username, TEST_ADMIN.password)).cookie;
});
after(async () => { await t.close(); });

let ipSerial = 0;
const nextIp = () => `10.30.0.${++ipSerial}`;

async function volunteer(status: 'verified' | 'no_result' = 'verified') {
  const body = volunteerBody();
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/volunteers', payload: body });
  assert.equal(res.statusCode, 201, res.body);
  const id = res.json().id as string;
  await t.app.ctx.db.updateTable('people').set({ realname_status: status }).where('account_id', '=', id).execute();
  return { ...body, id };
}
const identity = (v: { name: string; idNumber: string }, extra: Record<string, unknown> = {}) =>
  t.app.inject({ method: 'POST', url: '/api/v1/self-service/identity', payload: { name: v.name, idNumber: v.idNumber, ...extra }, remoteAddress: nextIp() });
const call = (path: string, ticket: string, payload?: Record<string, unknown>) =>
  t.app.inject({ method: 'POST', url: `/api/v1/self-service/${path}`, headers: { [TICKET_HEADER]: ticket }, ...(payload ? { payload } : {}) });
const asAdmin = (method: 'GET' | 'POST', url: string, payload?: Record<string, unknown>) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: { cookie: admin, 'x-requested-with': 'zhiyuan-web' }, ...(payload ? { payload } : {}) });
const jpeg = () => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xdb]), randomBytes(3000)]);
const png = () => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(3000)]);

test('pending review, an administrator passes it, the person comes back with the check number', async () => {
  const v = await volunteer();
  const { ticket } = (await identity(v)).json();
  const face = jpeg();
  const card = png();
  const alone = await call('face', ticket, { photo: face.toString('base64') });
  assert.equal(alone.statusCode, 422);
  assert.equal(alone.json().code, 'ID_CARD_PHOTO_REQUIRED', 'a reviewer needs the ID card to compare with');

  const submitted = await call('face', ticket, { photo: face.toString('base64'), idCardPhoto: `data:image/png;base64,${card.toString('base64')}` });
  assert.equal(submitted.statusCode, 202, submitted.body);
  const answer = submitted.json();
  assert.equal(answer.outcome, 'pending_review');
  assert.equal(answer.provider, 'local-review');
  assert.equal(answer.autoPassed, false);
  assert.match(answer.message, /人工审核/);
  assert.equal((await call('account', ticket)).json().code, 'FACE_CHECK_REQUIRED', 'nothing opens while the review waits');
  const other = (await identity(v)).json().ticket;
  assert.equal((await call('face', other, { photo: face.toString('base64'), idCardPhoto: card.toString('base64') })).json().code, 'FACE_REVIEW_PENDING');

  // The queue is for system administrators.
  const volunteerSession = await signIn(t.app, v.username, v.password);
  const forbidden = await t.app.inject({ method: 'GET', url: '/api/v1/admin/face-checks', headers: { cookie: volunteerSession.cookie } });
  assert.equal(forbidden.statusCode, 403);
  const queue = await asAdmin('GET', '/admin/face-checks?status=pending_review');
  assert.equal(queue.statusCode, 200, queue.body);
  const item = queue.json().items.find((i: any) => i.id === answer.checkId);
  assert.ok(item);
  assert.equal(item.accountId, v.id);
  assert.equal(item.name, v.name);
  assert.match(item.idNumberMasked, /\*{8}/);
  assert.equal(item.hasPhoto, true);
  assert.equal(item.hasIdCardPhoto, true);

  const photo = await asAdmin('GET', `/admin/face-checks/${answer.checkId}/photo`);
  assert.equal(photo.statusCode, 200);
  assert.equal(photo.headers['content-type'], 'image/jpeg');
  assert.equal(photo.headers['cache-control'], 'no-store');
  assert.ok(photo.rawPayload.equals(face));
  const cardPhoto = await asAdmin('GET', `/admin/face-checks/${answer.checkId}/photo?kind=id_card`);
  assert.equal(cardPhoto.headers['content-type'], 'image/png');
  assert.ok(cardPhoto.rawPayload.equals(card));

  assert.equal((await identity(v, { faceCheckId: answer.checkId })).json().code, 'FACE_CHECK_ID_INVALID', 'not before the decision');
  const decided = await asAdmin('POST', `/admin/face-checks/${answer.checkId}`, { result: 'pass', reason: '照片与证件一致' });
  assert.equal(decided.statusCode, 200, decided.body);
  assert.deepEqual(decided.json(), { id: answer.checkId, status: 'passed' });
  assert.equal((await asAdmin('POST', `/admin/face-checks/${answer.checkId}`, { result: 'fail' })).json().code, 'FACE_CHECK_DECIDED');
  const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: volunteerSession.cookie } });
  assert.equal(me.json().realNameLevel, 'advanced');

  const back = await identity(v, { faceCheckId: answer.checkId });
  assert.equal(back.statusCode, 201, back.body);
  assert.equal(back.json().faceChecked, true);
  const account = await call('account', back.json().ticket);
  assert.equal(account.statusCode, 200);
  assert.equal(account.json().username, v.username);
  assert.equal((await identity(v, { faceCheckId: answer.checkId })).json().code, 'FACE_CHECK_ID_INVALID', 'one use');

  const audits = await asAdmin('GET', '/admin/audit?action=admin.face_check.');
  const actions = audits.json().items.map((i: any) => i.action);
  assert.ok(actions.includes('admin.face_check.decide'));
  assert.ok(actions.includes('admin.face_check.photo'));
});

test('a failed review opens nothing, and the person may submit again', async () => {
  const v = await volunteer();
  const { ticket } = (await identity(v)).json();
  const submitted = (await call('face', ticket, { photo: jpeg().toString('base64'), idCardPhoto: png().toString('base64') })).json();
  const decided = await asAdmin('POST', `/admin/face-checks/${submitted.checkId}`, { result: 'fail', reason: '照片不清晰' });
  assert.equal(decided.json().status, 'failed');
  assert.equal((await identity(v, { faceCheckId: submitted.checkId })).json().code, 'FACE_CHECK_ID_INVALID');
  const again = await call('face', ticket, { photo: jpeg().toString('base64'), idCardPhoto: png().toString('base64') });
  assert.equal(again.statusCode, 202, 'a new submission is welcome once the old one is decided');
  const person = await t.app.ctx.db.selectFrom('people').select('face_checked_at').where('account_id', '=', v.id).executeTakeFirstOrThrow();
  assert.equal(person.face_checked_at, null);
});

test('another account cannot use a passed check number, and photos go 30 days after the decision', async () => {
  const v = await volunteer('no_result');
  const w = await volunteer();
  const { ticket } = (await identity(v)).json();
  const { checkId } = (await call('face', ticket, { photo: jpeg().toString('base64'), idCardPhoto: png().toString('base64') })).json();
  await asAdmin('POST', `/admin/face-checks/${checkId}`, { result: 'pass' });
  const verified = await t.app.ctx.db.selectFrom('people').select('realname_status').where('account_id', '=', v.id).executeTakeFirstOrThrow();
  assert.equal(verified.realname_status, 'verified', 'a passed review verifies a person whose check had no result');
  assert.equal((await identity(w, { faceCheckId: checkId })).json().code, 'FACE_CHECK_ID_INVALID');

  t.clock.advance(31 * 86_400_000);
  admin = (await signIn(t.app, TEST_ADMIN.username, TEST_ADMIN.password)).cookie;
  const next = await volunteer();
  const fresh = (await identity(next)).json().ticket;
  await call('face', fresh, { photo: jpeg().toString('base64'), idCardPhoto: png().toString('base64') });
  const row = await t.app.ctx.db.selectFrom('face_checks').select(['photo_enc', 'id_card_photo_enc', 'status']).where('id', '=', checkId).executeTakeFirstOrThrow();
  assert.equal(row.status, 'passed');
  assert.equal(row.photo_enc, null);
  assert.equal(row.id_card_photo_enc, null);
  assert.equal((await asAdmin('GET', `/admin/face-checks/${checkId}/photo`)).json().code, 'FACE_PHOTO_NOT_KEPT');
  assert.equal((await identity(v, { faceCheckId: checkId })).json().code, 'FACE_CHECK_ID_INVALID', 'a reviewed pass opens a ticket within 7 days only');
});
