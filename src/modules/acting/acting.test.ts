import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { asUser, createTestApp, signIn, TEST_ADMIN, volunteerBody, type TestApp } from '../../../test/helper.js';
import { seedGroup } from '../../../test/groups.js';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t.close(); });

interface Person { id: string; username: string; name: string; idNumber: string; phone: string; cookie: string }

/** A registered volunteer, verified (the demo registry does not know test people) and signed in. */
async function person(overrides: Record<string, unknown> = {}, verified = true): Promise<Person> {
  const body = volunteerBody(overrides);
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/volunteers', payload: body });
  assert.equal(res.statusCode, 201, res.body);
  const id = res.json().id as string;
  if (verified) await t.app.ctx.db.updateTable('people').set({ realname_status: 'verified' }).where('account_id', '=', id).execute();
  const { cookie } = await signIn(t.app, body.username, body.password);
  return { id, username: body.username, name: body.name, idNumber: body.idNumber, phone: body.phone, cookie };
}

const call = (cookie: string, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: Record<string, unknown>) =>
  asUser(t.app, cookie, { method, url: `/api/v1${url}`, ...(payload ? { payload } : {}) });

async function enter(p: Person, groupId: string | null) {
  const res = await call(p.cookie, 'POST', '/me/space', { groupId });
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

async function adminCookie() {
  return (await signIn(t.app, TEST_ADMIN.username, TEST_ADMIN.password)).cookie;
}

/** A group with a legal representative (its registered leader) designated by the group account. */
async function groupWithLeader() {
  const group = await seedGroup(t.app);
  const groupCookie = await group.signIn();
  const leader = await person({ idNumber: group.leaderId, name: '王负责' });
  const res = await call(groupCookie, 'POST', `/groups/${group.id}/acting/legal-representative`, { username: leader.username, name: '王负责', idNumber: group.leaderId });
  assert.equal(res.statusCode, 201, res.body);
  return { group, groupCookie, leader };
}

test('an operator applies; an operator cannot approve an administrator, an administrator approves an operator', async () => {
  const { group, groupCookie, leader } = await groupWithLeader();
  const op = await person();
  const adminApplicant = await person();
  const opApplicant = await person();

  const applied = await call(op.cookie, 'POST', `/groups/${group.id}/acting/applications`, { role: 'operator' });
  assert.equal(applied.statusCode, 201, applied.body);
  assert.deepEqual(applied.json(), { groupId: group.id, personAccountId: op.id, role: 'operator', status: 'pending' });
  assert.equal((await call(op.cookie, 'POST', `/groups/${group.id}/acting/applications`, { role: 'administrator' })).json().code, 'ACTING_ROLE_EXISTS');

  // Nobody in personal space decides: the caller must act for the group.
  assert.equal((await call(leader.cookie, 'POST', `/groups/${group.id}/acting/${op.id}/decision`, { decision: 'approve' })).statusCode, 404);
  const ok = await call(groupCookie, 'POST', `/groups/${group.id}/acting/${op.id}/decision`, { decision: 'approve' });
  assert.equal(ok.statusCode, 200, ok.body);
  assert.equal(ok.json().status, 'active');
  assert.equal((await call(groupCookie, 'POST', `/groups/${group.id}/acting/${op.id}/decision`, { decision: 'approve' })).json().code, 'ACTING_NOT_PENDING');

  assert.equal((await call(adminApplicant.cookie, 'POST', `/groups/${group.id}/acting/applications`, { role: 'administrator' })).statusCode, 201);
  await enter(op, group.id);
  const denied = await call(op.cookie, 'POST', `/groups/${group.id}/acting/${adminApplicant.id}/decision`, { decision: 'approve' });
  assert.equal(denied.statusCode, 403, denied.body);
  assert.equal(denied.json().code, 'ACTING_ROLE_INSUFFICIENT');

  await enter(leader, group.id);
  assert.equal((await call(leader.cookie, 'POST', `/groups/${group.id}/acting/${adminApplicant.id}/decision`, { decision: 'approve' })).statusCode, 200);

  assert.equal((await call(opApplicant.cookie, 'POST', `/groups/${group.id}/acting/applications`, { role: 'operator' })).statusCode, 201);
  await enter(adminApplicant, group.id);
  const byAdmin = await call(adminApplicant.cookie, 'POST', `/groups/${group.id}/acting/${opApplicant.id}/decision`, { decision: 'reject', reason: '不是本团体人员' });
  assert.equal(byAdmin.statusCode, 200, byAdmin.body);
  assert.equal(byAdmin.json().status, 'rejected');
  // After a refusal a person may apply again.
  assert.equal((await call(opApplicant.cookie, 'POST', `/groups/${group.id}/acting/applications`, { role: 'operator' })).statusCode, 201);

  const list = await call(adminApplicant.cookie, 'GET', `/groups/${group.id}/acting`);
  assert.equal(list.statusCode, 200, list.body);
  assert.equal(list.json().total, 4);
  const row = list.json().items.find((i: any) => i.personAccountId === op.id);
  assert.equal(row.role, 'operator');
  assert.equal(row.idNumber, `${op.idNumber.slice(0, 6)}********${op.idNumber.slice(14)}`);
  assert.equal(row.phone, `${op.phone.slice(0, 3)}****${op.phone.slice(7)}`);
  assert.ok(!list.body.includes(op.idNumber) && !list.body.includes(op.phone), 'numbers masked');
  const pending = await call(groupCookie, 'GET', `/groups/${group.id}/acting?status=pending`);
  assert.deepEqual(pending.json().items.map((i: any) => i.personAccountId), [opApplicant.id]);
  assert.equal((await call(op.cookie, 'GET', `/groups/${group.id}/acting`)).statusCode, 403, 'operators do not see the list');
  const other = await seedGroup(t.app);
  assert.equal((await call(adminApplicant.cookie, 'GET', `/groups/${other.id}/acting`)).statusCode, 404, "another group's people");
});

test('group accounts and administrators cannot apply; unverified people cannot either', async () => {
  const group = await seedGroup(t.app);
  const otherGroup = await seedGroup(t.app);
  const res = await call(await otherGroup.signIn(), 'POST', `/groups/${group.id}/acting/applications`, { role: 'operator' });
  assert.equal(res.statusCode, 403);
  assert.equal(res.json().code, 'ACTING_PERSON_ONLY');
  assert.equal((await call(await adminCookie(), 'POST', `/groups/${group.id}/acting/applications`, { role: 'operator' })).json().code, 'ACTING_PERSON_ONLY');
  const unverified = await person({}, false);
  assert.equal((await call(unverified.cookie, 'POST', `/groups/${group.id}/acting/applications`, { role: 'operator' })).json().code, 'REALNAME_REQUIRED');
  const p = await person();
  assert.equal((await call(p.cookie, 'POST', `/groups/${p.id}/acting/applications`, { role: 'operator' })).statusCode, 404, 'unknown group');
  assert.equal((await call(p.cookie, 'POST', `/groups/not-a-uuid/acting/applications`, { role: 'operator' })).statusCode, 400);
  assert.equal((await call(p.cookie, 'POST', `/groups/${group.id}/acting/applications`, { role: 'legal_representative' })).statusCode, 400);
});

test('parallel applications by one person make one row', async () => {
  const group = await seedGroup(t.app);
  const p = await person();
  const results = await Promise.all(Array.from({ length: 5 }, () => call(p.cookie, 'POST', `/groups/${group.id}/acting/applications`, { role: 'operator' })));
  assert.deepEqual(results.map((r) => r.statusCode).sort(), [201, 409, 409, 409, 409]);
});

test('parallel grants to one person leave one active role', async () => {
  const group = await seedGroup(t.app);
  const groupCookie = await group.signIn();
  const p = await person();
  const results = await Promise.all(Array.from({ length: 4 }, () => call(groupCookie, 'POST', `/groups/${group.id}/acting/grants`, { username: p.username, role: 'administrator' })));
  assert.deepEqual(results.map((r) => r.statusCode).sort(), [201, 409, 409, 409], results.map((r) => r.body).join());
  const rows = await t.app.ctx.db.selectFrom('acting_roles').select(['role', 'status']).where('group_id', '=', group.id).execute();
  assert.deepEqual(rows, [{ role: 'administrator', status: 'active' }]);
});

test('grants: the legal representative grants administrators, administrators grant operators only', async () => {
  const { group, leader } = await groupWithLeader();
  const admin = await person();
  const op = await person();
  const third = await person();
  await enter(leader, group.id);
  const granted = await call(leader.cookie, 'POST', `/groups/${group.id}/acting/grants`, { username: admin.username, role: 'administrator' });
  assert.equal(granted.statusCode, 201, granted.body);
  assert.equal(granted.json().status, 'active');
  assert.equal((await call(leader.cookie, 'POST', `/groups/${group.id}/acting/grants`, { username: admin.username, role: 'administrator' })).json().code, 'ACTING_ROLE_EXISTS');

  await enter(admin, group.id);
  assert.equal((await call(admin.cookie, 'POST', `/groups/${group.id}/acting/grants`, { username: third.username, role: 'administrator' })).statusCode, 403);
  assert.equal((await call(admin.cookie, 'POST', `/groups/${group.id}/acting/grants`, { username: op.username, role: 'operator' })).statusCode, 201);
  // An administrator cannot demote the legal representative by granting them a lower role.
  assert.equal((await call(admin.cookie, 'POST', `/groups/${group.id}/acting/grants`, { username: leader.username, role: 'operator' })).statusCode, 403);
  assert.equal((await call(admin.cookie, 'POST', `/groups/${group.id}/acting/grants`, { username: 'nobody_here', role: 'operator' })).json().code, 'PERSON_NOT_FOUND');

  await enter(op, group.id);
  assert.equal((await call(op.cookie, 'POST', `/groups/${group.id}/acting/grants`, { username: third.username, role: 'operator' })).statusCode, 403);

  // Who may grant may revoke: the administrator cannot remove another administrator, the legal representative can.
  assert.equal((await call(admin.cookie, 'DELETE', `/groups/${group.id}/acting/${leader.id}`)).statusCode, 403);
  assert.equal((await call(op.cookie, 'DELETE', `/groups/${group.id}/acting/${admin.id}`)).statusCode, 403);
  assert.equal((await call(admin.cookie, 'DELETE', `/groups/${group.id}/acting/${op.id}`)).statusCode, 204);
  assert.equal((await call(leader.cookie, 'DELETE', `/groups/${group.id}/acting/${admin.id}`)).statusCode, 204);
  assert.equal((await call(leader.cookie, 'DELETE', `/groups/${group.id}/acting/${admin.id}`)).statusCode, 404, 'already revoked');

  // A person may give up their own role from personal space.
  assert.equal((await call(leader.cookie, 'POST', `/groups/${group.id}/acting/grants`, { username: third.username, role: 'operator' })).statusCode, 201);
  assert.equal((await call(third.cookie, 'DELETE', `/groups/${group.id}/acting/${third.id}`)).statusCode, 204);
  assert.deepEqual((await call(third.cookie, 'GET', '/me/spaces')).json().items, []);
});

test('a revoked person loses the space at once, in every session', async () => {
  const { group, leader } = await groupWithLeader();
  const admin = await person();
  const secondDevice = (await signIn(t.app, admin.username, 'Zhiyuan2468')).cookie;
  await enter(leader, group.id);
  assert.equal((await call(leader.cookie, 'POST', `/groups/${group.id}/acting/grants`, { username: admin.username, role: 'administrator' })).statusCode, 201);
  await enter(admin, group.id);
  assert.equal((await call(secondDevice, 'POST', '/me/space', { groupId: group.id })).statusCode, 200);
  assert.equal((await call(admin.cookie, 'GET', `/groups/${group.id}/acting`)).statusCode, 200);

  assert.equal((await call(leader.cookie, 'DELETE', `/groups/${group.id}/acting/${admin.id}`)).statusCode, 204);
  for (const cookie of [admin.cookie, secondDevice]) {
    assert.deepEqual((await call(cookie, 'GET', '/me/spaces')).json(), { current: null, items: [] });
    assert.equal((await call(cookie, 'GET', `/groups/${group.id}/acting`)).statusCode, 404, 'requireGroupActor no longer finds the group');
    assert.equal((await call(cookie, 'POST', '/me/space', { groupId: group.id })).statusCode, 404);
  }
  const sessions = await t.app.ctx.db.selectFrom('sessions').select('acting_group_id').where('account_id', '=', admin.id).execute();
  assert.ok(sessions.every((s) => s.acting_group_id === null));
});

test('legal representative: must match the person and the registered leader; transfer revokes the previous one', async () => {
  const group = await seedGroup(t.app);
  const groupCookie = await group.signIn();
  const leader = await person({ idNumber: group.leaderId, name: '王负责' });
  const url = `/groups/${group.id}/acting/legal-representative`;
  assert.equal((await call(groupCookie, 'POST', url, { username: leader.username, name: '王负', idNumber: group.leaderId })).json().code, 'PERSON_MISMATCH');
  const stranger = await person();
  assert.equal((await call(groupCookie, 'POST', url, { username: stranger.username, name: stranger.name, idNumber: stranger.idNumber })).json().code, 'LEADER_MISMATCH');
  assert.equal((await call(stranger.cookie, 'POST', url, { username: stranger.username, name: stranger.name, idNumber: stranger.idNumber })).statusCode, 404, 'a person cannot designate');
  const first = await call(groupCookie, 'POST', url, { username: leader.username, name: '王负责', idNumber: group.leaderId.toLowerCase() });
  assert.equal(first.statusCode, 201, first.body);
  assert.deepEqual(first.json().previous, []);
  await enter(leader, group.id);

  // A system administrator may hand the role to someone else (e.g. after the group changed its leader).
  const transfer = await call(await adminCookie(), 'POST', url, { username: stranger.username, name: stranger.name, idNumber: stranger.idNumber });
  assert.equal(transfer.statusCode, 201, transfer.body);
  assert.deepEqual(transfer.json().previous, [leader.id]);
  assert.deepEqual((await call(leader.cookie, 'GET', '/me/spaces')).json(), { current: null, items: [] });
  const active = await t.app.ctx.db.selectFrom('acting_roles').select('person_account_id')
    .where('group_id', '=', group.id).where('role', '=', 'legal_representative').where('status', '=', 'active').execute();
  assert.deepEqual(active.map((r) => r.person_account_id), [stranger.id]);

  // The group account designates its leader again: parallel attempts still leave exactly one.
  const again = await Promise.all([0, 1, 2].map(() => call(groupCookie, 'POST', url, { username: leader.username, name: '王负责', idNumber: group.leaderId })));
  assert.ok(again.every((r) => r.statusCode === 201), again.map((r) => r.body).join());
  const after = await t.app.ctx.db.selectFrom('acting_roles').select('person_account_id')
    .where('group_id', '=', group.id).where('role', '=', 'legal_representative').where('status', '=', 'active').execute();
  assert.deepEqual(after.map((r) => r.person_account_id), [leader.id]);
});

test('spaces: listing, switching, back to personal space; no role, no switch; /me unaffected', async () => {
  const { group, groupCookie, leader } = await groupWithLeader();
  const second = await seedGroup(t.app, { name: '甲乙团体' });
  const p = await person();
  assert.deepEqual((await call(p.cookie, 'GET', '/me/spaces')).json(), { current: null, items: [] });
  const none = await call(p.cookie, 'POST', '/me/space', { groupId: group.id });
  assert.equal(none.statusCode, 404);

  await enter(leader, group.id);
  await call(leader.cookie, 'POST', `/groups/${group.id}/acting/grants`, { username: p.username, role: 'operator' });
  await call(await second.signIn(), 'POST', `/groups/${second.id}/acting/grants`, { username: p.username, role: 'administrator' });
  const spaces = (await call(p.cookie, 'GET', '/me/spaces')).json();
  assert.equal(spaces.current, null);
  assert.deepEqual(spaces.items.map((i: any) => [i.groupId, i.role, i.siteCode]).sort(), [[group.id, 'operator', '11'], [second.id, 'administrator', '11']].sort());

  const switched = await enter(p, second.id);
  assert.deepEqual(switched.current, { groupId: second.id, name: '甲乙团体', role: 'administrator' });
  assert.deepEqual((await call(p.cookie, 'GET', '/me/spaces')).json().current, switched.current);
  const me = await call(p.cookie, 'GET', '/me');
  assert.equal(me.json().id, p.id, '/me still describes the person');
  assert.equal(me.json().type, 'volunteer');
  assert.deepEqual((await enter(p, null)).current, null);
  assert.equal((await call(p.cookie, 'POST', '/me/space', { groupId: 'x' })).statusCode, 400);
  assert.equal((await call(groupCookie, 'POST', '/me/space', { groupId: null })).json().code, 'ACTING_PERSON_ONLY');
  assert.deepEqual((await call(groupCookie, 'GET', '/me/spaces')).json(), { current: null, items: [] });
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/me/spaces' })).statusCode, 401);
});

test('audit rows name the person who acted for the group, with the group and the role', async () => {
  const { group, leader } = await groupWithLeader();
  const admin = await person();
  const op = await person();
  await enter(leader, group.id);
  await call(leader.cookie, 'POST', `/groups/${group.id}/acting/grants`, { username: admin.username, role: 'administrator' });
  await enter(admin, group.id);
  const res = await call(admin.cookie, 'POST', `/groups/${group.id}/acting/grants`, { username: op.username, role: 'operator' });
  assert.equal(res.statusCode, 201, res.body);

  const rows = await t.app.ctx.db.selectFrom('audit_log').selectAll().where('action', '=', 'group.acting_grant').where('target_id', '=', op.id).execute();
  assert.equal(rows.length, 1);
  assert.equal(rows[0].actor_id, admin.id);
  assert.equal(rows[0].actor_username, admin.username);
  assert.equal(rows[0].site_code, group.siteCode);
  const detail = typeof rows[0].detail === 'string' ? JSON.parse(rows[0].detail) : rows[0].detail;
  assert.equal(detail.groupId, group.id);
  assert.equal(detail.role, 'administrator');
  assert.equal(detail.grantedRole, 'operator');
  const switches = await t.app.ctx.db.selectFrom('audit_log').select(['actor_id', 'target_id']).where('action', '=', 'acting.space_switch').where('actor_id', '=', admin.id).execute();
  assert.deepEqual(switches, [{ actor_id: admin.id, target_id: group.id }]);
  assert.ok(!JSON.stringify(rows).includes(op.idNumber), 'no ID numbers in the audit log');
});
