import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { asUser, createTestApp, signIn, TEST_ADMIN, volunteerBody, type TestApp } from '../../../test/helper.js';
import { seedGroup } from '../../../test/groups.js';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t.close(); });

let numberSerial = 0;
/** A registered volunteer, marked real-name verified directly (the demo registry does not know test people). */
async function volunteer(overrides: Record<string, unknown> = {}, verified = true) {
  const body = volunteerBody(overrides);
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/volunteers', payload: body });
  assert.equal(res.statusCode, 201, res.body);
  const account = await t.app.ctx.db.selectFrom('accounts').select('id').where('username', '=', body.username).executeTakeFirstOrThrow();
  numberSerial += 1;
  const volunteerNumber = `99${String(process.pid).padStart(7, '0')}${String(numberSerial).padStart(7, '0')}`;
  if (verified) {
    await t.app.ctx.db.updateTable('people').set({ realname_status: 'verified' }).where('account_id', '=', account.id).execute();
    await t.app.ctx.db.updateTable('volunteer_profiles').set({ volunteer_number: volunteerNumber }).where('account_id', '=', account.id).execute();
  }
  const { cookie } = await signIn(t.app, body.username, body.password);
  return { ...body, id: account.id, cookie, volunteerNumber };
}

const call = (cookie: string, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: Record<string, unknown>) =>
  asUser(t.app, cookie, { method, url: `/api/v1${url}`, ...(payload ? { payload } : {}) });
const apply = (cookie: string, groupId: string, payload: Record<string, unknown> = {}) => call(cookie, 'POST', `/groups/${groupId}/members`, payload);
const memberCount = async (groupId: string) =>
  (await t.app.ctx.db.selectFrom('groups').select('member_count').where('id', '=', groupId).executeTakeFirstOrThrow()).member_count;

test('apply, approve, reject with a reason, apply again, leave and remove', async () => {
  const g = await seedGroup(t.app);
  const gc = await g.signIn();
  const a = await volunteer();
  const b = await volunteer();

  const applied = await apply(a.cookie, g.id);
  assert.equal(applied.statusCode, 201, applied.body);
  assert.deepEqual(applied.json(), { status: 'pending' });
  assert.equal((await apply(a.cookie, g.id)).json().code, 'ALREADY_APPLIED');
  assert.equal((await call(gc, 'GET', `/groups/${g.id}/members?status=pending`)).json().total, 1);

  const approved = await call(gc, 'POST', `/groups/${g.id}/members/${a.id}/decision`, { decision: 'approve' });
  assert.equal(approved.statusCode, 200, approved.body);
  assert.deepEqual(approved.json(), { status: 'joined' });
  assert.equal(await memberCount(g.id), 1);
  assert.equal((await apply(a.cookie, g.id)).json().code, 'ALREADY_MEMBER');
  assert.equal((await call(gc, 'POST', `/groups/${g.id}/members/${a.id}/decision`, { decision: 'reject', reason: '晚了' })).json().code, 'NOT_PENDING');

  await apply(b.cookie, g.id);
  const noReason = await call(gc, 'POST', `/groups/${g.id}/members/${b.id}/decision`, { decision: 'reject' });
  assert.equal(noReason.statusCode, 400);
  assert.equal(noReason.json().errors[0].field, 'reason');
  const rejected = await call(gc, 'POST', `/groups/${g.id}/members/${b.id}/decision`, { decision: 'reject', reason: '服务区域不符' });
  assert.deepEqual(rejected.json(), { status: 'rejected' });
  const tab = (await call(b.cookie, 'GET', '/me/groups?status=rejected')).json();
  assert.equal(tab.total, 1);
  assert.equal(tab.items[0].reason, '服务区域不符');
  assert.equal(tab.items[0].groupId, g.id);
  assert.equal(tab.items[0].regionName, '北京市朝阳区');
  assert.equal((await call(b.cookie, 'GET', '/me/groups/limits?siteCode=11')).json().used, 0, 'a rejection frees the slot');
  assert.equal((await apply(b.cookie, g.id)).statusCode, 201, 'a rejected volunteer may apply again');

  // Leaving: the volunteer's own choice; withdrawing a pending application works the same way.
  assert.equal((await call(b.cookie, 'DELETE', `/groups/${g.id}/members/me`)).statusCode, 204);
  assert.equal((await call(b.cookie, 'DELETE', `/groups/${g.id}/members/me`)).statusCode, 404);
  assert.equal((await call(a.cookie, 'DELETE', `/groups/${g.id}/members/me`)).statusCode, 204);
  assert.equal(await memberCount(g.id), 0);
  assert.equal((await apply(a.cookie, g.id)).statusCode, 201, 'a volunteer who left may apply again');
  await call(gc, 'POST', `/groups/${g.id}/members/${a.id}/decision`, { decision: 'approve' });
  assert.equal(await memberCount(g.id), 1);

  assert.equal((await call(gc, 'DELETE', `/groups/${g.id}/members/${a.id}`, {})).statusCode, 400, 'a reason is required');
  const removed = await call(gc, 'DELETE', `/groups/${g.id}/members/${a.id}`, { reason: '长期未参加活动' });
  assert.equal(removed.statusCode, 204, removed.body);
  assert.equal(await memberCount(g.id), 0);
  assert.equal((await call(gc, 'DELETE', `/groups/${g.id}/members/${a.id}`, { reason: '再次' })).json().code, 'NOT_MEMBER');
  assert.equal((await call(a.cookie, 'GET', '/me/groups/limits?siteCode=11')).json().used, 0);

  const actions = await t.app.ctx.db.selectFrom('audit_log').select(['action', 'actor_id']).where('action', 'like', 'group.member.%').where('outcome', '=', 'success').execute();
  assert.ok(actions.some((r) => r.action === 'group.member.decide' && r.actor_id === g.accountId));
  assert.ok(actions.some((r) => r.action === 'group.member.remove' && r.actor_id === g.accountId));
  assert.ok(actions.some((r) => r.action === 'group.member.leave' && r.actor_id === a.id));
});

