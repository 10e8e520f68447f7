import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { asUser, createTestApp, signIn, TEST_ADMIN, volunteerBody, type TestApp } from '../../../test/helper.js';
import { seedGroup } from '../../../test/groups.js';
import { maskName } from './names.js';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t.close(); });

const db = () => t.app.ctx.db;

async function volunteer(name = '张三') {
  const body = volunteerBody({ name });
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/volunteers', payload: body });
  assert.equal(res.statusCode, 201, res.body);
  const { cookie } = await signIn(t.app, body.username, body.password);
  return { id: res.json().id as string, username: body.username, name, cookie };
}

async function group(options: Parameters<typeof seedGroup>[1] = {}) {
  const g = await seedGroup(t.app, options);
  return { ...g, cookie: await g.signIn() };
}

async function join(groupId: string, accountId: string) {
  await db().insertInto('group_members').values({ site_code: '11', group_id: groupId, account_id: accountId, status: 'joined', applied_at: new Date() }).execute();
}

const call = (cookie: string | null, method: 'GET' | 'POST', url: string, payload?: unknown) =>
  cookie
    ? asUser(t.app, cookie, { method, url: `/api/v1${url}`, ...(payload === undefined ? {} : { payload: payload as object }) })
    : t.app.inject({ method, url: `/api/v1${url}`, ...(payload === undefined ? {} : { payload: payload as object }) });

/** Moves the clock to just after the start of a fresh fixed window, so a burst cannot straddle two windows. */
function freshWindow(seconds: number) {
  const ms = seconds * 1000;
  t.clock.advance(ms - (t.clock.now.getTime() % ms) + 1000);
}

test('maskName keeps the first character only', () => {
  assert.equal(maskName('张三'), '张*');
  assert.equal(maskName('欧阳娜娜'), '欧***');
  assert.equal(maskName('李'), '李*');
  assert.equal(maskName('𠀀二'), '𠀀*');
});

test('comments: post, public list with masked names, HTML kept as text, limits on the body', async () => {
  const g = await group();
  const v = await volunteer('王小明');
  const html = '<script>alert("x")</script><b>好</b>';
  const posted = await call(v.cookie, 'POST', `/groups/${g.id}/comments`, { body: `  ${html}  ` });
  assert.equal(posted.statusCode, 201, posted.body);
  const list = await call(null, 'GET', `/groups/${g.id}/comments`);
  assert.equal(list.statusCode, 200, list.body);
  const [item] = list.json().items;
  assert.equal(item.id, posted.json().id);
  assert.equal(item.body, html);
  assert.equal(item.authorName, '王**');
  assert.ok(!list.body.includes(v.username));

  const padded = await call(v.cookie, 'POST', `/groups/${g.id}/comments`, { body: `   ${'字'.repeat(500)}   ` });
  assert.equal(padded.statusCode, 201, padded.body);
  const tooLong = await call(v.cookie, 'POST', `/groups/${g.id}/comments`, { body: '字'.repeat(501) });
  assert.equal(tooLong.statusCode, 400);
  assert.deepEqual(tooLong.json().errors, [{ field: 'body', code: 'TOO_LONG' }]);
  const wayTooLong = await call(v.cookie, 'POST', `/groups/${g.id}/comments`, { body: '字'.repeat(5000) });
  assert.equal(wayTooLong.statusCode, 400);
  const blank = await call(v.cookie, 'POST', `/groups/${g.id}/comments`, { body: '   \n ' });
  assert.equal(blank.statusCode, 400);
  assert.equal(blank.json().errors[0].code, 'REQUIRED');

  assert.equal((await call(null, 'POST', `/groups/${g.id}/comments`, { body: '你好' })).statusCode, 401);
  assert.equal((await call(g.cookie, 'POST', `/groups/${g.id}/comments`, { body: '你好' })).statusCode, 403);
  assert.equal((await call(v.cookie, 'POST', `/groups/0190f0f0-0000-7000-8000-000000000000/comments`, { body: '你好' })).statusCode, 404);
  assert.equal((await call(v.cookie, 'POST', `/groups/not-a-uuid/comments`, { body: '你好' })).statusCode, 400);
  const pending = await group({ status: 'pending' });
  assert.equal((await call(v.cookie, 'POST', `/groups/${pending.id}/comments`, { body: '你好' })).statusCode, 404);
  assert.equal((await call(null, 'GET', `/groups/${pending.id}/comments`)).statusCode, 404);
});

