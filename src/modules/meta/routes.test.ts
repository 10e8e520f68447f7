import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../../../test/helper.js';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t.close(); });

test('health names the database', async () => {
  const res = await t.app.inject({ method: 'GET', url: '/api/v1/health' });
  assert.equal(res.statusCode, 200);
  assert.equal(res.json().status, 'ok');
  assert.equal(res.json().database, process.env.DATABASE_URL ? 'postgresql' : 'pglite');
});

test('sites: one per province; regions: provinces, then children down to towns', async () => {
  const sites = (await t.app.inject({ method: 'GET', url: '/api/v1/sites' })).json().items;
  assert.equal(sites.length, 31);
  assert.deepEqual(sites[0], { code: '11', name: '北京市' });
  const provinces = (await t.app.inject({ method: 'GET', url: '/api/v1/regions' })).json().items;
  assert.equal(provinces.length, 31);
  const beijing = (await t.app.inject({ method: 'GET', url: '/api/v1/regions?parent=110000' })).json().items;
  assert.ok(beijing.some((r: { code: string; name: string }) => r.code === '110105' && r.name === '朝阳区'));
  const towns = (await t.app.inject({ method: 'GET', url: '/api/v1/regions?parent=110105' })).json().items;
  assert.ok(towns.length > 10 && towns.every((r: { code: string; level: string }) => r.code.length === 9 && r.level === 'town'));
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/regions?parent=999999' })).statusCode, 404);
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/regions?parent=abc' })).statusCode, 400);
});

test('the OpenAPI document lists the core routes with schemas', async () => {
  const res = await t.app.inject({ method: 'GET', url: '/docs/json' });
  assert.equal(res.statusCode, 200);
  const doc = res.json();
  for (const path of ['/api/v1/volunteers', '/api/v1/auth/login', '/api/v1/me', '/api/v1/me/sessions', '/api/v1/password-policy/check', '/api/v1/admin/audit', '/api/v1/regions']) {
    assert.ok(doc.paths[path], `missing ${path}`);
  }
  assert.ok(doc.paths['/api/v1/volunteers'].post.requestBody);
});

test('unknown API paths answer problem+json 404', async () => {
  const res = await t.app.inject({ method: 'GET', url: '/api/v1/nothing-here' });
  assert.equal(res.statusCode, 404);
  assert.match(res.headers['content-type'] as string, /problem\+json/);
  assert.equal(res.json().code, 'NOT_FOUND');
});
