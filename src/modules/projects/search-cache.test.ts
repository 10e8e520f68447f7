import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, asUser, type TestApp } from '../../../test/helper.js';
import { seedGroup } from '../../../test/groups.js';
import { publish } from './test-support.js';
import { loadConfig } from '../../platform/config.js';

// The public project list is kept for PROJECT_SEARCH_CACHE_MS (default 3 s); a group's own list never is. The test
// clock runs with real time, so the TTL here is a minute: a slow machine must not expire entries between two steps.
const TTL = 60_000;
let t: TestApp;
before(async () => { t = await createTestApp({ projectSearchCacheMs: TTL }); });
after(async () => { await t.close(); });

const ids = async (qs: string) => {
  const res = await t.app.inject({ method: 'GET', url: `/api/v1/projects?${qs}` });
  assert.equal(res.statusCode, 200, res.body);
  return res.json().items.map((i: { id: string }) => i.id) as string[];
};

test('a repeated public search within the TTL is answered from memory, a group\'s own list is not', async () => {
  assert.equal(loadConfig({ NODE_ENV: 'test' }).projectSearchCacheMs, 3_000);
  const group = await seedGroup(t.app, { level: 'intermediate' });
  const cookie = await group.signIn();
  const [a, b, c] = [(await publish(t.app, cookie, { name: '缓存测试一' })).id, (await publish(t.app, cookie, { name: '缓存测试二' })).id,
    (await publish(t.app, cookie, { name: '缓存测试三' })).id];
  assert.deepEqual(await ids('siteCode=11'), [c, b, a]);
  assert.deepEqual(await ids('siteCode=11&pageSize=1&page=4'), []);

  const d = (await publish(t.app, cookie, { name: '缓存测试四' })).id;
  assert.deepEqual(await ids('siteCode=11'), [c, b, a]); // within the TTL: the database was not asked
  assert.deepEqual(await ids('siteCode=11&pageSize=20&radiusKm=10'), [c, b, a]); // the same search with its defaults spelled out
  assert.deepEqual(await ids('siteCode=11&pageSize=10'), [d, c, b, a]); // another search: asked
  assert.deepEqual(await ids('siteCode=11&pageSize=1&page=4'), [a]); // pages past the third are never kept
  const own = await asUser(t.app, cookie, { method: 'GET', url: `/api/v1/groups/${group.id}/projects` });
  assert.equal(own.statusCode, 200, own.body);
  assert.deepEqual(own.json().items.map((i: { id: string }) => i.id), [d, c, b, a]);

  t.clock.advance(TTL / 2);
  assert.deepEqual(await ids('siteCode=11'), [c, b, a]);
  t.clock.advance(TTL / 2);
  assert.deepEqual(await ids('siteCode=11'), [d, c, b, a]);
});

test('PROJECT_SEARCH_CACHE_MS=0 turns the cache off', async () => {
  const off = await createTestApp({ projectSearchCacheMs: 0 });
  try {
    const cookie = await (await seedGroup(off.app, { level: 'intermediate' })).signIn();
    const search = async () => (await off.app.inject({ method: 'GET', url: '/api/v1/projects' })).json().total;
    assert.equal(await search(), 0);
    await publish(off.app, cookie);
    assert.equal(await search(), 1);
  } finally {
    await off.close();
  }
});
