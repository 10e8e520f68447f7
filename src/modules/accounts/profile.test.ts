import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { asUser, createTestApp, makeIdNumber, signIn, volunteerBody, type TestApp } from '../../../test/helper.js';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t.close(); });

async function signedInVolunteer() {
  const body = volunteerBody();
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/volunteers', payload: body });
  assert.equal(res.statusCode, 201, res.body);
  const { cookie } = await signIn(t.app, body.username, body.password);
  return { body, cookie, id: res.json().id as string };
}

test('GET /me has the api.md fields', async () => {
  const { body, cookie } = await signedInVolunteer();
  const res = await asUser(t.app, cookie, { method: 'GET', url: '/api/v1/me' });
  assert.deepEqual(Object.keys(res.json()).sort(), ['groupId', 'id', 'name', 'realNameLevel', 'realNameStatus', 'siteCode', 'type', 'username', 'volunteerNumber']);
  assert.equal(res.json().name, body.name);
  assert.equal(res.json().siteCode, '11');
});

test('the owner sees the whole ID and phone numbers on the profile; birth date and gender follow the number', async () => {
  const { body, cookie } = await signedInVolunteer();
  const res = await asUser(t.app, cookie, { method: 'GET', url: '/api/v1/me/profile' });
  assert.equal(res.statusCode, 200);
  const profile = res.json();
  assert.equal(profile.identity.idNumber, body.idNumber);
  assert.equal(profile.basic.phone, body.phone);
  assert.equal(profile.identity.birthDate, `${body.idNumber.slice(6, 10)}-${body.idNumber.slice(10, 12)}-${body.idNumber.slice(12, 14)}`);
  assert.equal(profile.identity.gender, Number(body.idNumber[16]) % 2 === 1 ? 'male' : 'female');
  assert.equal(profile.intentions.serviceRegionName, '北京市朝阳区');
});

test('profile tabs save; identity corrections go back to pending and re-check the number', async () => {
  const { cookie, id } = await signedInVolunteer();
  const newNumber = makeIdNumber();
  const res = await asUser(t.app, cookie, {
    method: 'PATCH', url: '/api/v1/me/profile',
    payload: { identity: { name: '张三丰', idNumber: newNumber }, intentions: { serviceCategories: ['education', 'health'] }, skills: { skills: ['急救'] } },
  });
  assert.equal(res.statusCode, 204, res.body);
  const profile = (await asUser(t.app, cookie, { method: 'GET', url: '/api/v1/me/profile' })).json();
  assert.equal(profile.identity.name, '张三丰');
  assert.equal(profile.identity.idNumber, newNumber);
  assert.deepEqual(profile.intentions.serviceCategories, ['education', 'health']);
  assert.deepEqual(profile.skills, { skills: ['急救'] });
  const bad = await asUser(t.app, cookie, { method: 'PATCH', url: '/api/v1/me/profile', payload: { identity: { idNumber: '110105199003071230' } } });
  assert.equal(bad.json().code, 'ID_NUMBER_INVALID');

  await t.app.ctx.db.updateTable('people').set({ realname_status: 'verified' }).where('account_id', '=', id).execute();
  const locked = await asUser(t.app, cookie, { method: 'PATCH', url: '/api/v1/me/profile', payload: { identity: { name: '李四' } } });
  assert.equal(locked.statusCode, 409);
  assert.equal(locked.json().code, 'IDENTITY_LOCKED');
  const me = (await asUser(t.app, cookie, { method: 'GET', url: '/api/v1/me' })).json();
  assert.equal(me.realNameLevel, 'intermediate');
});

test("one volunteer's new ID number cannot take another's", async () => {
  const a = await signedInVolunteer();
  const b = await signedInVolunteer();
  const res = await asUser(t.app, b.cookie, { method: 'PATCH', url: '/api/v1/me/profile', payload: { identity: { idNumber: a.body.idNumber } } });
  assert.equal(res.statusCode, 409);
  assert.equal(res.json().code, 'ID_NUMBER_REGISTERED');
});
