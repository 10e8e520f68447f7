import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestApp, type TestApp } from '../../../test/helper.js';
import { seedGroup } from '../../../test/groups.js';
import { dayFrom, publish } from './test-support.js';

let t: TestApp;
const ids: Record<string, string> = {};
let center: string, tongzhou: string, noPoint: string, shanghai: string;
before(async () => {
  // These tests check the queries: rows change by SQL between searches, so the result cache (search-cache.test.ts) is off.
  t = await createTestApp({ projectSearchCacheMs: 0 });
  const bj = await (await seedGroup(t.app, { level: 'intermediate' })).signIn();
  const sh = await (await seedGroup(t.app, { siteCode: '31', regionCode: '310101', level: 'intermediate' })).signIn();
  const basic = await (await seedGroup(t.app, { level: 'basic' })).signIn();
  // Created one after another, so newest-first order is the reverse of this list.
  ids.center = (await publish(t.app, bj, { name: '天安门广场引导', location: { lat: 39.9042, lng: 116.4074 }, regionCode: '110101', category: 'traffic',
    serviceTarget: 'public', positions: [{ name: '引导', quota: 20 }], startDate: dayFrom(t.app, 1), endDate: dayFrom(t.app, 2) })).id;
  ids.tongzhou = (await publish(t.app, bj, { name: '通州社区助老', location: { lat: 39.9, lng: 116.66 }, regionCode: '110112', enrollmentScope: 'members',
    positions: [{ name: '陪护', quota: 5 }], startDate: dayFrom(t.app, 10), endDate: dayFrom(t.app, 20) })).id;
  ids.noPoint = (await publish(t.app, bj, { name: '100%_爱心义卖', location: undefined, regionCode: '110105', category: 'culture', serviceTarget: 'children',
    positions: [{ name: '售卖', quota: 50 }, { name: '宣传', quota: 50 }], startDate: dayFrom(t.app, 30), endDate: dayFrom(t.app, 31) })).id;
  ids.shanghai = (await publish(t.app, sh, { name: '外滩环保行动', siteCode: '31', regionCode: '310101', location: { lat: 31.2304, lng: 121.4737 },
    category: 'environment', serviceTarget: 'residents', positions: [{ name: '清洁', quota: 10 }], startDate: dayFrom(t.app, 0), endDate: dayFrom(t.app, 5) })).id;
  ids.pending = (await publish(t.app, basic, { name: '待审核的项目' })).id;
  ({ center, tongzhou, noPoint, shanghai } = ids as Record<string, string>);
});
after(async () => { await t.close(); });

const search = async (qs: string) => {
  const res = await t.app.inject({ method: 'GET', url: `/api/v1/projects?${qs}` });
  assert.equal(res.statusCode, 200, `${qs}: ${res.body}`);
  return res.json() as { items: any[]; total: number; totalCapped: boolean; page: number; pageSize: number };
};
const names = async (qs: string) => (await search(qs)).items.map((i) => i.id);

test('only published projects are listed, newest first, and never one under review', async () => {
  const all = await search('');
  assert.deepEqual(all.items.map((i) => i.id), [shanghai, noPoint, tongzhou, center]);
  assert.equal(all.total, 4);
  assert.equal(all.items[0].status, 'in_progress');
  assert.equal(all.items[1].status, 'recruiting');
  assert.equal(all.items[0].regionName, '上海市黄浦区');
  assert.equal(all.items[0].distanceKm, null);
});

test('each filter narrows the list', async () => {
  assert.deepEqual(await names('siteCode=31'), [shanghai]);
  assert.deepEqual(await names('siteCode=11&regionCode=110100'), [noPoint, tongzhou, center]);
  assert.deepEqual(await names('regionCode=110112'), [tongzhou]);
  assert.deepEqual(await names('category=traffic'), [center]);
  assert.deepEqual(await names('status=in_progress'), [shanghai]);
  assert.deepEqual(await names('status=recruiting'), [noPoint, tongzhou, center]);
  assert.deepEqual(await names('status=finished'), []);
  assert.deepEqual(await names('enrollmentScope=members'), [tongzhou]);
  assert.deepEqual(await names('serviceTarget=children'), [noPoint]);
  assert.deepEqual(await names('minQuota=20'), [noPoint, center]);
  assert.deepEqual(await names('maxQuota=10'), [shanghai, tongzhou]);
  assert.deepEqual(await names('minQuota=10&maxQuota=20'), [shanghai, center]);
  assert.deepEqual(await names(`id=${center}`), [center]);
  assert.deepEqual(await names(`name=${encodeURIComponent('助老')}`), [tongzhou]);
  assert.deepEqual(await names(`name=${encodeURIComponent('%_')}`), [noPoint]);
  assert.deepEqual(await names(`name=${encodeURIComponent('%')}`), [noPoint]);
  assert.deepEqual(await names(`from=${dayFrom(t.app, 3)}&to=${dayFrom(t.app, 12)}`), [shanghai, tongzhou]);
  assert.deepEqual(await names(`from=${dayFrom(t.app, 21)}`), [noPoint]);
  assert.deepEqual(await names(`to=${dayFrom(t.app, 0)}`), [shanghai]);
});