test('comments: the group hides and shows; hidden ones are invisible to the public; my comments', async () => {
  const g = await group();
  const other = await group();
  const v = await volunteer('赵六');
  const first = (await call(v.cookie, 'POST', `/groups/${g.id}/comments`, { body: '第一条' })).json().id;
  const second = (await call(v.cookie, 'POST', `/groups/${g.id}/comments`, { body: '第二条' })).json().id;
  await call(v.cookie, 'POST', `/groups/${other.id}/comments`, { body: '别处的留言' });

  assert.equal((await call(other.cookie, 'POST', `/groups/${g.id}/comments/${first}/hide`)).statusCode, 404);
  assert.equal((await call(other.cookie, 'POST', `/groups/${other.id}/comments/${first}/hide`)).statusCode, 404);
  assert.equal((await call(v.cookie, 'POST', `/groups/${g.id}/comments/${first}/hide`)).statusCode, 404);
  const hidden = await call(g.cookie, 'POST', `/groups/${g.id}/comments/${first}/hide`);
  assert.equal(hidden.statusCode, 200, hidden.body);
  assert.deepEqual(hidden.json(), { id: first, status: 'hidden' });

  const publicList = (await call(null, 'GET', `/groups/${g.id}/comments`)).json();
  assert.deepEqual(publicList.items.map((c: any) => c.id), [second]);
  assert.equal(publicList.total, 1);
  assert.equal((await call(null, 'GET', `/groups/${g.id}/comments?includeHidden=true`)).statusCode, 401);
  assert.equal((await call(v.cookie, 'GET', `/groups/${g.id}/comments?includeHidden=true`)).statusCode, 404);
  assert.equal((await call(other.cookie, 'GET', `/groups/${g.id}/comments?includeHidden=true`)).statusCode, 404);
  const groupList = (await call(g.cookie, 'GET', `/groups/${g.id}/comments?includeHidden=true`)).json();
  assert.deepEqual(groupList.items.map((c: any) => [c.id, c.status]), [[second, 'visible'], [first, 'hidden']]);

  const mine = (await call(v.cookie, 'GET', '/me/comments?pageSize=2')).json();
  assert.equal(mine.total, 3);
  assert.equal(mine.items.length, 2);
  assert.equal(mine.items[0].targetName, (await db().selectFrom('groups').select('name').where('id', '=', other.id).executeTakeFirstOrThrow()).name);
  const all = (await call(v.cookie, 'GET', '/me/comments')).json().items;
  const firstMine = all.find((c: any) => c.id === first);
  assert.equal(firstMine.status, 'hidden');
  assert.equal(firstMine.targetType, 'group');
  assert.equal(firstMine.targetId, g.id);
  assert.equal((await call(null, 'GET', '/me/comments')).statusCode, 401);

  const shown = await call(g.cookie, 'POST', `/groups/${g.id}/comments/${first}/show`);
  assert.equal(shown.json().status, 'visible');
  assert.equal((await call(null, 'GET', `/groups/${g.id}/comments`)).json().total, 2);
  const audits = await db().selectFrom('audit_log').select(['action', 'actor_id']).where('target_id', '=', first).orderBy('at').execute();
  assert.deepEqual(audits.map((a) => a.action), ['board.comment', 'group.comment_hide', 'group.comment_show']);
  assert.equal(audits[1].actor_id, g.accountId);
});

test('comments are rate limited per account, also under parallel requests', async () => {
  const g = await group();
  freshWindow(600);
  const v = await volunteer();
  const results = await Promise.all(Array.from({ length: 13 }, (_, i) => call(v.cookie, 'POST', `/groups/${g.id}/comments`, { body: `留言${i}` })));
  const codes = results.map((r) => r.statusCode).sort();
  assert.equal(codes.filter((c) => c === 201).length, 10);
  assert.equal(codes.filter((c) => c === 429).length, 3);
  const limited = results.find((r) => r.statusCode === 429)!;
  assert.equal(limited.json().code, 'COMMENT_RATE_LIMITED');
  assert.ok(Number(limited.headers['retry-after']) > 0);
  const count = await db().selectFrom('group_comments').select((eb) => eb.fn.countAll<string | number>().as('n')).where('author_account_id', '=', v.id).executeTakeFirstOrThrow();
  assert.equal(Number(count.n), 10);
  const someoneElse = await volunteer();
  assert.equal((await call(someoneElse.cookie, 'POST', `/groups/${g.id}/comments`, { body: '我还可以' })).statusCode, 201);
});

