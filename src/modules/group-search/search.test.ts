import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../../../test/helper.js';
import { seedGroup } from '../../../test/groups.js';
import { sql } from 'kysely';
import { NAME_TOTAL_CAP, TOTAL_CAP } from './search.js';
import { chooseNameKeys, MAX_NAME_KEYS } from './name-keys.js';

let t: TestApp;
const ids: Record<string, string> = {};

async function group(key: string, o: {
  siteCode: string; regionCode: string; name: string; categories?: string[]; legal?: boolean; members?: number; hours?: number;
  createdAt: string; status?: 'pending' | 'approved' | 'rejected';
}) {
  const g = await seedGroup(t.app, { siteCode: o.siteCode, regionCode: o.regionCode, name: o.name, status: o.status, serviceCategories: o.categories ?? ['community'] });
  await t.app.ctx.db.updateTable('groups').set({
    legal_person: o.legal ?? false, member_count: o.members ?? 0, total_hours: o.hours ?? 0, created_at: new Date(o.createdAt),
  }).where('id', '=', g.id).execute();
  ids[key] = g.id;
}

before(async () => {
  t = await createTestApp();
  await group('A', { siteCode: '12', regionCode: '120101', name: '阳光志愿服务队', categories: ['community', 'education'], legal: true, members: 50, hours: 300, createdAt: '2024-03-01T10:00:00+08:00' });
  await group('B', { siteCode: '12', regionCode: '120102', name: '爱心100%团队', categories: ['health'], members: 5, hours: 1000, createdAt: '2024-03-02T23:30:00+08:00' });
  await group('C', { siteCode: '12', regionCode: '120103', name: 'Green_Team 绿色', categories: ['environment'], members: 200, hours: 10, createdAt: '2024-03-03T00:10:00+08:00' });
  await group('X', { siteCode: '12', regionCode: '120103', name: '爱心1000 GreenXTeam', categories: ['environment', 'community'], members: 1, hours: 0, createdAt: '2023-12-31T12:00:00+08:00' });
  await group('D', { siteCode: '11', regionCode: '110105', name: '朝阳阳光社', members: 10, hours: 20, createdAt: '2024-01-01T08:00:00+08:00' });
  await group('P', { siteCode: '12', regionCode: '120101', name: '阳光待审团体', status: 'pending', createdAt: '2024-03-05T08:00:00+08:00' });
  await group('R', { siteCode: '12', regionCode: '120101', name: '阳光驳回团体', status: 'rejected', createdAt: '2024-03-05T09:00:00+08:00' });
});
after(async () => { await t.close(); });

async function search(query: string) {
  const res = await t.app.inject({ method: 'GET', url: `/api/v1/groups?${query}` });
  return res;
}
async function found(query: string): Promise<string[]> {
  const res = await search(query);
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json();
  const keys = body.items.map((item: { id: string }) => Object.keys(ids).find((k) => ids[k] === item.id));
  assert.equal(body.totalCapped, false);
  return keys;
}

test('lists approved groups only, newest first, with the documented fields', async () => {
  const res = await search('siteCode=12');
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json();
  assert.deepEqual(body.items.map((i: { id: string }) => i.id), [ids.C, ids.B, ids.A, ids.X]);
  assert.equal(body.total, 4);
  assert.equal(body.page, 1);
  assert.equal(body.pageSize, 20);
  const a = body.items[2];
  assert.deepEqual(a, {
    id: ids.A, name: '阳光志愿服务队', type: 'legal', siteCode: '12', regionCode: '120101', regionName: '天津市和平区',
    serviceCategories: ['community', 'education'], memberCount: 50, totalHours: 300, level: 'intermediate',
    createdAt: '2024-03-01T02:00:00.000Z',
  });
  assert.deepEqual(await found(''), ['C', 'B', 'A', 'D', 'X']);
  assert.deepEqual(await found('name=%E5%BE%85%E5%AE%A1'), []); // 待审: the pending group is never listed
  assert.deepEqual(await found('name=%E9%A9%B3%E5%9B%9E'), []); // 驳回: nor the rejected one
  assert.deepEqual(await found(`id=${ids.P}`), []);
});

