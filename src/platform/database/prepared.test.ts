import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestApp, seedVolunteer, type TestApp } from '../../../test/helper.js';
import { PREPARED_MARK, prepared } from './prepared.js';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t.close(); });

test('a marked statement gives the same rows, and on PostgreSQL is prepared once per connection', async () => {
  const volunteer = await seedVolunteer(t.app);
  const { db, dbKind } = t.app.ctx;
  const query = (trx: typeof db) => trx.selectFrom('accounts').select(['id', 'username']).where('id', '=', volunteer.id).modifyEnd(prepared);
  const lookUp = (trx: typeof db) => query(trx).executeTakeFirst();
  assert.equal(query(db).compile().sql.endsWith(PREPARED_MARK), true);
  await db.transaction().execute(async (trx) => {
    // One transaction is one connection: the statement runs twice there, then that connection's prepared statements are listed.
    for (let i = 0; i < 2; i++) assert.deepEqual(await lookUp(trx), { id: volunteer.id, username: volunteer.username });
    if (dbKind !== 'postgresql') return;
    const { rows } = await sql<{ name: string; statement: string }>`select name, statement from pg_prepared_statements`.execute(trx);
    const ours = rows.filter((r) => r.statement.endsWith(PREPARED_MARK) && r.statement.includes('"accounts"'));
    assert.equal(ours.length, 1, JSON.stringify(rows));
    assert.match(ours[0]!.name, /^zy_[0-9a-f]{24}$/);
    // Unmarked statements stay unnamed.
    await trx.selectFrom('accounts').select('id').where('id', '=', volunteer.id).execute();
    const after = await sql<{ n: number }>`select count(*)::int as n from pg_prepared_statements`.execute(trx);
    assert.equal(after.rows[0]!.n, rows.length);
  });
});
