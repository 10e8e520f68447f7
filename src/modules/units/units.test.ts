import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  asUser, createTestApp, makeIdNumber, makePhone, outboxFor, signIn, TEST_ADMIN, volunteerBody, waitForImport, type TestApp,
} from '../../../test/helper.js';

let t: TestApp;
let admin: string;
let unitA: string;
let unitB: string;
let adminA: { cookie: string; person: Person };
let adminB: { cookie: string; person: Person };

const STAFF_PASSWORD = 'Qz7#Lm9$Tx';
const COMPLETE = { staffingCategory: '行政编制', rank: '一级科员', staffRole: '普通工作人员', positionTitle: '科员' };

interface Person { id: string; username: string; name: string; phone: string; idNumber: string }

const post = (url: string, payload: Record<string, unknown>) => t.app.inject({ method: 'POST', url: `/api/v1${url}`, payload });
const as = (cookie: string, method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: Record<string, unknown>) =>
  asUser(t.app, cookie, { method, url: `/api/v1${url}`, ...(payload ? { payload } : {}) });

async function createUnit(name: string) {
  const res = await as(admin, 'POST', '/units', { siteCode: '33', name, regionCode: '330106' });
  assert.equal(res.statusCode, 201, res.body);
  return res.json().id as string;
}

async function addStaff(unitId: string, name: string, postFields: Record<string, string> = COMPLETE, by = admin): Promise<Person> {
  const person = { name, idNumber: makeIdNumber(), phone: makePhone() };
  const res = await as(by, 'POST', `/units/${unitId}/staff`, { ...person, post: postFields });
  assert.equal(res.statusCode, 201, res.body);
  return { ...person, id: res.json().id, username: res.json().username };
}

/** 新账号激活 through the API: account + name → SMS code → password. */
async function activate(p: Person, password = STAFF_PASSWORD) {
  t.clock.advance(61_000); // one code per number per minute
  const start = await post('/activation/start', { account: p.phone, name: p.name });
  assert.equal(start.statusCode, 202, start.body);
  const [sms] = await outboxFor(t.app, p.phone);
  const done = await post('/activation/complete', { account: p.phone, code: sms.code, newPassword: password });
  assert.equal(done.statusCode, 204, done.body);
}

before(async () => {
  t = await createTestApp();
  admin = (await signIn(t.app, TEST_ADMIN.username, TEST_ADMIN.password)).cookie;
  unitA = await createUnit('西湖区民政局');
  unitB = await createUnit('西湖区文化馆');
  const a = await addStaff(unitA, '李洋');
  const b = await addStaff(unitB, '周敏');
  for (const [unit, p] of [[unitA, a], [unitB, b]] as const) {
    assert.equal((await as(admin, 'PUT', `/units/${unit}/admins/${p.id}`)).statusCode, 204);
    await activate(p);
  }
  adminA = { cookie: (await signIn(t.app, a.phone, STAFF_PASSWORD)).cookie, person: a };
  adminB = { cookie: (await signIn(t.app, b.phone, STAFF_PASSWORD)).cookie, person: b };
});
after(async () => { await t.close(); });

test('units: only system administrators create them; unit admins see their own', async () => {
  assert.equal((await as(adminA.cookie, 'POST', '/units', { siteCode: '33', name: '别的单位' })).statusCode, 403);
  const mine = (await as(adminA.cookie, 'GET', '/units')).json();
  assert.deepEqual(mine.items.map((u: any) => u.id), [unitA]);
  const detail = (await as(adminA.cookie, 'GET', `/units/${unitA}`)).json();
  assert.equal(detail.regionName, '浙江省杭州市西湖区');
  assert.deepEqual(detail.admins.map((x: any) => x.name), ['李洋']);
  assert.equal((await as(adminA.cookie, 'GET', `/units/${unitB}`)).statusCode, 404);
  assert.equal((await as(admin, 'POST', '/units', { siteCode: '33', name: '错', regionCode: '110105' })).json().code, 'REGION_INVALID');
});

