import assert from 'node:assert/strict';
import { asUser, signIn, volunteerBody, type TestApp } from '../../../test/helper.js';
import { seedGroup } from '../../../test/groups.js';
import { dayFrom, publish } from '../projects/test-support.js';

/** A registered, real-name verified volunteer (set directly: the demo registry does not know test people). */
export async function volunteer(t: TestApp) {
  const body = volunteerBody();
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/volunteers', payload: body });
  assert.equal(res.statusCode, 201, res.body);
  const account = await t.app.ctx.db.selectFrom('accounts').select('id').where('username', '=', body.username).executeTakeFirstOrThrow();
  await t.app.ctx.db.updateTable('people').set({ realname_status: 'verified' }).where('account_id', '=', account.id).execute();
  const { cookie } = await signIn(t.app, body.username, body.password);
  return { ...body, id: account.id, cookie };
}

export const call = (t: TestApp, cookie: string, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: Record<string, unknown>) =>
  asUser(t.app, cookie, { method, url: `/api/v1${url}`, ...(payload ? { payload } : {}) });

/** A published project (first day a week from today) of a fresh intermediate group, its positions by name. */
export async function project(t: TestApp, overrides: Record<string, unknown> = {}) {
  const group = await seedGroup(t.app, { level: 'intermediate' });
  const gc = await group.signIn();
  const { id } = await publish(t.app, gc, overrides);
  const rows = await t.app.ctx.db.selectFrom('positions').select(['id', 'name']).where('project_id', '=', id).execute();
  const positions = Object.fromEntries(rows.map((r) => [r.name, r.id])) as Record<string, string>;
  const firstDay = dayFrom(t.app, 7);
  /** An ISO instant on the project's first day (China time) at `hour` (may pass 24 into later days). */
  const at = (hour: number) => new Date(Date.parse(`${firstDay}T00:00:00+08:00`) + hour * 3_600_000).toISOString();
  return { id, group, gc, positions, at };
}

/** Enrols a volunteer directly (the enrolment flow has its own tests). */
export async function enrol(t: TestApp, projectId: string, positionId: string, accountId: string) {
  await t.app.ctx.db.insertInto('enrollments').values({
    site_code: '11', project_id: projectId, account_id: accountId, position_id: positionId, status: 'enrolled', via: 'application',
    applied_at: t.app.ctx.now(), decided_at: t.app.ctx.now(),
  }).execute();
}

export async function addShift(t: TestApp, gc: string, projectId: string, body: Record<string, unknown>) {
  const res = await call(t, gc, 'POST', `/projects/${projectId}/shifts`, body);
  assert.equal(res.statusCode, 201, res.body);
  return res.json() as { id: string };
}
