import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { asUser, createTestApp, signIn, volunteerBody, type TestApp } from '../../../test/helper.js';
import { seedGroup } from '../../../test/groups.js';
import { publish } from '../projects/test-support.js';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t.close(); });

async function volunteer(name = '张三') {
  const body = volunteerBody({ name });
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/volunteers', payload: body });
  assert.equal(res.statusCode, 201, res.body);
  const { cookie } = await signIn(t.app, body.username, body.password);
  return { id: res.json().id as string, username: body.username, cookie };
}

async function project(overrides: Record<string, unknown> = {}, level: 'intermediate' | 'basic' = 'intermediate') {
  const group = await seedGroup(t.app, { level, name: `团体${Math.random().toString(36).slice(2, 8)}` });
  const gc = await group.signIn();
  const { id } = await publish(t.app, gc, overrides);
  return { id, group, gc };
}

const call = (cookie: string | null, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown) => {
  const options = { method, url: `/api/v1${url}`, ...(payload === undefined ? {} : { payload: payload as object }) };
  return cookie ? asUser(t.app, cookie, options) : t.app.inject(options);
};
const post = (cookie: string | null, projectId: string, body: string) => call(cookie, 'POST', `/projects/${projectId}/discussions`, { body });

/** Moves the clock to just after the start of a fresh fixed window, so a burst cannot straddle two windows. */
function freshWindow(seconds: number) {
  const ms = seconds * 1000;
  t.clock.advance(ms - (t.clock.now.getTime() % ms) + 1000);
}

test('post and read a project\'s discussion: masked names, newest first, paging, plain text, limits', async () => {
  const p = await project({ name: '图书馆志愿服务' });
  const v = await volunteer('王小明');
  const html = '<img src=x onerror=alert(1)>请问几点集合？';
  const first = await post(v.cookie, p.id, `  ${html}  `);
  assert.equal(first.statusCode, 201, first.body);
  t.clock.advance(1000);
  const second = await post(v.cookie, p.id, '第二条');
  t.clock.advance(1000);
  const byGroup = await post(p.gc, p.id, '八点在东门集合');
  assert.equal(byGroup.statusCode, 201, byGroup.body);

  const list = await call(null, 'GET', `/projects/${p.id}/discussions`);
  assert.equal(list.statusCode, 200, list.body);
  assert.equal(list.json().total, 3);
  assert.deepEqual(list.json().items.map((i: any) => i.id), [byGroup.json().id, second.json().id, first.json().id]);
  const [groupItem, , personItem] = list.json().items;
  assert.equal(personItem.body, html);
  assert.equal(personItem.authorName, '王**');
  assert.equal(personItem.authorType, 'person');
  assert.equal(groupItem.authorType, 'group');
  assert.match(groupItem.authorName, /^团体/);
  assert.ok(!list.body.includes('王小明') && !list.body.includes(v.username));
  const page2 = await call(null, 'GET', `/projects/${p.id}/discussions?page=2&pageSize=2`);
  assert.deepEqual(page2.json().items.map((i: any) => i.id), [first.json().id]);

  assert.equal((await post(v.cookie, p.id, `  ${'字'.repeat(500)}  `)).statusCode, 201);
  const tooLong = await post(v.cookie, p.id, '字'.repeat(501));
  assert.equal(tooLong.statusCode, 400);
  assert.deepEqual(tooLong.json().errors, [{ field: 'body', code: 'TOO_LONG' }]);
  assert.match(tooLong.json().title, /500/);
  assert.equal((await post(v.cookie, p.id, '字'.repeat(5000))).statusCode, 400);
  const blank = await post(v.cookie, p.id, ' \n ');
  assert.equal(blank.statusCode, 400);
  assert.equal(blank.json().errors[0].code, 'REQUIRED');
  assert.equal((await call(v.cookie, 'POST', `/projects/${p.id}/discussions`, {})).statusCode, 400);
  assert.equal((await post(null, p.id, '你好')).statusCode, 401);
  assert.equal((await post(v.cookie, '0190f0f0-0000-7000-8000-000000000000', '你好')).statusCode, 404);
  assert.equal((await call(null, 'GET', '/projects/not-a-uuid/discussions')).statusCode, 400);
});

test('projects under review have no board; a cancelled project keeps its board readable but closed', async () => {
  const v = await volunteer();
  const pending = await project({}, 'basic');
  assert.equal((await call(null, 'GET', `/projects/${pending.id}/discussions`)).statusCode, 404);
  assert.equal((await post(v.cookie, pending.id, '你好')).statusCode, 404);

  const p = await project();
  assert.equal((await post(v.cookie, p.id, '取消前')).statusCode, 201);
  assert.equal((await call(p.gc, 'POST', `/projects/${p.id}/cancel`, { reason: '天气原因' })).statusCode, 200);
  const closed = await post(v.cookie, p.id, '取消后');
  assert.equal(closed.statusCode, 409);
  assert.equal(closed.json().code, 'DISCUSSION_CLOSED');
  assert.equal((await call(null, 'GET', `/projects/${p.id}/discussions`)).json().total, 1);
});

