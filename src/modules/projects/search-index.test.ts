import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestApp, type TestApp } from '../../../test/helper.js';
import { seedGroup } from '../../../test/groups.js';
import { dayFrom, publish } from './test-support.js';

// The search keys and day_span of migration 0021 must find exactly what the plain conditions find: names by ILIKE,
// dates by overlap, statuses by today's date, whichever query shape (probe, all matches, capped count) answers.

let t: TestApp;
let template: string;
before(async () => {
  // These tests check the queries: rows change by SQL between searches, so the result cache (search-cache.test.ts) is off.
  t = await createTestApp({ projectSearchCacheMs: 0 });
  const bj = await (await seedGroup(t.app, { level: 'intermediate' })).signIn();
  template = (await publish(t.app, bj, { name: '模板项目', startDate: dayFrom(t.app, 1), endDate: dayFrom(t.app, 2) })).id;
});
after(async () => { await t.close(); });

const db = () => t.app.ctx.db;
const search = async (qs: string) => {
  const res = await t.app.inject({ method: 'GET', url: `/api/v1/projects?${qs}` });
  assert.equal(res.statusCode, 200, `${qs}: ${res.body}`);
  return res.json() as { items: { id: string; status: string }[]; total: number; totalCapped: boolean };
};
/** Every id a search lists, page by page (pages of 100). */
const allIds = async (qs: string) => {
  const ids: string[] = [];
  for (let page = 1; ; page++) {
    const res = await search(`${qs}&pageSize=100&page=${page}`);
    ids.push(...res.items.map((i) => i.id));
    if (res.items.length < 100) return ids;
  }
};

/** Copies of the template project with these names, dates and creation offsets (seconds before now), by SQL. */
async function copies(rows: { name: string; start: string; end: string; ageS: number; siteCode?: string }[]) {
  const ids: string[] = [];
  for (const r of rows) {
    const id = crypto.randomUUID();
    ids.push(id);
    await sql`insert into projects (site_code, id, group_id, name, region_code, category, service_target, enrollment_scope, start_date, end_date,
        recruit_from, recruit_to, address, lat, lng, status, created_by, created_at, updated_at, total_quota)
      select site_code, ${id}, group_id, ${r.name}, region_code, category, service_target, enrollment_scope, ${r.start}, ${r.end},
        recruit_from, recruit_to, address, lat, lng, status, created_by, created_at - make_interval(secs => ${r.ageS}), updated_at, total_quota
      from projects where id = ${template}`.execute(db());
  }
  return ids;
}

test('name search by keys finds every project ILIKE finds, one-character and mixed-case names included', async () => {
  await copies(['爱', '关爱', '关爱老人', '老人关爱', '爱心关怀', 'ABC志愿', 'abc', '关 爱', '100%_爱心', '人'].map((name, i) => ({
    name, start: dayFrom(t.app, 3), end: dayFrom(t.app, 4), ageS: 100 + i,
  })));
  // Key statistics make long names ask for their rarest bigrams only (search.ts namePieces); the result must not change.
  await sql`analyze projects`.execute(db());
  for (const text of ['爱', '关爱', '关爱老', '爱老人', 'abc', 'ABC', 'Bc志', '关 爱', '%', '%_', '0%_爱', '人', '老人关', 'xyz', '爱心关怀']) {
    const expected = (await sql<{ id: string }>`select id from projects where status = 'recruiting'
      and name ilike ${`%${text.replace(/[\\%_]/g, '\\$&')}%`} escape '\\' order by created_at desc, id desc`.execute(db())).rows.map((r) => r.id);
    assert.deepEqual(await allIds(`name=${encodeURIComponent(text)}`), expected, text);
    // pageSize=1 makes the capped count run (on search_keys).
    assert.equal((await search(`siteCode=11&pageSize=1&name=${encodeURIComponent(text)}`)).total, expected.length, text);
  }
});

test('renaming a project updates its search keys', async () => {
  const [id] = await copies([{ name: '河道清洁行动', start: dayFrom(t.app, 3), end: dayFrom(t.app, 4), ageS: 50 }]);
  assert.deepEqual(await allIds(`name=${encodeURIComponent('河道')}`), [id]);
  await sql`update projects set name = '植树护绿行动' where id = ${id!}`.execute(db());
  assert.deepEqual(await allIds(`name=${encodeURIComponent('河道')}`), []);
  assert.deepEqual(await allIds(`name=${encodeURIComponent('植树')}`), [id]);
  assert.deepEqual(await allIds(`name=${encodeURIComponent('树')}`), [id]);
});