test('who may apply: real-name verified volunteers, to approved groups only', async () => {
  const g = await seedGroup(t.app);
  const pendingGroup = await seedGroup(t.app, { status: 'pending' });
  const unverified = await volunteer({}, false);
  assert.equal((await apply(unverified.cookie, g.id)).json().code, 'REALNAME_REQUIRED');
  const v = await volunteer();
  assert.equal((await apply(v.cookie, pendingGroup.id)).json().code, 'GROUP_NOT_ACCEPTING');
  assert.equal((await apply(v.cookie, '0190a3c4-0000-7000-8000-000000000000')).statusCode, 404);
  assert.equal((await apply(v.cookie, 'not-a-uuid')).statusCode, 400);
  assert.equal((await apply(await g.signIn(), g.id)).statusCode, 403, 'a group account cannot apply');
  const bare = await asUser(t.app, v.cookie, { method: 'POST', url: `/api/v1/groups/${g.id}/members` });
  assert.equal(bare.statusCode, 201, 'the plain "我要加入" click sends no body');
});

test('exempt-review password: right joins at once, wrong is refused and throttled', async () => {
  const g = await seedGroup(t.app, { exemptPassword: 'Mian2468' });
  const v = await volunteer();
  const wrong = await apply(v.cookie, g.id, { exemptPassword: 'nope' });
  assert.equal(wrong.statusCode, 422);
  assert.equal(wrong.json().code, 'EXEMPT_PASSWORD_WRONG');
  const right = await apply(v.cookie, g.id, { exemptPassword: 'Mian2468' });
  assert.equal(right.statusCode, 201, right.body);
  assert.deepEqual(right.json(), { status: 'joined' });
  assert.equal(await memberCount(g.id), 1);

  const w = await volunteer();
  const codes = [];
  for (let i = 0; i < 6; i++) codes.push((await apply(w.cookie, g.id, { exemptPassword: `guess${i}` })).statusCode);
  assert.deepEqual(codes, [422, 422, 422, 422, 422, 429]);
  assert.equal((await apply(w.cookie, g.id, { exemptPassword: 'Mian2468' })).statusCode, 429, 'even the right one waits');
  t.clock.advance(3600_000);
  const fresh = (await signIn(t.app, w.username, w.password)).cookie;
  assert.equal((await apply(fresh, g.id, { exemptPassword: 'Mian2468' })).statusCode, 201);

  const noPassword = await seedGroup(t.app);
  assert.equal((await apply(fresh, noPassword.id, { exemptPassword: 'anything' })).json().code, 'EXEMPT_PASSWORD_WRONG', 'no password set: nothing matches');
});