test('PROFILE_INCOMPLETE until the unit admin completes 编制, 职级 and 人员角色 of every post', async () => {
  const p = await addStaff(unitA, '王芳', { positionTitle: '科员', staffingCategory: '事业编制' }, adminA.cookie);
  await activate(p);
  const refused = await post('/auth/login', { identifier: p.phone, password: STAFF_PASSWORD });
  assert.equal(refused.statusCode, 403);
  assert.equal(refused.json().code, 'PROFILE_INCOMPLETE');
  assert.equal(refused.json().title, '您的相关数据不完善，请先联系所在单位管理员完善数据');

  // 工作人员管理: search by phone (exact) or name; phones masked; the incomplete filter finds them.
  const byPhone = (await as(adminA.cookie, 'GET', `/units/${unitA}/staff?q=${p.phone}`)).json();
  assert.equal(byPhone.total, 1);
  const listed = byPhone.items[0];
  assert.equal(listed.phone, `${p.phone.slice(0, 3)}****${p.phone.slice(7)}`);
  assert.ok(!JSON.stringify(byPhone).includes(p.phone), 'no whole phone number in the list');
  assert.ok(!JSON.stringify(byPhone).includes(p.idNumber), 'no whole ID number in the list');
  assert.equal(listed.profileComplete, false);
  assert.equal((await as(adminA.cookie, 'GET', `/units/${unitA}/staff?q=${encodeURIComponent('芳')}`)).json().items[0].accountId, p.id);
  const incomplete = (await as(adminA.cookie, 'GET', `/units/${unitA}/staff?incomplete=true`)).json();
  assert.deepEqual(incomplete.items.map((s: any) => s.accountId), [p.id]);
  assert.equal((await as(adminB.cookie, 'GET', `/units/${unitA}/staff`)).statusCode, 404, "another unit's admin sees nothing");

  const postId = listed.posts[0].id;
  const patched = await as(adminA.cookie, 'PATCH', `/units/${unitA}/staff/${p.id}/posts/${postId}`, { rank: '二级科员', staffRole: '普通工作人员' });
  assert.equal(patched.statusCode, 200, patched.body);
  assert.equal(patched.json().profileComplete, true);
  assert.equal((await as(adminB.cookie, 'PATCH', `/units/${unitA}/staff/${p.id}/posts/${postId}`, { rank: 'x' })).statusCode, 404);
  await signIn(t.app, p.phone, STAFF_PASSWORD);

  // A part-time post in another unit counts too; the main unit's administrator may complete it.
  const added = await as(adminB.cookie, 'POST', `/units/${unitB}/posts`, { phone: p.phone, name: p.name, kind: 'part_time', positionTitle: '兼职联络员' });
  assert.equal(added.statusCode, 201, added.body);
  assert.equal((await post('/auth/login', { identifier: p.phone, password: STAFF_PASSWORD })).json().code, 'PROFILE_INCOMPLETE');
  const partTime = added.json().posts.find((x: any) => x.unitId === unitB);
  const fixed = await as(adminA.cookie, 'PATCH', `/units/${unitA}/staff/${p.id}/posts/${partTime.id}`, COMPLETE);
  assert.equal(fixed.statusCode, 200, fixed.body);
  await signIn(t.app, p.phone, STAFF_PASSWORD);

  const audit = await t.app.ctx.db.selectFrom('audit_log').select(['action', 'outcome', 'detail']).where('target_id', '=', p.id).where('action', '=', 'auth.login').execute();
  assert.ok(audit.some((a) => a.outcome === 'denied' && (a.detail as any).reason === 'profile_incomplete'));
});

test('通过管理员找回密码: request → the unit admin approves → activation by SMS code → sign in', async () => {
  const p = await addStaff(unitA, '赵磊', COMPLETE, adminA.cookie);
  await activate(p, 'Old#Pass2468');
  await signIn(t.app, p.username, 'Old#Pass2468');

  const asked = await post('/recovery/admin-request', { account: p.phone, name: p.name });
  assert.equal(asked.statusCode, 202);
  assert.equal((await post('/recovery/admin-request', { account: p.phone, name: '别人' })).statusCode, 202, 'same answer when it does not match');
  assert.equal((await post('/recovery/admin-request', { account: 'no_such_account', name: '赵磊' })).statusCode, 202);

  const list = (await as(adminA.cookie, 'GET', `/units/${unitA}/reset-requests`)).json();
  assert.equal(list.total, 1, JSON.stringify(list));
  const request = list.items[0];
  assert.equal(request.accountId, p.id);
  assert.equal(request.phone, `${p.phone.slice(0, 3)}****${p.phone.slice(7)}`);

  // Another unit's administrator neither sees nor approves it.
  assert.equal((await as(adminB.cookie, 'GET', `/units/${unitB}/reset-requests`)).json().total, 0);
  assert.equal((await as(adminB.cookie, 'GET', `/units/${unitA}/reset-requests`)).statusCode, 404);
  assert.equal((await as(adminB.cookie, 'POST', `/units/${unitB}/reset-requests/${request.id}/approve`)).statusCode, 404);
  assert.equal((await as(adminB.cookie, 'POST', `/units/${unitA}/reset-requests/${request.id}/approve`)).statusCode, 404);

  const approved = await as(adminA.cookie, 'POST', `/units/${unitA}/reset-requests/${request.id}/approve`);
  assert.equal(approved.statusCode, 200, approved.body);
  assert.equal(approved.json().sentTo, request.phone);
  assert.equal((await as(adminA.cookie, 'POST', `/units/${unitA}/reset-requests/${request.id}/approve`)).statusCode, 404, 'once');
  const [notice] = await outboxFor(t.app, p.phone);
  assert.equal(notice.subject, '账号激活通知');

  const old = await post('/auth/login', { identifier: p.username, password: 'Old#Pass2468' });
  assert.equal(old.statusCode, 403);
  assert.equal(old.json().code, 'ACCOUNT_INACTIVE');
  await activate(p, 'New#Pass1357');
  await signIn(t.app, p.username, 'New#Pass1357');
  assert.equal((await as(adminA.cookie, 'GET', `/units/${unitA}/reset-requests?status=approved`)).json().total, 1);
});