test('complaints: into the group inbox, read, handle, batch hide keeps the rows; others see nothing', async () => {
  const g = await group({ regionCode: '110105' });
  const other = await group({ regionCode: '110105' });
  const complainant = await volunteer('钱多多');
  const member = await volunteer('孙悟空');
  const outsider = await volunteer('猪八戒');
  await join(g.id, member.id);
  await join(other.id, outsider.id);

  const html = '<img src=x onerror=alert(1)>服务态度差';
  const aboutGroup = await call(complainant.cookie, 'POST', '/complaints', { groupId: g.id, targetType: 'group', body: html });
  assert.equal(aboutGroup.statusCode, 201, aboutGroup.body);
  const aboutMember = await call(complainant.cookie, 'POST', '/complaints', { groupId: g.id, targetType: 'volunteer', targetAccountId: member.id, body: '活动中迟到' });
  assert.equal(aboutMember.statusCode, 201, aboutMember.body);
  const third = await call(complainant.cookie, 'POST', '/complaints', { groupId: g.id, targetType: 'group', body: '第三条' });

  const notMember = await call(complainant.cookie, 'POST', '/complaints', { groupId: g.id, targetType: 'volunteer', targetAccountId: outsider.id, body: '不是成员' });
  assert.equal(notMember.statusCode, 422);
  assert.equal(notMember.json().code, 'TARGET_NOT_MEMBER');
  const noTarget = await call(complainant.cookie, 'POST', '/complaints', { groupId: g.id, targetType: 'volunteer', body: '缺少对象' });
  assert.equal(noTarget.statusCode, 400);
  assert.deepEqual(noTarget.json().errors, [{ field: 'targetAccountId', code: 'REQUIRED' }]);
  const self = await call(member.cookie, 'POST', '/complaints', { groupId: g.id, targetType: 'volunteer', targetAccountId: member.id, body: '我自己' });
  assert.equal(self.statusCode, 422);
  const tooLong = await call(complainant.cookie, 'POST', '/complaints', { groupId: g.id, targetType: 'group', body: '长'.repeat(1001) });
  assert.equal(tooLong.statusCode, 400);
  assert.equal((await call(g.cookie, 'POST', '/complaints', { groupId: other.id, targetType: 'group', body: '团体不能投诉' })).statusCode, 403);
  assert.equal((await call(null, 'POST', '/complaints', { groupId: g.id, targetType: 'group', body: '匿名' })).statusCode, 401);

  const inbox = await call(g.cookie, 'GET', `/groups/${g.id}/complaints`);
  assert.equal(inbox.statusCode, 200, inbox.body);
  assert.equal(inbox.json().total, 3);
  const first = inbox.json().items.find((c: any) => c.id === aboutGroup.json().id);
  assert.equal(first.body, html);
  assert.equal(first.status, 'new');
  assert.deepEqual(first.complainant, { name: '钱**' });
  assert.ok(!inbox.body.includes(complainant.username));
  const second = inbox.json().items.find((c: any) => c.id === aboutMember.json().id);
  assert.equal(second.target.accountId, member.id);

  for (const cookie of [other.cookie, complainant.cookie, member.cookie]) {
    assert.equal((await call(cookie, 'GET', `/groups/${g.id}/complaints`)).statusCode, 404);
  }
  assert.equal((await call(null, 'GET', `/groups/${g.id}/complaints`)).statusCode, 401);
  assert.equal((await call(other.cookie, 'POST', `/groups/${g.id}/complaints/${first.id}/read`)).statusCode, 404);
  assert.equal((await call(other.cookie, 'POST', `/groups/${other.id}/complaints/${first.id}/read`)).statusCode, 404);

  const read = await call(g.cookie, 'POST', `/groups/${g.id}/complaints/${first.id}/read`);
  assert.deepEqual(read.json(), { id: first.id, status: 'read' });
  assert.equal((await call(g.cookie, 'GET', `/groups/${g.id}/complaints?status=new`)).json().total, 2);
  const handled = await call(g.cookie, 'POST', `/groups/${g.id}/complaints/${first.id}/handle`, { note: '  已与志愿者沟通  ' });
  assert.equal(handled.statusCode, 200, handled.body);
  assert.equal(handled.json().handledNote, '已与志愿者沟通');
  const again = await call(g.cookie, 'POST', `/groups/${g.id}/complaints/${first.id}/handle`, { note: '再次处理' });
  assert.equal(again.statusCode, 409);
  assert.equal((await call(g.cookie, 'POST', `/groups/${g.id}/complaints/${first.id}/read`)).json().status, 'handled');
  assert.equal((await call(g.cookie, 'POST', `/groups/${g.id}/complaints/${second.id}/handle`, { note: '   ' })).statusCode, 400);

  // One id of another group's complaint: nothing is hidden.
  const foreign = (await call(complainant.cookie, 'POST', '/complaints', { groupId: other.id, targetType: 'group', body: '别的团体' })).json().id;
  const mixed = await call(g.cookie, 'POST', `/groups/${g.id}/complaints/hide`, { ids: [first.id, foreign] });
  assert.equal(mixed.statusCode, 404);
  assert.deepEqual(mixed.json().errors, [{ field: 'ids.1', code: 'NOT_FOUND' }]);
  assert.equal((await db().selectFrom('complaints').select('id').where('hidden_at', 'is not', null).execute()).length, 0);
  assert.equal((await call(g.cookie, 'POST', `/groups/${g.id}/complaints/hide`, { ids: [] })).statusCode, 400);
  const tooMany = Array.from({ length: 101 }, () => first.id);
  assert.equal((await call(g.cookie, 'POST', `/groups/${g.id}/complaints/hide`, { ids: tooMany })).statusCode, 400);

  const hide = await call(g.cookie, 'POST', `/groups/${g.id}/complaints/hide`, { ids: [first.id, second.id] });
  assert.equal(hide.statusCode, 200, hide.body);
  assert.deepEqual(hide.json(), { hidden: 2 });
  assert.deepEqual((await call(g.cookie, 'POST', `/groups/${g.id}/complaints/hide`, { ids: [first.id] })).json(), { hidden: 0 });
  const rows = await db().selectFrom('complaints').select(['id', 'hidden_at', 'hidden_by', 'status', 'body']).where('group_id', '=', g.id).execute();
  assert.equal(rows.length, 3);
  const hiddenRows = rows.filter((r) => r.hidden_at !== null);
  assert.deepEqual(hiddenRows.map((r) => r.id).sort(), [first.id, second.id].sort());
  assert.ok(hiddenRows.every((r) => r.hidden_by === g.accountId));
  const after = (await call(g.cookie, 'GET', `/groups/${g.id}/complaints`)).json();
  assert.deepEqual(after.items.map((c: any) => c.id), [third.json().id]);
  assert.equal((await call(g.cookie, 'GET', `/groups/${g.id}/complaints?includeHidden=true`)).statusCode, 403);
  assert.equal((await call(g.cookie, 'POST', `/groups/${g.id}/complaints/${second.id}/read`)).statusCode, 404);
  const audits = await db().selectFrom('audit_log').select(['action', 'target_id']).where('action', '=', 'group.complaint_hide').execute();
  assert.deepEqual(audits.map((a) => a.target_id).sort(), [first.id, second.id].sort());

  // The complainant still sees their own, hidden or not, with the group's note.
  const mine = (await call(complainant.cookie, 'GET', '/me/complaints')).json();
  assert.equal(mine.total, 4);
  const mineFirst = mine.items.find((c: any) => c.id === first.id);
  assert.equal(mineFirst.status, 'handled');
  assert.equal(mineFirst.handledNote, '已与志愿者沟通');
  assert.equal((await call(member.cookie, 'GET', '/me/complaints')).json().total, 0);
});