test('at most 20 groups per site, under 25 parallel applications; other sites count apart', async () => {
  const groups = await Promise.all(Array.from({ length: 26 }, () => seedGroup(t.app)));
  const shanghai = await seedGroup(t.app, { siteCode: '31', regionCode: '310101' });
  const v = await volunteer();
  const results = await Promise.all(groups.slice(0, 25).map((g) => apply(v.cookie, g.id)));
  const ok = results.filter((r) => r.statusCode === 201);
  const refused = results.filter((r) => r.statusCode === 409);
  assert.equal(ok.length, 20, results.map((r) => r.statusCode).join(','));
  assert.equal(refused.length, 5);
  for (const r of refused) {
    assert.equal(r.json().code, 'GROUP_LIMIT_REACHED');
    assert.match(r.json().title, /20 个/);
  }
  assert.deepEqual((await call(v.cookie, 'GET', '/me/groups/limits?siteCode=11')).json(), { siteCode: '11', used: 20, limit: 20 });
  const counter = await t.app.ctx.db.selectFrom('volunteer_site_counters').select('active_groups').where('account_id', '=', v.id).where('site_code', '=', '11').executeTakeFirstOrThrow();
  assert.equal(counter.active_groups, 20);

  assert.equal((await apply(v.cookie, shanghai.id)).statusCode, 201, '20 in site 11 does not block site 31');
  assert.equal((await call(v.cookie, 'GET', '/me/groups/limits?siteCode=31')).json().used, 1);

  const last = groups[25];
  assert.equal((await apply(v.cookie, last.id)).json().code, 'GROUP_LIMIT_REACHED');
  const joinedIndex = results.findIndex((r) => r.statusCode === 201);
  assert.equal((await call(v.cookie, 'DELETE', `/groups/${groups[joinedIndex].id}/members/me`)).statusCode, 204);
  assert.equal((await apply(v.cookie, last.id)).statusCode, 201, 'a 21st succeeds after leaving one');
  assert.equal((await apply(v.cookie, groups[joinedIndex].id)).json().code, 'GROUP_LIMIT_REACHED');

  const mine = (await call(v.cookie, 'GET', '/me/groups?status=pending&siteCode=11&pageSize=100')).json();
  assert.equal(mine.total, 20);
  assert.equal((await call(v.cookie, 'GET', '/me/groups?status=pending&pageSize=5')).json().total, 21);
  assert.equal((await call(v.cookie, 'GET', '/me/groups?status=pending&pageSize=5')).json().items.length, 5);
});

test('my groups tabs: joined, pending, rejected', async () => {
  const [g1, g2, g3] = await Promise.all([seedGroup(t.app), seedGroup(t.app, { exemptPassword: 'Mian1357' }), seedGroup(t.app)]);
  const v = await volunteer();
  await apply(v.cookie, g1.id);
  await apply(v.cookie, g2.id, { exemptPassword: 'Mian1357' });
  await apply(v.cookie, g3.id);
  await call(await g3.signIn(), 'POST', `/groups/${g3.id}/members/${v.id}/decision`, { decision: 'reject', reason: '名额已满' });
  const tab = async (status: string) => (await call(v.cookie, 'GET', `/me/groups?status=${status}`)).json().items.map((i: any) => i.groupId);
  assert.deepEqual(await tab('pending'), [g1.id]);
  assert.deepEqual(await tab('joined'), [g2.id]);
  assert.deepEqual(await tab('rejected'), [g3.id]);
  const all = (await call(v.cookie, 'GET', '/me/groups')).json();
  assert.equal(all.total, 3);
  const joined = all.items.find((i: any) => i.groupId === g2.id);
  assert.equal(joined.status, 'joined');
  assert.equal(joined.via, 'exempt_password');
  assert.ok(joined.decidedAt);
  assert.equal(joined.reason, null);
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/me/groups' })).statusCode, 401);
  assert.equal((await call(v.cookie, 'GET', '/me/groups?status=left')).statusCode, 400);
});