test('approving needs a complete record first', async () => {
  const p = await addStaff(unitA, '孙丽', { staffingCategory: '行政编制' }, adminA.cookie);
  await post('/recovery/admin-request', { account: p.username, name: p.name });
  const request = (await as(adminA.cookie, 'GET', `/units/${unitA}/reset-requests`)).json().items.find((r: any) => r.accountId === p.id);
  assert.equal(request.profileComplete, false);
  const refused = await as(adminA.cookie, 'POST', `/units/${unitA}/reset-requests/${request.id}/approve`);
  assert.equal(refused.statusCode, 409);
  assert.equal(refused.json().code, 'PROFILE_INCOMPLETE');
  assert.equal((await as(adminA.cookie, 'POST', `/units/${unitA}/reset-requests/${request.id}/dismiss`)).statusCode, 204);
});

test('a unit admin imports staff into their own unit only; a volunteer may not import', async () => {
  const rows = [
    ['姓名', '证件号码', '手机号', '任职类型', '职务', '人员编制', '职级', '人员角色'],
    ['钱程', makeIdNumber(), makePhone(), '主职', '科员', '行政编制', '一级科员', '普通工作人员'],
    ['吴迪', makeIdNumber(), makePhone(), '兼职', '', '', '', ''],
    ['郑爽', makeIdNumber(), makePhone(), '临时工', '', '', '', ''],
  ];
  const csv = rows.map((r) => r.join(',')).join('\n');
  const upload = (cookie: string, unitId: string) => asUser(t.app, cookie, {
    method: 'POST', url: `/api/v1/imports?kind=staff&mode=good_rows&unitId=${unitId}&fileName=staff.csv`, payload: csv, headers: { 'content-type': 'text/csv' },
  });
  assert.equal((await upload(adminA.cookie, unitB)).statusCode, 404);
  const res = await upload(adminA.cookie, unitA);
  assert.equal(res.statusCode, 202, res.body);
  const { final } = await waitForImport(t.app, adminA.cookie, res.json().importId);
  assert.deepEqual([final.status, final.created, final.refused], ['done', 2, 1]);
  assert.equal((await as(adminB.cookie, 'GET', `/imports/${final.id}`)).statusCode, 404, "someone else's import");

  const staff = (await as(adminA.cookie, 'GET', `/units/${unitA}/staff?q=${rows[1]![2]}`)).json().items[0];
  assert.deepEqual([staff.status, staff.profileComplete, staff.posts[0].kind, staff.posts[0].rank], ['inactive', true, 'main', '一级科员']);
  const partTime = (await as(adminA.cookie, 'GET', `/units/${unitA}/staff?q=${rows[2]![2]}`)).json().items[0];
  assert.deepEqual([partTime.posts[0].kind, partTime.profileComplete], ['part_time', false]);
  const notices = await outboxFor(t.app, rows[1]![2]!);
  assert.match(notices[0].body, /西湖区民政局已为您/);

  const v = volunteerBody();
  await t.app.inject({ method: 'POST', url: '/api/v1/volunteers', payload: v });
  const volunteer = (await signIn(t.app, v.username, v.password)).cookie;
  assert.equal((await upload(volunteer, unitA)).statusCode, 403);
  assert.equal((await as(volunteer, 'GET', `/units/${unitA}/staff`)).statusCode, 404);
});