test('region filter includes everything inside the region and names the site', async () => {
  assert.deepEqual(await found('regionCode=120103'), ['C', 'X']);
  assert.deepEqual(await found('siteCode=12&regionCode=120000'), ['C', 'B', 'A', 'X']);
  assert.deepEqual(await found('regionCode=110000'), ['D']);
  await group('T', { siteCode: '14', regionCode: '140105', name: '太原小店团体', createdAt: '2024-02-01T08:00:00+08:00' });
  assert.deepEqual(await found('regionCode=140100'), ['T']); // a city: everything in its counties
  assert.deepEqual(await found('regionCode=140105'), ['T']);
  assert.deepEqual(await found('regionCode=140106'), []);
  assert.deepEqual(await found('siteCode=14&regionCode=140000&sort=hours'), ['T']);
  await t.app.ctx.db.deleteFrom('groups').where('id', '=', ids.T!).execute(); // keeps the other tests' national lists as they were
});

test('category, type, members range and id filters', async () => {
  assert.deepEqual(await found('category=community'), ['A', 'D', 'X']);
  assert.deepEqual(await found('siteCode=12&category=environment'), ['C', 'X']);
  assert.deepEqual(await found('type=legal'), ['A']);
  assert.deepEqual(await found('siteCode=12&type=non_legal'), ['C', 'B', 'X']);
  assert.deepEqual(await found('minMembers=5&maxMembers=50'), ['B', 'A', 'D']);
  assert.deepEqual(await found('minMembers=100'), ['C']);
  assert.deepEqual(await found('maxMembers=5&type=non_legal&siteCode=12'), ['B', 'X']);
  assert.deepEqual(await found(`id=${ids.B}`), ['B']);
});

test('name is a case-insensitive substring; % and _ are literal', async () => {
  assert.deepEqual(await found(`name=${encodeURIComponent('阳光')}`), ['A', 'D']);
  assert.deepEqual(await found(`name=${encodeURIComponent('阳')}&siteCode=11`), ['D']);
  assert.deepEqual(await found(`name=${encodeURIComponent('100%')}`), ['B']);
  assert.deepEqual(await found(`name=${encodeURIComponent('爱心1')}`), ['B', 'X']);
  assert.deepEqual(await found(`name=${encodeURIComponent('n_t')}`), ['C']);
  assert.deepEqual(await found(`name=${encodeURIComponent('GREEN')}`), ['C', 'X']);
  assert.deepEqual(await found(`name=${encodeURIComponent('%')}`), ['B']);
  assert.deepEqual(await found(`name=${encodeURIComponent('_')}`), ['C']);
  assert.deepEqual(await found(`name=${encodeURIComponent('没有这个')}`), []);
});

test('registration dates are whole China-time days, inclusive', async () => {
  assert.deepEqual(await found('registeredFrom=2024-03-02&registeredTo=2024-03-02'), ['B']);
  assert.deepEqual(await found('registeredFrom=2024-03-01'), ['C', 'B', 'A']);
  assert.deepEqual(await found('registeredTo=2024-01-01'), ['D', 'X']);
  assert.deepEqual(await found('registeredFrom=2024-01-01&registeredTo=2024-03-01'), ['A', 'D']);
});

test('sort by members and by hours; paging', async () => {
  assert.deepEqual(await found('siteCode=12&sort=members'), ['C', 'A', 'B', 'X']);
  assert.deepEqual(await found('siteCode=12&sort=hours'), ['B', 'A', 'C', 'X']);
  assert.deepEqual(await found('sort=hours&regionCode=110105'), ['D']);
  const pages = [];
  for (const page of [1, 2, 3]) {
    const res = await search(`siteCode=12&sort=members&pageSize=3&page=${page}`);
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().total, 4);
    pages.push(res.json().items.map((i: { id: string }) => i.id));
  }
  assert.deepEqual(pages, [[ids.C, ids.A, ids.B], [ids.X], []]);
});