test('date ranges list every overlapping project, newest first, on every query shape', async () => {
  const d = (n: number) => dayFrom(t.app, n);
  // Old projects (ages 10,000+ s): before, overlapping either end, inside, around and after the range [-60, -50].
  const old = await copies([
    { name: '早已结束', start: d(-80), end: d(-61), ageS: 10_001 },
    { name: '跨入', start: d(-70), end: d(-60), ageS: 10_002 },
    { name: '内部', start: d(-58), end: d(-55), ageS: 10_003 },
    { name: '包含', start: d(-90), end: d(-10), ageS: 10_004 },
    { name: '跨出', start: d(-50), end: d(-40), ageS: 10_005 },
    { name: '之后', start: d(-49), end: d(-45), ageS: 10_006 },
    { name: '同一天', start: d(-60), end: d(-60), ageS: 10_007 },
  ]);
  const [ended, enters, inside, around, leaves, afterwards, sameDay] = old as [string, string, string, string, string, string, string];
  const expect = async (qs: string, ids: string[]) => {
    assert.deepEqual(await allIds(qs), ids, qs);
    assert.equal((await search(`${qs}&pageSize=1`)).total, ids.length, `${qs} (count)`);
  };
  await expect(`from=${d(-60)}&to=${d(-50)}`, [enters, inside, around, leaves, sameDay]);
  await expect(`from=${d(-60)}&to=${d(-60)}`, [enters, around, sameDay]);
  await expect(`to=${d(-61)}`, [ended, enters, around]);
  await expect(`from=${d(-44)}&to=${d(-41)}`, [around, leaves]);
  await expect(`from=${d(-50)}&to=${d(-49)}&status=finished`, [around, leaves, afterwards]);
  // More newer projects than the newest-first probe looks at (5,000), none in the range: the page then comes from all
  // matches of the day_span index, still newest first, and paging goes on past it.
  await sql`insert into projects (site_code, id, group_id, name, region_code, category, service_target, enrollment_scope, start_date, end_date,
      recruit_from, recruit_to, address, lat, lng, status, created_by, created_at, updated_at, total_quota)
    select site_code, gen_random_uuid(), group_id, '新项目' || i, region_code, category, service_target, enrollment_scope, start_date, end_date,
      recruit_from, recruit_to, address, lat, lng, status, created_by, created_at - make_interval(secs => i), updated_at, total_quota
    from projects, generate_series(1, 5001) as i where id = ${template}`.execute(db());
  await expect(`from=${d(-60)}&to=${d(-50)}`, [enters, inside, around, leaves, sameDay]);
  const second = await search(`from=${d(-60)}&to=${d(-50)}&pageSize=2&page=2`);
  assert.deepEqual(second.items.map((i) => i.id), [around, leaves]);
  assert.equal(second.total, 5);
  // A range the new projects do fall in: found by the probe, total capped.
  const current = await search(`from=${d(1)}&to=${d(1)}`);
  assert.equal(current.items.length, 20);
  assert.deepEqual([current.total, current.totalCapped], [1000, true]);
  assert.equal(current.items[0]!.id, template);
  // A name with more than 1,000 matches walks the newest-first index instead of sorting them all: same pages.
  for (const [text, sort, order] of [['新项目', 'newest', sql`created_at desc, id desc`], ['新项目1', 'start', sql`start_date, id`]] as const) {
    const expected = (await sql<{ id: string }>`select id from projects where status = 'recruiting' and name like ${`%${text}%`}
      order by ${order} limit 40`.execute(db())).rows.map((r) => r.id);
    const page1 = await search(`name=${encodeURIComponent(text)}&sort=${sort}`);
    const page2 = await search(`name=${encodeURIComponent(text)}&sort=${sort}&page=2`);
    assert.deepEqual([...page1.items, ...page2.items].map((i) => i.id), expected, text);
    assert.deepEqual([page1.total, page1.totalCapped], [1000, true], text);
  }
});

test('status filters and their counts agree with the status shown', async () => {
  for (const status of ['recruiting', 'in_progress', 'finished'] as const) {
    const ids = await allIds(`status=${status}`);
    const shown = (await search(`status=${status}&pageSize=100`)).items;
    assert.ok(shown.every((i) => i.status === status), status);
    const expected = (await sql<{ n: number }>`select count(*)::int as n from projects where status = 'recruiting' and ${
      status === 'recruiting' ? sql`start_date > ${dayFrom(t.app, 0)}`
        : status === 'in_progress' ? sql`start_date <= ${dayFrom(t.app, 0)} and end_date >= ${dayFrom(t.app, 0)}`
          : sql`end_date < ${dayFrom(t.app, 0)}`}`.execute(db())).rows[0]!.n;
    assert.equal(ids.length, expected, status);
    const counted = await search(`status=${status}&pageSize=1`);
    assert.equal(counted.total, Math.min(expected, 1000), status);
  }
});
