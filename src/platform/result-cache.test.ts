import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createResultCache } from './result-cache.js';

function setup(ttlMs: number, entries = 10) {
  let now = 1_000_000;
  const calls: string[] = [];
  const cache = createResultCache<string>({ ttlMs, entries, now: () => now });
  const get = (key: string) => cache.get(key, async () => {
    calls.push(key);
    return `${key}@${now}`;
  });
  return { cache, calls, get, advance: (ms: number) => { now += ms; } };
}

test('an entry answers until its TTL has passed, then is computed afresh', async () => {
  const c = setup(3_000);
  assert.equal(await c.get('a'), 'a@1000000');
  c.advance(2_999);
  assert.equal(await c.get('a'), 'a@1000000');
  assert.deepEqual(c.calls, ['a']);
  c.advance(1);
  assert.equal(await c.get('a'), 'a@1003000');
  assert.deepEqual(c.calls, ['a', 'a']);
  c.advance(-10); // a clock that went backwards: expired
  assert.equal(await c.get('a'), 'a@1002990');
  assert.equal(c.calls.length, 3);
});

test('the least recently used entry goes first when the bound is passed', async () => {
  const c = setup(60_000, 2);
  await c.get('a');
  await c.get('b');
  await c.get('a'); // a is now the most recently used
  await c.get('c'); // evicts b
  assert.equal(c.cache.size, 2);
  assert.deepEqual(c.calls, ['a', 'b', 'c']);
  await c.get('a');
  await c.get('c');
  assert.deepEqual(c.calls, ['a', 'b', 'c']);
  await c.get('b');
  assert.deepEqual(c.calls, ['a', 'b', 'c', 'b']);
});

test('concurrent gets of one key share one computation', async () => {
  let runs = 0;
  let release!: (v: string) => void;
  const cache = createResultCache<string>({ ttlMs: 1_000, entries: 10, now: () => 0 });
  const compute = () => { runs++; return new Promise<string>((resolve) => { release = resolve; }); };
  const all = Promise.all([cache.get('k', compute), cache.get('k', compute), cache.get('k', compute)]);
  assert.equal(runs, 1);
  release('v');
  assert.deepEqual(await all, ['v', 'v', 'v']);
  assert.equal(await cache.get('k', compute), 'v');
  assert.equal(runs, 1);
});

test('a failed computation is not kept', async () => {
  let runs = 0;
  const cache = createResultCache<string>({ ttlMs: 1_000, entries: 10, now: () => 0 });
  const failing = () => { runs++; return Promise.reject(new Error('database down')); };
  const [a, b] = await Promise.allSettled([cache.get('k', failing), cache.get('k', failing)]);
  assert.equal(a.status, 'rejected');
  assert.equal(b.status, 'rejected');
  assert.equal(runs, 1); // those in flight together share the failure …
  assert.equal(cache.size, 0);
  assert.equal(await cache.get('k', async () => { runs++; return 'ok'; }), 'ok'); // … the next get tries again
  assert.equal(runs, 2);
  await assert.rejects(cache.get('t', () => { throw new Error('thrown'); }), /thrown/);
  assert.equal(cache.size, 1);
});

test('a TTL of 0 turns the cache off', async () => {
  const c = setup(0);
  await c.get('a');
  await c.get('a');
  assert.deepEqual(c.calls, ['a', 'a']);
  assert.equal(c.cache.size, 0);
});