test('bad filters are refused with the field named', async () => {
  const cases: [string, string, string][] = [
    ['siteCode=99', 'siteCode', 'UNKNOWN_SITE'],
    ['siteCode=1', 'siteCode', 'BAD_FORMAT'],
    ['regionCode=129999', 'regionCode', 'UNKNOWN_REGION'],
    ['regionCode=12', 'regionCode', 'BAD_FORMAT'],
    ['siteCode=11&regionCode=120101', 'regionCode', 'NOT_IN_SITE'],
    ['category=cooking', 'category', ''],
    ['type=company', 'type', ''],
    ['minMembers=-1', 'minMembers', 'TOO_SMALL'],
    ['minMembers=abc', 'minMembers', 'WRONG_TYPE'],
    ['minMembers=10&maxMembers=5', 'maxMembers', 'BELOW_MIN'],
    ['id=not-a-uuid', 'id', 'BAD_FORMAT'],
    [`name=${'长'.repeat(51)}`, 'name', 'TOO_LONG'],
    ['registeredFrom=2024-02-30', 'registeredFrom', 'BAD_DATE'],
    ['registeredTo=2024/03/01', 'registeredTo', 'BAD_FORMAT'],
    ['registeredFrom=2024-03-02&registeredTo=2024-03-01', 'registeredTo', 'BEFORE_FROM'],
    ['sort=oldest', 'sort', ''],
    ['page=0', 'page', 'TOO_SMALL'],
    ['pageSize=101', 'pageSize', 'TOO_LARGE'],
    ['page=101&pageSize=100', 'page', 'TOO_DEEP'],
  ];
  for (const [query, field, code] of cases) {
    const res = await search(query);
    assert.equal(res.statusCode, 400, `${query}: ${res.body}`);
    assert.match(res.headers['content-type'] as string, /application\/problem\+json/);
    const body = res.json();
    assert.equal(body.code, 'VALIDATION_FAILED', query);
    assert.match(body.title, /[\u4e00-\u9fff]/);
    const hit = body.errors.find((e: { field: string }) => e.field === field);
    assert.ok(hit, `${query}: ${res.body}`);
    if (code) assert.equal(hit.code, code, query);
  }
  assert.equal((await search('page=100&pageSize=100')).statusCode, 200);
});

test('totals are exact up to the cap, then capped and flagged', async () => {
  const g = await seedGroup(t.app, { siteCode: '13', regionCode: '130102', name: '上限模板团体' });
  const row = await t.app.ctx.db.selectFrom('groups').selectAll().where('id', '=', g.id).executeTakeFirstOrThrow();
  // Copies of one approved group, enough to pass the cap, each with its own (never signed-in) group account.
  const { search_keys: _keys, ...template } = row as typeof row & { search_keys?: unknown };
  const copies = Array.from({ length: TOTAL_CAP + 4 }, (_, i) => ({
    ...template, id: crypto.randomUUID(), account_id: crypto.randomUUID(), name: `上限团体${i}`,
    created_at: new Date(Date.UTC(2020, 0, 1) + i * 1000),
  }));
  const now = new Date();
  for (let i = 0; i < copies.length; i += 200) {
    const batch = copies.slice(i, i + 200);
    await t.app.ctx.db.insertInto('accounts').values(batch.map((c) => ({
      id: c.account_id, type: 'group' as const, site_code: '13', username: `cap_${c.id}`, display_name: c.name, password_hash: 'x',
      password_changed_at: now, status: 'active' as const, created_at: now, updated_at: now,
    }))).execute();
    await t.app.ctx.db.insertInto('groups').values(batch).execute();
  }
  await t.app.ctx.db.deleteFrom('groups').where('id', '=', g.id).execute();
  const first = (await search('siteCode=13')).json();
  assert.equal(first.total, TOTAL_CAP);
  assert.equal(first.totalCapped, true);
  assert.equal(first.items[0].name, `上限团体${TOTAL_CAP + 3}`);
  const deep = (await search(`siteCode=13&pageSize=100&page=${TOTAL_CAP / 100 + 1}`)).json(); // past the cap: counted to the page's end
  assert.equal(deep.items.length, 4);
  assert.equal(deep.total, TOTAL_CAP + 4);
  assert.equal(deep.totalCapped, false);
  const narrow = (await search(`siteCode=13&name=${encodeURIComponent('上限团体100')}`)).json();
  assert.deepEqual([narrow.total, narrow.totalCapped], [5, false]); // 100, 1000–1003
});