test('member list: search by name, username, volunteer number and phone; phones masked', async () => {
  const g = await seedGroup(t.app);
  const gc = await g.signIn();
  const li = await volunteer({ name: '李小龙' });
  const wang = await volunteer({ name: '王大锤' });
  await apply(li.cookie, g.id);
  await apply(wang.cookie, g.id);
  await call(gc, 'POST', `/groups/${g.id}/members/${li.id}/decision`, { decision: 'approve' });
  const search = async (q: string, status = '') =>
    (await call(gc, 'GET', `/groups/${g.id}/members?q=${encodeURIComponent(q)}${status ? `&status=${status}` : ''}`)).json();

  const all = await search('');
  assert.equal(all.total, 2);
  assert.ok(all.items.every((i: any) => /^\d{3}\*{4}\d{4}$/.test(i.phone)), 'masked');
  assert.ok(!JSON.stringify(all).includes(li.phone));
  assert.deepEqual((await search('小龙')).items.map((i: any) => i.accountId), [li.id]);
  assert.deepEqual((await search(wang.username.toUpperCase())).items.map((i: any) => i.accountId), [wang.id]);
  assert.deepEqual((await search(wang.volunteerNumber)).items.map((i: any) => i.accountId), [wang.id]);
  assert.deepEqual((await search(li.phone)).items.map((i: any) => i.accountId), [li.id]);
  assert.equal((await search('13900000000')).total, 0);
  assert.equal((await search('%')).total, 0, 'wildcards are literal');
  const item = (await search('', 'joined')).items[0];
  assert.equal(item.name, '李小龙');
  assert.equal(item.status, 'joined');
  assert.equal(item.volunteerNumber, li.volunteerNumber);
  assert.equal((await search('', 'pending')).items[0].accountId, wang.id);
});

test('export: a real .xlsx workbook with Chinese headers and masked phones', async () => {
  const g = await seedGroup(t.app);
  const gc = await g.signIn();
  const vs = [await volunteer({ name: '赵一' }), await volunteer({ name: '钱二' }), await volunteer({ name: '孙三' })];
  // A name that a spreadsheet would run as a formula, were it not written as text.
  await t.app.ctx.db.updateTable('people').set({ name: '=1+1' }).where('account_id', '=', vs[2].id).execute();
  for (const v of vs) await apply(v.cookie, g.id);
  await call(gc, 'POST', `/groups/${g.id}/members/${vs[0].id}/decision`, { decision: 'approve' });

  const res = await call(gc, 'GET', `/groups/${g.id}/members/export.xlsx`);
  assert.equal(res.statusCode, 200, res.body);
  assert.match(String(res.headers['content-type']), /spreadsheetml/);
  assert.match(String(res.headers['content-disposition']), /filename\*=UTF-8''%E5%9B%A2%E4%BD%93%E6%88%90%E5%91%98\.xlsx/);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0];
  const rows: string[][] = [];
  sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1).map((c) => String(c ?? ''))));
  assert.equal(rows[0][0], '姓名');
  assert.equal(rows[0][4], '手机号');
  assert.equal(rows.length, 4);
  const zhao = rows.find((r) => r[0] === '赵一')!;
  assert.equal(zhao[5], '已加入');
  assert.equal(zhao[4], `${vs[0].phone.slice(0, 3)}****${vs[0].phone.slice(7)}`);
  assert.ok(rows.some((r) => r[0] === '=1+1'), 'kept as text');
  assert.ok(!rows.flat().some((c) => vs.some((v) => c.includes(v.phone))));

  const joinedOnly = await call(gc, 'GET', `/groups/${g.id}/members/export.xlsx?status=joined`);
  const wb2 = new ExcelJS.Workbook();
  await wb2.xlsx.load(joinedOnly.rawPayload as unknown as ArrayBuffer);
  assert.equal(wb2.worksheets[0].rowCount, 2);
  const audited = await t.app.ctx.db.selectFrom('audit_log').select('actor_id').where('action', '=', 'group.member.export').execute();
  assert.ok(audited.some((r) => r.actor_id === g.accountId));
});