test('posting is throttled like the group board, also under parallel requests', async () => {
  const p = await project();
  const v = await volunteer();
  freshWindow(600);
  const burst = await Promise.all(Array.from({ length: 14 }, (_, i) => post(v.cookie, p.id, `第${i}条`)));
  const codes = burst.map((r) => r.statusCode);
  assert.equal(codes.filter((c) => c === 201).length, 10, codes.join(','));
  const refused = burst.find((r) => r.statusCode === 429)!;
  assert.equal(refused.json().code, 'DISCUSSION_RATE_LIMITED');
  assert.ok(Number(refused.headers['retry-after']) > 0);
  assert.equal((await call(null, 'GET', `/projects/${p.id}/discussions`)).json().total, 10);
  freshWindow(600);
  assert.equal((await post(v.cookie, p.id, '新的窗口')).statusCode, 201);
});

test('its author deletes a post, the organising group hides one (audited), nobody else may', async () => {
  const p = await project();
  const author = await volunteer('李四');
  const stranger = await volunteer();
  const otherGroup = await (await seedGroup(t.app, { level: 'intermediate' })).signIn();
  const mine = (await post(author.cookie, p.id, '我自己删')).json().id;
  const rude = (await post(author.cookie, p.id, '不当言论')).json().id;
  const listed = async () => (await call(null, 'GET', `/projects/${p.id}/discussions`)).json().items.map((i: any) => i.id);

  assert.equal((await call(null, 'DELETE', `/discussions/${mine}`)).statusCode, 401);
  const forbidden = await call(stranger.cookie, 'DELETE', `/discussions/${mine}`);
  assert.equal(forbidden.statusCode, 403);
  assert.equal(forbidden.json().code, 'FORBIDDEN');
  assert.equal((await call(otherGroup, 'DELETE', `/discussions/${mine}`)).statusCode, 403);
  assert.equal((await listed()).length, 2);

  assert.equal((await call(author.cookie, 'DELETE', `/discussions/${mine}`)).statusCode, 204);
  assert.deepEqual(await listed(), [rude]);
  assert.equal((await call(author.cookie, 'DELETE', `/discussions/${mine}`)).statusCode, 404);
  assert.equal((await call(p.gc, 'DELETE', `/discussions/${mine}`)).statusCode, 404);
  assert.equal((await call(author.cookie, 'DELETE', '/discussions/0190f0f0-0000-7000-8000-000000000000')).statusCode, 404);

  assert.equal((await call(p.gc, 'DELETE', `/discussions/${rude}`)).statusCode, 204);
  assert.deepEqual(await listed(), []);
  assert.equal((await call(p.gc, 'DELETE', `/discussions/${rude}`)).statusCode, 204, 'hiding again is harmless');
  const row = await t.app.ctx.db.selectFrom('project_discussions').selectAll().where('id', '=', rude).executeTakeFirstOrThrow();
  assert.equal(row.status, 'hidden');
  assert.equal(row.moderated_by, p.group.accountId);
  const audits = await t.app.ctx.db.selectFrom('audit_log').select(['action', 'actor_id', 'detail']).where('target_id', '=', rude)
    .where('action', '=', 'project.discussion_hide').execute();
  assert.equal(audits.length, 2);
  assert.equal(audits[0]!.actor_id, p.group.accountId);
  assert.equal((audits[0]!.detail as any).groupId, p.group.id);

  const my = (await call(author.cookie, 'GET', '/me/comments')).json();
  assert.deepEqual(my.items.map((i: any) => [i.id, i.status]), [[rude, 'hidden']], 'deleted by the author: gone; hidden by the group: shown as hidden');
});

test('my comments lists group board comments and project discussions, newest first, saying where each was posted', async () => {
  const g = await seedGroup(t.app, { level: 'intermediate', name: '阳光志愿服务队' });
  const gc = await g.signIn();
  const { id: projectId } = await publish(t.app, gc, { name: '敬老院探访' });
  const v = await volunteer();
  const other = await volunteer();
  const onBoard = await call(v.cookie, 'POST', `/groups/${g.id}/comments`, { body: '团体留言' });
  assert.equal(onBoard.statusCode, 201, onBoard.body);
  t.clock.advance(1000);
  const onProject = await post(v.cookie, projectId, '项目讨论');
  t.clock.advance(1000);
  const later = await call(v.cookie, 'POST', `/groups/${g.id}/comments`, { body: '再次留言' });
  await post(other.cookie, projectId, '别人的讨论');

  const res = await call(v.cookie, 'GET', '/me/comments');
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.json().total, 3);
  assert.deepEqual(res.json().items.map((i: any) => ({ id: i.id, targetType: i.targetType, targetId: i.targetId, targetName: i.targetName, body: i.body })), [
    { id: later.json().id, targetType: 'group', targetId: g.id, targetName: '阳光志愿服务队', body: '再次留言' },
    { id: onProject.json().id, targetType: 'project', targetId: projectId, targetName: '敬老院探访', body: '项目讨论' },
    { id: onBoard.json().id, targetType: 'group', targetId: g.id, targetName: '阳光志愿服务队', body: '团体留言' },
  ]);
  const page2 = (await call(v.cookie, 'GET', '/me/comments?page=2&pageSize=2')).json();
  assert.deepEqual(page2.items.map((i: any) => i.id), [onBoard.json().id]);
  assert.equal((await call(null, 'GET', '/me/comments')).statusCode, 401);
});