test('the maintained counts follow inserts, approvals, moves, category edits and deletes', async () => {
  const counts = async () => {
    const stored = await sql<{ site_code: string; category: string; n: string }>`
      select site_code, category, n from group_search_counts where n <> 0 order by site_code, category`.execute(t.app.ctx.db);
    const actual = await sql<{ site_code: string; category: string; n: string }>`
      select site_code, category, count(*) as n from (
        select site_code, '' as category, id from groups where status = 'approved'
        union all
        select distinct g.site_code, c, g.id from groups g, unnest(g.service_categories) c where g.status = 'approved'
      ) x group by site_code, category order by site_code, category`.execute(t.app.ctx.db);
    return { stored: stored.rows.map((r) => `${r.site_code}/${r.category}=${Number(r.n)}`), actual: actual.rows.map((r) => `${r.site_code}/${r.category}=${Number(r.n)}`) };
  };
  const check = async () => {
    const { stored, actual } = await counts();
    assert.deepEqual(stored, actual);
  };
  await check();
  await group('Q', { siteCode: '15', regionCode: '150102', name: '计数待审团体', status: 'pending', categories: ['health', 'health', 'culture'], createdAt: '2024-02-01T08:00:00+08:00' });
  await check();
  const db = t.app.ctx.db;
  await db.updateTable('groups').set({ status: 'approved' }).where('id', '=', ids.Q!).execute();
  await check();
  assert.ok((await counts()).stored.includes('15/health=1'));
  const total = async (query: string) => (await search(query)).json().total;
  assert.equal(await total('siteCode=15&category=health&pageSize=1'), 1);
  await db.updateTable('groups').set({ service_categories: ['education'] }).where('id', '=', ids.Q!).execute();
  await check();
  await db.updateTable('groups').set({ status: 'rejected' }).where('id', '=', ids.Q!).execute();
  await check();
  await db.updateTable('groups').set({ status: 'approved' }).where('site_code', '=', '15').execute();
  await check();
  await db.updateTable('groups').set({ site_code: '21' }).where('id', '=', ids.Q!).execute(); // moved to another site
  await check();
  assert.ok((await counts()).stored.includes('21/education=1'));
  await db.updateTable('groups').set({ site_code: '15' }).where('id', '=', ids.Q!).execute();
  await check();
  await db.updateTable('groups').set({ member_count: 7 }).where('site_code', '=', '15').execute();
  await check();
  await db.deleteFrom('groups').where('id', '=', ids.Q!).execute();
  await check();
  assert.ok(!(await counts()).stored.some((s) => s.startsWith('15/')));
});

test('a search is answered from the cache for a few seconds, then afresh', async () => {
  assert.ok(t.config.groupSearchCacheMs > 0, 'the default keeps a cache');
  const query = 'siteCode=21&pageSize=1';
  assert.equal((await search(query)).json().total, 0);
  await group('S', { siteCode: '21', regionCode: '210102', name: '缓存测试团体', createdAt: '2024-02-01T08:00:00+08:00' });
  assert.equal((await search(query)).json().total, 0); // within the TTL: the cached answer
  t.clock.advance(t.config.groupSearchCacheMs);
  const fresh = (await search(query)).json();
  assert.equal(fresh.total, 1);
  assert.equal(fresh.items[0].id, ids.S);
  await t.app.ctx.db.deleteFrom('groups').where('id', '=', ids.S!).execute();
});

test('counts behind a full page agree with the items, whichever way they are counted', async () => {
  const total = async (query: string) => {
    const body = (await search(`${query}&pageSize=1`)).json();
    assert.equal(body.totalCapped, false);
    return body.total;
  };
  assert.equal(await total(`siteCode=12&name=${encodeURIComponent('爱心')}`), 2); // site through its search key
  assert.equal(await total(`siteCode=12&name=${encodeURIComponent('爱心1')}`), 2);
  assert.equal(await total(`siteCode=12&category=environment`), 2); // maintained counts
  assert.equal(await total(`siteCode=12&category=environment&type=non_legal`), 2);
  assert.equal(await total(`siteCode=12&category=community&name=${encodeURIComponent('阳')}`), 1);
  assert.equal(await total('siteCode=11&category=community'), 1);
  assert.equal(await total('siteCode=12'), 4);
  assert.equal(await total('category=health'), 1);
});

