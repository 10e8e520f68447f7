import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, signIn, TEST_ADMIN, type TestApp } from '../../../test/helper.js';
import { disputeFixtures } from '../hour-reports/test-support.js';
import { refreshPublicity } from './effectiveness.js';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t.close(); });
const f = disputeFixtures(() => t);

const status = async (id: string) =>
  (await t.app.ctx.db.selectFrom('service_records').select(['status', 'ineffective_reason']).where('id', '=', id).executeTakeFirstOrThrow());
const admin = async () => (await signIn(t.app, TEST_ADMIN.username, TEST_ADMIN.password)).cookie;
/** Signs in each time: the tests move the clock past the session's idle timeout. */
const setPublicity = async (days: number) => {
  const cookie = await admin();
  const patched = await t.app.inject({ method: 'PATCH', url: '/api/v1/admin/sites/11/settings', payload: { publicityDays: days },
    headers: { cookie, 'x-requested-with': 'zhiyuan-web' } });
  assert.equal(patched.statusCode, 200, patched.body);
};

test('a real-name result of verified makes the volunteer\'s waiting hours count in the same transaction', async () => {
  const v = await f.volunteer();
  await t.app.ctx.db.updateTable('people').set({ realname_status: 'no_result' }).where('account_id', '=', v.id).execute();
  const p = await f.project([v.id]);
  const [id] = await f.record(p, [f.row(v.id)]);
  assert.deepEqual(await status(id), { status: 'ineffective', ineffective_reason: 'unverified' });
  assert.equal(await f.totals(v.id), 0);
  const res = await f.call(await admin(), 'POST', `/admin/realname/${v.id}`, { result: 'verified' });
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(await status(id), { status: 'effective', ineffective_reason: null });
  assert.equal(await f.totals(v.id), 3);
  assert.equal(await f.projectTotal(p.id), 3);
  const history = await t.app.ctx.db.selectFrom('service_record_history').select('change').where('record_id', '=', id).orderBy('id').execute();
  assert.deepEqual(history.map((h) => (h.change as any).op), ['create', 'effective']);
});

test('the publicity window: housekeeping turns records effective once it passes, in bounded batches; a shorter window applies at once', async () => {
  await setPublicity(3);
  try {
    const v = await f.volunteer();
    const p = await f.project([v.id]);
    const ids = await f.record(p, [f.row(v.id), f.row(v.id, { serviceDate: f.day(-2) }), f.row(v.id, { serviceDate: f.day(-3) })]);
    for (const id of ids) assert.deepEqual(await status(id), { status: 'ineffective', ineffective_reason: 'publicity' });
    t.clock.advance(2 * 86_400_000);
    assert.equal(await refreshPublicity(t.app.ctx.db, t.app.ctx.now()), 0);
    assert.equal(await f.totals(v.id), 0);
    t.clock.advance(86_400_000 + 1000);
    assert.equal(await refreshPublicity(t.app.ctx.db, t.app.ctx.now(), { batchSize: 2, maxBatches: 1 }), 2);
    assert.equal(await f.totals(v.id), 6);
    assert.equal(await refreshPublicity(t.app.ctx.db, t.app.ctx.now(), { batchSize: 2 }), 1);
    assert.equal(await f.totals(v.id), 9);
    assert.equal(await f.groupTotal(p.group.id), 9);

    // Recorded under a 3-day window, then the site shortens it to 1 day: after a day the records count without waiting.
    const [later] = await f.record({ id: p.id, gc: await p.group.signIn() }, [f.row(v.id, { serviceDate: f.day(-7) })]);
    t.clock.advance(86_400_000 + 1000);
    assert.equal((await status(later!)).status, 'ineffective');
    await setPublicity(1);
    assert.deepEqual(await status(later!), { status: 'effective', ineffective_reason: null });
    assert.equal(await f.totals(v.id), 12);
  } finally {
    await setPublicity(0);
  }
});