test("another group's admin and volunteers get 404", async () => {
  const g = await seedGroup(t.app);
  const other = await seedGroup(t.app);
  const oc = await other.signIn();
  const v = await volunteer();
  await apply(v.cookie, g.id);
  for (const cookie of [oc, v.cookie]) {
    assert.equal((await call(cookie, 'GET', `/groups/${g.id}/members`)).statusCode, 404);
    assert.equal((await call(cookie, 'GET', `/groups/${g.id}/members/export.xlsx`)).statusCode, 404);
    assert.equal((await call(cookie, 'POST', `/groups/${g.id}/members/${v.id}/decision`, { decision: 'approve' })).statusCode, 404);
  }
  assert.equal((await call(oc, 'DELETE', `/groups/${g.id}/members/${v.id}`, { reason: 'x' })).statusCode, 404);
  assert.equal((await t.app.inject({ method: 'GET', url: `/api/v1/groups/${g.id}/members` })).statusCode, 401);
  // A pending application of someone else is not the other group's business either.
  assert.equal((await call(await g.signIn(), 'POST', `/groups/${g.id}/members/${other.accountId}/decision`, { decision: 'approve' })).statusCode, 404);
});

test('an advanced group acts inside its jurisdiction only; administrators everywhere', async () => {
  const authority = await seedGroup(t.app, { level: 'advanced', regionCode: '110100', jurisdiction: { regions: ['110105'] } });
  const ac = await authority.signIn();
  const inside = await seedGroup(t.app, { regionCode: '110105' });
  const outside = await seedGroup(t.app, { regionCode: '110108' });
  const elsewhere = await seedGroup(t.app, { siteCode: '31', regionCode: '310101' });
  const v = await volunteer();
  for (const g of [inside, outside, elsewhere]) assert.equal((await apply(v.cookie, g.id)).statusCode, 201);

  assert.equal((await call(ac, 'GET', `/groups/${inside.id}/members`)).json().total, 1);
  const decided = await call(ac, 'POST', `/groups/${inside.id}/members/${v.id}/decision`, { decision: 'approve' });
  assert.equal(decided.statusCode, 200, decided.body);
  const row = await t.app.ctx.db.selectFrom('audit_log').select(['actor_id', 'detail']).where('action', '=', 'group.member.decide').where('actor_id', '=', authority.accountId).executeTakeFirstOrThrow();
  assert.equal((typeof row.detail === 'string' ? JSON.parse(row.detail) : row.detail).authorityGroupId, authority.id);
  for (const g of [outside, elsewhere]) {
    assert.equal((await call(ac, 'GET', `/groups/${g.id}/members`)).statusCode, 404);
    assert.equal((await call(ac, 'POST', `/groups/${g.id}/members/${v.id}/decision`, { decision: 'approve' })).statusCode, 404);
  }

  const admin = (await signIn(t.app, TEST_ADMIN.username, TEST_ADMIN.password)).cookie;
  assert.equal((await call(admin, 'GET', `/groups/${elsewhere.id}/members`)).json().total, 1);
  assert.equal((await call(admin, 'POST', `/groups/${elsewhere.id}/members/${v.id}/decision`, { decision: 'reject', reason: '不符合条件' })).statusCode, 200);
});