test('long names ask for their rarest bigrams that do not come together', () => {
  const stats = (freqs: Record<string, number>, rows = 1_000_000) => ({ of: (key: string) => freqs[key] ?? 0.0001, rows });
  const common = { 'n:阳光': 0.065, 'n:光爱': 0.0022, 'n:爱心': 0.066, 'n:心志': 0.056, 'n:志愿': 0.86, 'n:愿团': 0.14 };
  const keys = (name: string, freqs: Record<string, number>, rows?: number) => {
    const chars = [...name];
    return chooseNameKeys(name, stats(freqs, rows)).positions.map((i) => chars[i]! + chars[i + 1]!);
  };
  // 光爱 is rarest; 心志 (two characters away) would come with it through 爱心, 愿团 does not.
  assert.deepEqual(keys('阳光爱心志愿团', common), ['光爱', '愿团']);
  // A small table: the rarest key alone lets few enough rows through.
  assert.deepEqual(keys('阳光爱心志愿团', common, 10_000), ['光爱']);
  // Overlapping bigrams of a word are never both asked for; those sharing a digit are.
  assert.deepEqual(keys('小橘灯', { 'n:小橘': 0.066, 'n:橘灯': 0.066 }), ['小橘']);
  assert.deepEqual(keys('第123队', { 'n:第1': 0.34, 'n:12': 0.06, 'n:23': 0.06, 'n:3队': 0.1 }), ['12', '23', '3队']);
  // Upper and lower case are one key; a repeated bigram is asked for once; never more than MAX_NAME_KEYS.
  assert.deepEqual(keys('ABab', { 'n:ab': 0.5, 'n:ba': 0.5 }), ['AB']);
  assert.ok(chooseNameKeys('一二三四五六七八九十甲乙丙丁', stats({}, 1e12)).positions.length <= MAX_NAME_KEYS);
});

test('with statistics, every long name is found whichever keys it asks for, paged and counted', async () => {
  const names = ['同心明德志愿者协会', '同心明德服务社', '明德志愿者协会', '心明德志愿队', '第123队', '第1234队', '第12队',
    '第231队', 'ABC志愿abc', '阳光阳光志愿团', '阳光爱心志愿团', '微光爱心志愿团'];
  for (const [i, name] of names.entries()) {
    await group(`L${i}`, { siteCode: '22', regionCode: '220102', name, createdAt: `2023-0${1 + (i % 9)}-1${i % 10}T08:00:00+08:00` });
  }
  await sql`analyze groups`.execute(t.app.ctx.db);
  t.clock.advance(10 * 60_000); // past the cached (empty) statistics and cached searches
  const approved = (await t.app.ctx.db.selectFrom('groups').select(['id', 'name']).where('status', '=', 'approved').execute());
  const queries = new Set<string>();
  for (const name of names) {
    const chars = [...name];
    for (let from = 0; from < chars.length; from++) for (let to = from + 3; to <= chars.length; to++) queries.add(chars.slice(from, to).join(''));
  }
  queries.add('abc志愿ABC').add('第12').add('上限团体10');
  for (const query of queries) {
    const expected = approved.filter((g) => g.name.toLowerCase().includes(query.toLowerCase())).map((g) => g.id).sort();
    const body = (await search(`name=${encodeURIComponent(query)}&pageSize=100`)).json();
    assert.equal(body.total, Math.min(expected.length, NAME_TOTAL_CAP), query);
    if (expected.length <= 100) assert.deepEqual(body.items.map((i: { id: string }) => i.id).sort(), expected, query);
  }
  // Pages sliced from one query agree with the order, and the count stays exact below the name cap.
  const all = (await search(`name=${encodeURIComponent('上限团体1')}&siteCode=13&pageSize=100&sort=newest`)).json();
  assert.equal(all.total, 115); // 1, 10–19, 100–199, 1000–1003
  assert.equal(all.items.length, 100);
  const pages = [];
  for (const page of [1, 2, 3, 4, 5, 6, 7]) {
    const body = (await search(`name=${encodeURIComponent('上限团体1')}&siteCode=13&pageSize=20&page=${page}`)).json();
    assert.deepEqual([body.total, body.totalCapped], [115, false], `page ${page}`);
    pages.push(...body.items.map((i: { id: string }) => i.id));
  }
  assert.equal(pages.length, 115);
  assert.deepEqual(pages.slice(0, 100), all.items.map((i: { id: string }) => i.id));
  // Past the name cap: capped at NAME_TOTAL_CAP, or at the end of a deeper page.
  const many = (await search(`name=${encodeURIComponent('上限团体')}`)).json();
  assert.deepEqual([many.total, many.totalCapped, many.items.length], [NAME_TOTAL_CAP, true, 20]);
  const deep = (await search(`name=${encodeURIComponent('上限团体')}&pageSize=100&page=3`)).json();
  assert.deepEqual([deep.total, deep.totalCapped, deep.items.length], [300, true, 100]);
  const short = (await search(`name=${encodeURIComponent('限团')}&siteCode=13&pageSize=100&page=11`)).json(); // a two-character name
  assert.deepEqual([short.total, short.totalCapped, short.items.length], [TOTAL_CAP + 4, false, 4]);
});