test('the authority over a group reads its inbox, hidden ones included, with names; read-only', async () => {
  const g = await group({ regionCode: '110105' });
  const authority = await group({ level: 'advanced', regionCode: '110000', jurisdiction: { regions: ['110000'] } });
  const elsewhere = await group({ level: 'advanced', regionCode: '120000', siteCode: '11', jurisdiction: { regions: ['120000'] } });
  const admin = (await signIn(t.app, TEST_ADMIN.username, TEST_ADMIN.password)).cookie;
  const complainant = await volunteer('周星星');
  const id = (await call(complainant.cookie, 'POST', '/complaints', { groupId: g.id, targetType: 'group', body: '投诉内容' })).json().id;
  await call(complainant.cookie, 'POST', '/complaints', { groupId: g.id, targetType: 'group', body: '另一条' });
  assert.equal((await call(g.cookie, 'POST', `/groups/${g.id}/complaints/hide`, { ids: [id] })).statusCode, 200);

  for (const cookie of [authority.cookie, admin]) {
    const visible = (await call(cookie, 'GET', `/groups/${g.id}/complaints`)).json();
    assert.equal(visible.total, 1);
    const all = await call(cookie, 'GET', `/groups/${g.id}/complaints?includeHidden=true`);
    assert.equal(all.statusCode, 200, all.body);
    assert.equal(all.json().total, 2);
    const hidden = all.json().items.find((c: any) => c.id === id);
    assert.equal(hidden.hidden, true);
    assert.deepEqual(hidden.complainant, { name: '周星星', username: complainant.username });
  }
  assert.equal((await call(elsewhere.cookie, 'GET', `/groups/${g.id}/complaints`)).statusCode, 404);
  assert.equal((await call(authority.cookie, 'POST', `/groups/${g.id}/complaints/${id}/handle`, { note: '越权处理' })).statusCode, 404);
  assert.equal((await call(admin, 'POST', `/groups/${g.id}/complaints/hide`, { ids: [id] })).statusCode, 404);
});

