import assert from 'node:assert/strict';
import { asUser, signIn, volunteerBody, type TestApp } from '../../../test/helper.js';
import { seedGroup } from '../../../test/groups.js';
import { dayFrom, publish } from '../projects/test-support.js';

/** Fixtures shared by the report and correction tests: verified volunteers, a running project, recorded hours. */
export function disputeFixtures(t: () => TestApp) {
  const app = () => t().app;
  const call = (cookie: string, method: 'GET' | 'POST', url: string, payload?: Record<string, unknown>) =>
    asUser(app(), cookie, { method, url: `/api/v1${url}`, ...(payload ? { payload } : {}) });

  async function volunteer(overrides: Record<string, unknown> = {}) {
    const body = volunteerBody(overrides);
    const res = await app().inject({ method: 'POST', url: '/api/v1/volunteers', payload: body });
    assert.equal(res.statusCode, 201, res.body);
    const account = await app().ctx.db.selectFrom('accounts').select('id').where('username', '=', body.username).executeTakeFirstOrThrow();
    await app().ctx.db.updateTable('people').set({ realname_status: 'verified' }).where('account_id', '=', account.id).execute();
    const { cookie } = await signIn(app(), body.username, body.password);
    return { ...body, id: account.id, cookie };
  }

  /** A project that ran from ten days ago to five days ahead, organised by a new group in 110105, with these volunteers enrolled. */
  async function project(enrolled: string[]) {
    const group = await seedGroup(app(), { level: 'intermediate' });
    const gc = await group.signIn();
    const { id } = await publish(app(), gc);
    const db = app().ctx.db;
    await db.updateTable('projects').set({ start_date: dayFrom(app(), -10), end_date: dayFrom(app(), 5) }).where('id', '=', id).execute();
    const position = (await db.selectFrom('positions').select('id').where('project_id', '=', id).executeTakeFirstOrThrow()).id;
    for (const accountId of enrolled) {
      await db.insertInto('enrollments').values({
        site_code: '11', project_id: id, account_id: accountId, position_id: position, status: 'enrolled', via: 'application', applied_at: new Date(),
      }).execute();
    }
    return { id, group, gc };
  }

  const row = (volunteerId: string, o: Record<string, unknown> = {}) =>
    ({ volunteerId, serviceDate: dayFrom(app(), -1), startTime: '09:00', endTime: '12:00', hours: 3, ...o });

  async function record(p: { id: string; gc: string }, rows: Record<string, unknown>[]): Promise<string[]> {
    const res = await call(p.gc, 'POST', `/projects/${p.id}/hours`, { records: rows });
    assert.equal(res.statusCode, 201, res.body);
    return res.json().ids;
  }

  const totals = async (accountId: string) =>
    Number((await app().ctx.db.selectFrom('volunteer_totals').select('effective_hours').where('account_id', '=', accountId).executeTakeFirst())?.effective_hours ?? 0);
  const projectTotal = async (id: string) => Number((await app().ctx.db.selectFrom('projects').select('total_hours').where('id', '=', id).executeTakeFirstOrThrow()).total_hours);
  const groupTotal = async (id: string) => Number((await app().ctx.db.selectFrom('groups').select('total_hours').where('id', '=', id).executeTakeFirstOrThrow()).total_hours);

  return { call, volunteer, project, row, record, totals, projectTotal, groupTotal, day: (n: number) => dayFrom(app(), n) };
}