test('near keeps projects within the radius, nearest first; the bounding box and the circle both hold', async () => {
  const beijing = await search('near=39.9042,116.4074&radiusKm=50');
  assert.deepEqual(beijing.items.map((i) => i.id), [center, tongzhou]);
  assert.equal(beijing.items[0].distanceKm, 0);
  assert.ok(beijing.items[1].distanceKm > 20 && beijing.items[1].distanceKm < 23, String(beijing.items[1].distanceKm));
  assert.deepEqual(await names('near=39.9042,116.4074&radiusKm=5'), [center]);
  assert.deepEqual(await names('near=31.23,121.47&radiusKm=200'), [shanghai]);
  // Beijing to Shanghai is about 1,070 km: outside the largest radius allowed.
  assert.deepEqual(await names('near=35,119&radiusKm=200'), []);
  assert.deepEqual(await names('near=39.9042,116.4074&radiusKm=50&sort=newest'), [tongzhou, center]);
  assert.deepEqual(await names('near=39.9,116.66&radiusKm=50&sort=start'), [center, tongzhou]);
  assert.deepEqual(await names('sort=start'), [shanghai, center, tongzhou, noPoint]);
});

test('paging walks the list without overlap', async () => {
  const p1 = await search('pageSize=3');
  const p2 = await search('pageSize=3&page=2');
  assert.deepEqual([...p1.items, ...p2.items].map((i) => i.id), [shanghai, noPoint, tongzhou, center]);
  assert.equal(p2.total, 4);
  assert.equal(p2.page, 2);
  assert.equal((await search('pageSize=3&page=3')).items.length, 0);
});

test('bad filters answer 400 naming the field', async () => {
  const cases: [string, string, string?][] = [
    ['siteCode=99', 'siteCode', 'UNKNOWN_SITE'],
    ['siteCode=31&regionCode=110105', 'regionCode', 'NOT_IN_SITE'],
    ['regionCode=11', 'regionCode'],
    ['category=nope', 'category'],
    ['status=pending_review', 'status'],
    ['enrollmentScope=x', 'enrollmentScope'],
    ['serviceTarget=x', 'serviceTarget'],
    ['minQuota=-1', 'minQuota'],
    ['minQuota=10&maxQuota=5', 'maxQuota', 'BELOW_MIN'],
    ['id=abc', 'id'],
    [`name=${'x'.repeat(51)}`, 'name'],
    ['from=2030-02-30', 'from', 'BAD_DATE'],
    ['from=2030-01-02&to=2030-01-01', 'to', 'BEFORE_FROM'],
    ['near=abc', 'near', 'BAD_POINT'],
    ['near=95,116', 'near', 'BAD_POINT'],
    ['near=39.9,116.4&radiusKm=201', 'radiusKm'],
    ['near=39.9,116.4&radiusKm=0', 'radiusKm'],
    ['sort=distance', 'sort', 'NEAR_REQUIRED'],
    ['pageSize=101', 'pageSize'],
    ['page=0', 'page'],
  ];
  for (const [qs, field, code] of cases) {
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/projects?${qs}` });
    assert.equal(res.statusCode, 400, `${qs}: ${res.body}`);
    assert.ok(res.json().errors.some((e: any) => e.field === field && (!code || e.code === code)), `${qs}: ${res.body}`);
  }
});

test('totals are exact up to 1,000 matches, then capped and flagged', async () => {
  // 1,001 more published projects in site 31, copies of the Shanghai one (by SQL: publishing each through the API is slow).
  await sql`insert into projects (site_code, id, group_id, name, region_code, category, service_target, enrollment_scope, start_date, end_date,
      recruit_from, recruit_to, address, lat, lng, status, created_by, created_at, updated_at, total_quota)
    select site_code, gen_random_uuid(), group_id, '批量项目' || i, region_code, category, service_target, enrollment_scope, start_date, end_date,
      recruit_from, recruit_to, address, lat, lng, status, created_by, created_at - make_interval(secs => i), updated_at, total_quota
    from projects, generate_series(1, 1001) as i where id = ${shanghai}`.execute(t.app.ctx.db);
  const capped = await search('siteCode=31');
  assert.deepEqual([capped.total, capped.totalCapped, capped.items.length], [1000, true, 20]);
  assert.equal(capped.items[0].id, shanghai);
  const deep = await search('siteCode=31&page=51&pageSize=20'); // items 1,001–1,002: the total reaches the end of the page
  assert.deepEqual([deep.total, deep.totalCapped, deep.items.length], [1002, false, 2]);
  const narrow = await search(`siteCode=31&name=${encodeURIComponent('外滩')}`);
  assert.deepEqual([narrow.total, narrow.totalCapped], [1, false]);
  const counted = await search(`siteCode=31&name=${encodeURIComponent('批量项目1')}`); // 1, 10–19, 100–199, 1000, 1001
  assert.deepEqual([counted.total, counted.totalCapped, counted.items.length], [113, false, 20]);
  const past = await search('siteCode=31&page=200&pageSize=20');
  assert.deepEqual([past.total, past.totalCapped, past.items.length], [1002, false, 0]);
});