test('a county the statistics put far above the cap is reported capped without counting; filtered or short, it is counted', async () => {
  const db = t.app.ctx.db;
  const template = await db.selectFrom('groups').selectAll().where('id', '=', ids.L0!).executeTakeFirstOrThrow();
  const columns = Object.keys(template).filter((c) => !['id', 'account_id', 'name', 'region_code', 'search_keys', 'member_count'].includes(c));
  const bulk = 5 * TOTAL_CAP + 200;
  await sql`insert into accounts (id, type, site_code, username, display_name, password_hash, password_changed_at, status, created_at, updated_at)
    select gen_random_uuid(), 'group', '22', 'bulk_' || i, 'b' || i, 'x', now(), 'active', now(), now() from generate_series(1, ${bulk}::int) as i`.execute(db);
  await sql`insert into groups (id, account_id, name, region_code, member_count, ${sql.raw(columns.join(', '))})
    select gen_random_uuid(), a.id, '批量团体' || a.username, '220104', case when a.username = 'bulk_1' then 99 else 1 end, ${sql.raw(columns.map((c) => `t.${c}`).join(', '))}
    from accounts a cross join groups t where a.username like 'bulk\_%' and t.id = ${ids.L0!}`.execute(db);
  await sql`analyze groups`.execute(db);
  t.clock.advance(10 * 60_000);
  const county = (await search('regionCode=220104')).json();
  assert.deepEqual([county.total, county.totalCapped, county.items.length], [TOTAL_CAP, true, 20]);
  const narrow = (await search('regionCode=220104&minMembers=50')).json(); // two filters: counted, exactly
  assert.deepEqual([narrow.total, narrow.totalCapped], [1, false]);
  // The statistics, not a count, said so: when most of the county goes before they are refreshed, its first page
  // still says "more than 1,000" (documented in docs/decisions.md); a short page or one past the end says exactly.
  await db.updateTable('groups').set({ status: 'rejected' }).where('region_code', '=', '220104').where('member_count', '=', 1)
    .where('name', 'not in', Array.from({ length: 29 }, (_, i) => `批量团体bulk_${i + 2}`)).execute();
  t.clock.advance(t.config.groupSearchCacheMs);
  const stale = (await search('regionCode=220104')).json();
  assert.deepEqual([stale.total, stale.totalCapped, stale.items.length], [TOTAL_CAP, true, 20]);
  const second = (await search('regionCode=220104&page=2')).json();
  assert.deepEqual([second.total, second.totalCapped, second.items.length], [30, false, 10]);
  const past = (await search('regionCode=220104&pageSize=100&page=2')).json();
  assert.deepEqual([past.total, past.totalCapped, past.items.length], [30, false, 0]);
});