test('a person acting for the group moderates, and the record names that person', async () => {
  const g = await group();
  const person = await volunteer('吴经办');
  await db().insertInto('acting_roles').values({
    site_code: '11', group_id: g.id, person_account_id: person.id, role: 'operator', status: 'active', requested_at: new Date(), decided_at: new Date(), decided_by: g.accountId,
  }).execute();
  await db().updateTable('sessions').set({ acting_group_id: g.id }).where('account_id', '=', person.id).execute();
  const complainant = await volunteer();
  const id = (await call(complainant.cookie, 'POST', '/complaints', { groupId: g.id, targetType: 'group', body: '投诉' })).json().id;
  const inbox = await call(person.cookie, 'GET', `/groups/${g.id}/complaints`);
  assert.equal(inbox.statusCode, 200, inbox.body);
  assert.equal((await call(person.cookie, 'POST', `/groups/${g.id}/complaints/hide`, { ids: [id] })).statusCode, 200);
  const row = await db().selectFrom('complaints').select(['hidden_by']).where('id', '=', id).executeTakeFirstOrThrow();
  assert.equal(row.hidden_by, person.id);
  const entry = await db().selectFrom('audit_log').select(['actor_id', 'actor_username', 'detail']).where('action', '=', 'group.complaint_hide').where('target_id', '=', id).executeTakeFirstOrThrow();
  assert.equal(entry.actor_id, person.id);
  assert.equal(entry.actor_username, person.username);
  assert.deepEqual(entry.detail, { groupId: g.id, role: 'operator' });
});

test('complaints are rate limited per account, also under parallel requests', async () => {
  const g = await group();
  freshWindow(3600);
  const v = await volunteer();
  const results = await Promise.all(Array.from({ length: 8 }, (_, i) => call(v.cookie, 'POST', '/complaints', { groupId: g.id, targetType: 'group', body: `投诉${i}` })));
  const codes = results.map((r) => r.statusCode);
  assert.equal(codes.filter((c) => c === 201).length, 5);
  assert.equal(codes.filter((c) => c === 429).length, 3);
  assert.equal(results.find((r) => r.statusCode === 429)!.json().code, 'COMPLAINT_RATE_LIMITED');
});
