/**
 * Service-hour batch benchmark: POST /api/v1/projects/{id}/hours with 10,000 records (one per volunteer) on PostgreSQL.
 *
 *   npx tsx bench/hours-batch.ts [--records=10000] [--rounds=3] [--pg=postgres://postgres@127.0.0.1:5432/postgres]
 *
 * Makes a fresh test database (test/helper.ts createTestApp), generates the volunteers, people and enrolments inside
 * PostgreSQL (INSERT … SELECT FROM generate_series), then times whole requests through app.inject: validation, the
 * set-based look-ups, locking the volunteers' totals, chunked inserts, history and totals, and the commit. Each round
 * records a different service date, so later rounds also check against the stored records of earlier ones.
 */
import { sql } from 'kysely';
import { parseArgs, positiveInt, printTable, round } from './lib.js';

const args = parseArgs({ records: '10000', rounds: '3', pg: 'postgres://postgres@127.0.0.1:5432/postgres' });
const RECORDS = positiveInt(args.records, 'records', 10_000);
const ROUNDS = positiveInt(args.rounds, 'rounds', 8);
process.env.DATABASE_URL = args.pg;

const { createTestApp, asUser } = await import('../test/helper.js');
const { seedGroup } = await import('../test/groups.js');
const { dayFrom, publish } = await import('../src/modules/projects/test-support.js');

const t = await createTestApp();
try {
  const { app } = t;
  const db = app.ctx.db;
  const group = await seedGroup(app, { level: 'intermediate' });
  const gc = await group.signIn();
  const { id: projectId } = await publish(app, gc);
  await db.updateTable('projects').set({ start_date: dayFrom(app, -30), end_date: dayFrom(app, 5) }).where('id', '=', projectId).execute();
  const position = (await db.selectFrom('positions').select('id').where('project_id', '=', projectId).executeTakeFirstOrThrow()).id;
  const started = Date.now();
  await sql`insert into accounts (id, type, site_code, username, display_name, password_hash, password_changed_at, status, created_at, updated_at)
    select gen_random_uuid(), 'volunteer', '11', 'bench_hours_' || i, '志愿者' || i, 'x', now(), 'active', now(), now()
    from generate_series(1, ${RECORDS}) as i`.execute(db);
  await sql`insert into people (account_id, name, id_type, id_number_enc, id_number_masked, realname_status)
    select id, display_name, 'resident_id', 'x', '1101**********0000', 'verified' from accounts where username like 'bench_hours_%'`.execute(db);
  await sql`insert into enrollments (site_code, project_id, account_id, position_id, status, via, applied_at)
    select '11', ${projectId}::uuid, id, ${position}::uuid, 'enrolled', 'application', now() from accounts where username like 'bench_hours_%'`.execute(db);
  const volunteers = (await db.selectFrom('accounts').select('id').where('username', 'like', 'bench_hours_%').execute()).map((r) => r.id);
  console.log(`generated ${volunteers.length} enrolled volunteers in ${Date.now() - started} ms`);

  const rows: (string | number | null)[][] = [];
  for (let round_ = 0; round_ < ROUNDS; round_++) {
    const serviceDate = dayFrom(app, -1 - round_);
    const records = volunteers.map((volunteerId, i) => ({
      volunteerId, serviceDate, startTime: i % 2 ? '22:00' : '09:00', endTime: i % 2 ? '02:00' : '12:30', hours: i % 2 ? 4 : 3.5,
    }));
    const t0 = process.hrtime.bigint();
    const res = await asUser(app, gc, { method: 'POST', url: `/api/v1/projects/${projectId}/hours`, payload: { records } });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (res.statusCode !== 201) throw new Error(`round ${round_ + 1}: ${res.statusCode} ${res.body.slice(0, 500)}`);
    rows.push([round_ + 1, serviceDate, res.json().created, round(ms, 0), ms < 3000 ? 'yes' : 'NO']);
  }
  printTable(`hours batch of ${RECORDS} records on PostgreSQL (whole request incl. commit)`, ['round', 'date', 'created', 'ms', '< 3 s'], rows);
  const total = await db.selectFrom('projects').select('total_hours').where('id', '=', projectId).executeTakeFirstOrThrow();
  console.log(`project total_hours: ${total.total_hours}`);
} finally {
  await t.close();
}
