/**
 * Browser test of the group console's 表彰 tab and the project console's 讨论 tab (issue 6), through the real server and the
 * built web app. At 1280 px a group picks a joined member from its member list and grants a group-level commendation; the
 * same grant again shows the server's 409 title on the form; a second one is revoked with a reason. The group then hides a
 * post on its project's discussion board. At 375 px the volunteer sees the commendation in 我的表彰 (not the revoked one)
 * and the hidden post is gone from the project's board.
 *
 * Run: ZY_WEB_OUT=/tmp/web-comm node --import tsx --test web/e2e/commendations.test.ts
 * Uses the system Chromium (/usr/bin/chromium, or CHROMIUM_PATH); skips when there is none.
 * Set ZY_E2E_SHOTS=/some/dir to keep screenshots of every step.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { asUser, signIn as apiSignIn } from '../../test/helper.js';
import { dayFrom, publish } from '../../src/modules/projects/test-support.js';
import {
  assertNoHorizontalOverflow, checkChar, newContext, newPage, shot, signIn, skipWithoutChromium, seedGroupSession,
  seedVerifiedVolunteer, useHarness,
} from './support.js';

const h = useHarness();

const stamp = Date.now().toString(36);

async function registerVolunteer(name: string) {
  const first17 = '11010519900315' + String(100 + (Date.now() % 800));
  const v = { username: `cm_${stamp}`, password: 'Zy7xQ2mP9k', name };
  const { id } = await seedVerifiedVolunteer(h(), {
    ...v, idNumber: first17 + checkChar(first17),
    phone: `1365${String(Date.now() % 10_000_000).padStart(7, '0')}`, email: `cm.${stamp}@example.com`,
  });
  return { id, ...v };
}

async function grantThroughForm(page: Page, name: string, title: string, grantedOn: string, note?: string): Promise<void> {
  await page.getByTestId('commendation-grant').click();
  const form = page.getByTestId('commendation-form');
  await form.waitFor();
  await form.getByLabel('志愿者').click();
  await form.getByLabel('志愿者').fill(name);
  await page.locator('.ant-select-item-option').filter({ hasText: name }).click();
  await form.getByTestId('commendation-title').fill(title);
  await form.getByTestId('commendation-date').fill(grantedOn);
  if (note) await form.getByTestId('commendation-note').fill(note);
  await form.getByTestId('commendation-submit').click();
}

test('a group grants and revokes commendations and hides a discussion post (1280 px); the volunteer sees them (375 px)', { skip: skipWithoutChromium }, async () => {
  const { app } = h().testApp;
  const db = app.ctx.db;
  const v = await registerVolunteer('周表彰');
  const { group, gc } = await seedGroupSession(h(), { exemptPassword: 'Join2468' });
  const vc = (await apiSignIn(app, v.username, v.password)).cookie;

  // The volunteer joins the group (its 免审密码) and posts twice on the group's project board.
  const joined = await asUser(app, vc, { method: 'POST', url: `/api/v1/groups/${group.id}/members`, payload: { exemptPassword: 'Join2468' } });
  assert.equal(joined.statusCode, 201, joined.body);
  assert.equal((joined.json() as { status: string }).status, 'joined');
  const { id: projectId } = await publish(app, gc, { name: `社区敬老${stamp}` });
  const post = async (body: string) => {
    const r = await asUser(app, vc, { method: 'POST', url: `/api/v1/projects/${projectId}/discussions`, payload: { body } });
    assert.equal(r.statusCode, 201, r.body);
    return (r.json() as { id: string }).id;
  };
  const spamId = await post('加微信领取兼职返利');
  await post('请问周六几点集合？');

  const grantedOn = dayFrom(app, -3);
  const pcContext = await newContext(h(), 1280);
  const pc = await newPage(pcContext);
  try {
    await pc.goto('/login');
    await signIn(pc, group.username, group.password);
    await pc.getByTestId('console-group-name').waitFor();
    await pc.getByTestId('console-tab-commendations').click();
    await pc.waitForURL(/tab=commendations/);
    await pc.getByTestId('group-commendations').waitFor();
    await pc.getByText('暂无表彰记录').waitFor();

    // Grant: the member picked by name, group level (the only level a group may grant), a date and a note.
    await grantThroughForm(pc, v.name, '优秀志愿者', grantedOn, '全年服务 200 小时');
    const row = pc.locator(`[data-testid="group-commendation"][data-account-id="${v.id}"][data-status="active"]`);
    await row.waitFor();
    const said = await row.innerText();
    assert.match(said, /优秀志愿者/);
    assert.match(said, /团体级/);
    assert.match(said, new RegExp(grantedOn));
    assert.match(said, /全年服务 200 小时/);
    await shot(pc, 'commendation-01-granted');
    const stored = await db.selectFrom('commendations').select(['level', 'granted_on', 'status']).where('account_id', '=', v.id).execute();
    assert.equal(stored.length, 1);
    assert.equal(stored[0]!.level, 'group');
    assert.equal(stored[0]!.status, 'active');

    // The same grant again: the server's refusal, in Chinese, on the form; nothing new stored.
    await grantThroughForm(pc, v.name, '优秀志愿者', grantedOn);
    const problem = pc.getByTestId('commendation-form').getByTestId('problem');
    await problem.waitFor();
    assert.equal(await problem.getAttribute('data-code'), 'COMMENDATION_EXISTS');
    assert.match(await problem.innerText(), /同名、同日期/);
    await shot(pc, 'commendation-02-exists');
    await pc.getByRole('dialog').getByRole('button', { name: /取\s*消/ }).click();
    await pc.getByTestId('commendation-form').waitFor({ state: 'detached' });

    // A second commendation, revoked with a reason.
    await grantThroughForm(pc, v.name, '服务之星', grantedOn);
    const second = pc.locator('[data-testid="group-commendation"][data-status="active"]').filter({ hasText: '服务之星' });
    await second.waitFor();
    await second.getByTestId('commendation-revoke').click();
    await pc.getByTestId('reason-ok').click();
    await pc.getByRole('dialog').locator('.ant-form-item-explain-error').waitFor();
    await pc.getByTestId('reason-input').fill('信息录入有误');
    await pc.getByTestId('reason-ok').click();
    const revoked = pc.locator('[data-testid="group-commendation"][data-status="revoked"]');
    await revoked.waitFor();
    assert.match(await revoked.innerText(), /服务之星/);
    assert.match(await revoked.innerText(), /信息录入有误/);
    assert.equal(await pc.locator('[data-testid="group-commendation"]').count(), 2);
    await shot(pc, 'commendation-03-revoked');

    // 讨论 in the project console: both posts, the spam one hidden.
    await pc.goto(`/console/projects/${projectId}?tab=discussions`);
    await pc.getByTestId('discussions-pane').waitFor();
    const spam = pc.locator(`[data-testid="console-discussion"][data-id="${spamId}"]`);
    await spam.waitFor();
    assert.equal(await pc.getByTestId('console-discussion').count(), 2);
    assert.match(await spam.innerText(), /周\*/);
    await spam.getByTestId('discussion-hide').click();
    await pc.getByTestId('discussion-hide-ok').click();
    await spam.waitFor({ state: 'detached' });
    assert.equal(await pc.getByTestId('console-discussion').count(), 1);
    await shot(pc, 'discussion-01-hidden');
  } finally {
    await pcContext.close();
  }

  // The board no longer lists the hidden post; the row is kept (hidden, not deleted).
  const board = await app.inject({ method: 'GET', url: `/api/v1/projects/${projectId}/discussions` });
  assert.deepEqual((board.json() as { items: { body: string }[] }).items.map((d) => d.body), ['请问周六几点集合？']);

  const context = await newContext(h(), 375);
  const page = await newPage(context);
  try {
    await page.goto('/login');
    await signIn(page, v.username, v.password);
    await page.getByTestId('home-total-hours').waitFor();
    await page.goto('/me/commendations');
    const mine = page.getByTestId('my-commendation');
    await mine.first().waitFor();
    assert.equal(await mine.count(), 1, 'the revoked commendation is not shown');
    assert.equal(await mine.getAttribute('data-level'), 'group');
    const text = await mine.innerText();
    assert.match(text, /优秀志愿者/);
    assert.match(text, new RegExp(grantedOn));
    assert.match(text, /全年服务 200 小时/);
    await shot(page, 'volunteer-01-my-commendations');
    await assertNoHorizontalOverflow(page, 'my commendations');
  } finally {
    await context.close();
  }

  // The group's two tabs fit a phone too.
  const phone = await newContext(h(), 375);
  const gp = await newPage(phone);
  try {
    await gp.goto('/login');
    await signIn(gp, group.username, group.password);
    await gp.getByTestId('console-group-name').waitFor();
    await gp.goto('/console?tab=commendations');
    await gp.locator('[data-testid="group-commendation"]').nth(1).waitFor();
    await shot(gp, 'group-phone-01-commendations');
    await assertNoHorizontalOverflow(gp, 'console commendations');
    await gp.getByTestId('commendation-grant').click();
    await gp.getByTestId('commendation-form').waitFor();
    await shot(gp, 'group-phone-02-grant-form');
    await assertNoHorizontalOverflow(gp, 'grant form');
    await gp.goto(`/console/projects/${projectId}?tab=discussions`);
    await gp.getByTestId('console-discussion').waitFor();
    await shot(gp, 'group-phone-03-discussions');
    await assertNoHorizontalOverflow(gp, 'console discussions');
  } finally {
    await phone.close();
  }
});
