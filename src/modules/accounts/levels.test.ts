import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyRequest } from 'fastify';
import { createTestApp, volunteerBody, type TestApp } from '../../../test/helper.js';
import { levelAtLeast, requireRealNameLevel } from './levels.js';
import { AppError } from '../../platform/errors.js';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t.close(); });

test('levels are ordered none < basic < intermediate < advanced', () => {
  assert.ok(levelAtLeast('advanced', 'intermediate'));
  assert.ok(levelAtLeast('basic', 'basic'));
  assert.ok(!levelAtLeast('basic', 'intermediate'));
});

test('a route asking for a level refuses lower ones with the next step, and admits the level and above', async () => {
  const body = volunteerBody();
  const id = (await t.app.inject({ method: 'POST', url: '/api/v1/volunteers', payload: body })).json().id;
  const request = { auth: { sessionId: 's', kind: 'cookie', actingGroupId: null, account: { id, type: 'volunteer', username: body.username, siteCode: '11', displayName: body.name } } } as unknown as FastifyRequest;
  await assert.rejects(requireRealNameLevel(t.app.ctx, request, 'intermediate'), (e: unknown) =>
    e instanceof AppError && e.code === 'REALNAME_LEVEL_REQUIRED' && e.status === 403 && /实名认证/.test(e.title));
  await t.app.ctx.db.updateTable('people').set({ realname_status: 'verified' }).where('account_id', '=', id).execute();
  assert.equal((await requireRealNameLevel(t.app.ctx, request, 'intermediate')).me.realNameLevel, 'intermediate');
  await assert.rejects(requireRealNameLevel(t.app.ctx, request, 'advanced'), (e: unknown) => e instanceof AppError && /人脸核验/.test(e.title));
  await t.app.ctx.db.updateTable('people').set({ face_checked_at: new Date() }).where('account_id', '=', id).execute();
  assert.equal((await requireRealNameLevel(t.app.ctx, request, 'advanced')).me.realNameLevel, 'advanced');
  await assert.rejects(requireRealNameLevel(t.app.ctx, { auth: null } as unknown as FastifyRequest, 'basic'), (e: unknown) => e instanceof AppError && e.status === 401);
});
