/**
 * Browser tests of volunteer groups through the real server and the built web app:
 * register a group (375 px phone, SMS code from the dev outbox API) → the system administrator approves it in the
 * authority console (1280 px PC) → a volunteer finds it in /groups and applies (phone) → the group approves in its
 * console (PC) → 我的团体 已加入; a second volunteer joins at once with the 免审密码 (PC).
 *
 * Run: node --import tsx --test web/e2e/groups.test.ts
 * Uses the system Chromium (/usr/bin/chromium, or CHROMIUM_PATH); skips when there is none.
 * Set ZY_E2E_SHOTS=/some/dir to keep screenshots of every step.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import {
  assertFitsPhone,
  checkChar,
  expectRulesMet,
  newContext,
  newPage,
  outboxApi,
  seedVerifiedVolunteer,
  shot,
  signIn,
  skipWithoutChromium,
  useHarness,
} from './support.js';

const h = useHarness();

const stamp = Date.now().toString(36);
let serial = 0;

interface Volunteer {
  id: string;
  username: string;
  password: string;
}

/** Registers a volunteer through the API and marks the real-name check passed (joining a group needs it). */
async function registerVolunteer(tag: string): Promise<Volunteer> {
  serial += 1;
  const first17 = `110105199104${String(10 + serial).padStart(2, '0')}${String(500 + serial)}`;
  const v = { username: `gv_${tag}_${stamp}`, password: 'Zy7xQ2mP9k' };
  const { id } = await seedVerifiedVolunteer(h(), {
    ...v,
    name: '赵加入',
    idNumber: first17 + checkChar(first17),
    phone: `1391234${String(1000 + serial * 13).slice(-4)}`,
    email: `${tag}.${stamp}@example.com`,
  });
  return { id, ...v };
}

/** Picks the first option of the open antd select/cascader popup. */
async function pickFirstOption(page: Page, fieldLabel: string, optionText?: string): Promise<void> {
  await page.getByLabel(fieldLabel, { exact: true }).click();
  const popup = page.locator('.ant-select-dropdown:visible, .ant-cascader-dropdown:visible').last();
  await popup.waitFor();
  if (optionText) await popup.getByText(optionText, { exact: true }).first().click();
  else await popup.locator('.ant-select-item-option, .ant-cascader-menu-item').first().click();
}

const group = {
  name: `阳光志愿服务队${stamp}`,
  username: `grp_${stamp}`,
  password: 'Gp7xQ2mP9kw',
  contactPhone: '13987650123',
  exemptPassword: 'join2468',
};

async function groupId(): Promise<string> {
  const row = await h().testApp.app.ctx.db.selectFrom('groups').select('id').where('name', '=', group.name).executeTakeFirstOrThrow();
  return row.id;
}

async function logout(page: Page): Promise<void> {
  await page.evaluate(() => fetch('/api/v1/auth/logout', { method: 'POST', headers: { 'X-Requested-With': 'zhiyuan-web' } }));
}

test('a group registers, is approved, and volunteers join it (with review and with the exempt password)', { skip: skipWithoutChromium }, async () => {
  // 1. Group registration on a phone.
  const phone = await newContext(h(), 375);
  const pp = await newPage(phone);
  try {
    await pp.goto('/groups/register');
    await pp.getByTestId('site-list').getByRole('button', { name: '北京市' }).click();
    await pp.getByTestId('group-register-form').waitFor();
    await assertFitsPhone(pp, 'group register');
    await pp.getByLabel('团体名称').fill(group.name);
    await pickFirstOption(pp, '团体属地', '朝阳区');
    await pp.keyboard.press('Escape');
    await pickFirstOption(pp, '服务类别', '社区服务');
    await pp.keyboard.press('Escape');
    await pp.getByLabel('负责人姓名').fill('王负责');
    const leader17 = '11010519800101123';
    await pp.getByLabel('负责人身份证号码').fill(leader17 + checkChar(leader17));
    await pp.getByLabel('联系人姓名').fill('李联系');
    await pp.getByLabel('联系人手机号码').fill(group.contactPhone);
    await pp.getByTestId('send-sms-code').click();
    await pp.getByTestId('send-sms-code').getByText(/\d+秒/).waitFor();
    const sms = (await outboxApi(h(), group.contactPhone)).find((m) => m.channel === 'sms' && m.code);
    assert.ok(sms?.code, 'a contact SMS code in the dev outbox');
    await pp.getByLabel('短信验证码').fill(sms.code);
    await pp.getByLabel('电子邮箱').fill(`group.${stamp}@example.com`);
    await pp.getByLabel('用户名', { exact: true }).fill(group.username);
    await pp.getByLabel('登录密码', { exact: true }).fill(group.password);
    await expectRulesMet(pp);
    await pp.getByLabel('确认密码').fill(group.password);
    await pp.getByLabel('免审密码').fill(group.exemptPassword);
    await shot(pp, 'groups-phone-01-register-form');
    await pp.getByRole('button', { name: '提交注册' }).click();
    await pp.getByTestId('group-register-success').waitFor();
    assert.match(await pp.getByTestId('group-register-success').innerText(), /注册成功，等待登记机关或联络团体审核/);
    await assertFitsPhone(pp, 'group registered');
    await shot(pp, 'groups-phone-02-registered');
  } finally {
    await phone.close();
  }

  // 2. The system administrator approves it in the authority console (PC).
  const { TEST_ADMIN } = await import('../../test/helper.js');
  const pc = await newContext(h(), 1280);
  const page = await newPage(pc);
  try {
    await page.goto('/login');
    await signIn(page, TEST_ADMIN.username, TEST_ADMIN.password);
    await page.waitForURL((url) => !url.pathname.startsWith('/login'));
    await page.goto('/console/reviews');
    const item = page.locator(`[data-testid="review-item"][data-name="${group.name}"]`);
    await item.waitFor();
    await shot(page, 'groups-pc-03-reviews');
    await item.getByTestId('review-approve').click();
    await item.waitFor({ state: 'detached' });
    await logout(page);
  } finally {
    await pc.close();
  }

  // 3. A volunteer finds it in /groups and applies (phone).
  const alice = await registerVolunteer('a');
  const phone2 = await newContext(h(), 375);
  const vp = await newPage(phone2);
  try {
    await vp.goto('/login');
    await signIn(vp, alice.username, alice.password);
    await vp.waitForURL((url) => !url.pathname.startsWith('/login'));
    await vp.goto('/groups');
    await vp.getByTestId('filter-name').fill(group.name);
    await vp.getByTestId('group-search').click();
    const link = vp.getByTestId('group-link').filter({ hasText: group.name });
    await link.waitFor();
    await assertFitsPhone(vp, 'group search');
    await shot(vp, 'groups-phone-04-search');
    await link.click();
    await vp.getByTestId('group-name').filter({ hasText: group.name }).waitFor();
    await vp.getByTestId('join-group').click();
    await vp.getByTestId('join-submit').click();
    await vp.locator('[data-testid="join-result"][data-status="pending"]').waitFor();
    await assertFitsPhone(vp, 'group detail');
    await shot(vp, 'groups-phone-05-applied');

    // 4. The group approves the application in its console (PC).
    const gctx = await newContext(h(), 1280);
    const gp = await newPage(gctx);
    try {
      await gp.goto('/login?as=group');
      await signIn(gp, group.username, group.password);
      await gp.waitForURL('**/console');
      await gp.getByTestId('console-group-name').filter({ hasText: group.name }).waitFor();
      await gp.getByTestId('console-tab-members').click();
      const application = gp.locator(`[data-testid="application"][data-username="${alice.username}"]`);
      await application.waitFor();
      await shot(gp, 'groups-pc-06-console-members');
      await application.getByTestId('approve-member').click();
      await application.waitFor({ state: 'detached' });
      await gp.getByTestId('member-list').getByText(alice.username).waitFor();

      // 人员授权: the group makes her an operator (经办人), so she may act for it from its group space.
      await gp.getByTestId('console-tab-acting').click();
      const grant = gp.getByTestId('grant-form');
      await grant.getByLabel('用户名').fill(alice.username);
      await grant.getByRole('button', { name: /^授\s*权$/ }).click();
      await gp.getByTestId('acting-people').getByText(alice.username).waitFor();
      await shot(gp, 'groups-pc-06b-console-acting');
    } finally {
      await gctx.close();
    }

    // 5. 我的团体 → 已加入 (phone).
    await vp.goto('/me/groups');
    await vp.locator('[data-testid="my-group"][data-status="joined"]').getByText(group.name).waitFor();
    assert.equal(await vp.getByTestId('group-limit').innerText(), '1/20');
    await assertFitsPhone(vp, 'my groups');
    await shot(vp, 'groups-phone-07-my-groups');

    // 个人空间 → the group's space from the top bar: the console opens for the group, as 经办人.
    const switcher = vp.getByTestId('space-switcher');
    await switcher.waitFor();
    await assertFitsPhone(vp, 'top bar with the space switcher');
    await switcher.click();
    await vp.locator('.ant-select-dropdown:visible').getByText(group.name, { exact: true }).click();
    await vp.waitForURL('**/console');
    await vp.getByTestId('console-group-name').filter({ hasText: group.name }).waitFor();
    await vp.getByText('经办人').first().waitFor();
    assert.equal(await vp.getByTestId('console-tab-acting').count(), 0, 'an operator does not manage acting people');
    await assertFitsPhone(vp, 'console in a group space');
    await shot(vp, 'groups-phone-07b-group-space');
  } finally {
    await phone2.close();
  }

  // 6. Another volunteer joins at once with the exempt password (PC).
  const bob = await registerVolunteer('b');
  const pc2 = await newContext(h(), 1280);
  const bp = await newPage(pc2);
  try {
    await bp.goto('/login');
    await signIn(bp, bob.username, bob.password);
    await bp.waitForURL((url) => !url.pathname.startsWith('/login'));
    await bp.goto(`/groups?name=${encodeURIComponent(group.name)}`);
    await bp.getByTestId('group-link').filter({ hasText: group.name }).waitFor();
    await shot(bp, 'groups-pc-07c-search');
    await bp.getByTestId('group-link').filter({ hasText: group.name }).click();
    await bp.getByTestId('join-group').click();
    await bp.getByTestId('join-exempt-password').fill(group.exemptPassword);
    await bp.getByTestId('join-submit').click();
    await bp.locator('[data-testid="join-result"][data-status="joined"]').waitFor();
    // 留言: a message on the board shows at once, as text.
    const note = '感谢组织！<b>不是粗体</b>';
    await bp.getByTestId('comment-input').fill(note);
    await bp.getByTestId('comment-submit').click();
    await bp.getByTestId('comment-item').filter({ hasText: note }).waitFor();
    await shot(bp, 'groups-pc-08-joined');

    // 我要投诉: a complaint about the group goes to its inbox.
    await bp.getByTestId('complain-group').click();
    await bp.getByTestId('complaint-body').fill('活动通知发布太晚，希望改进。');
    await bp.getByTestId('complaint-submit').click();
    await bp.getByText('投诉已提交').first().waitFor();
    await bp.goto('/me/groups');
    await bp.locator('[data-testid="my-group"][data-status="joined"]').getByText(group.name).waitFor();
    await shot(bp, 'groups-pc-09-my-groups');
  } finally {
    await pc2.close();
  }

  // 7. The group on a phone: 投诉箱 (handle, batch delete) and 留言管理 (hide).
  const phone3 = await newContext(h(), 375);
  const gp3 = await newPage(phone3);
  try {
    await gp3.goto('/login?as=group');
    await signIn(gp3, group.username, group.password);
    await gp3.waitForURL('**/console');
    await gp3.goto('/console?tab=complaints');
    const complaint = gp3.locator('[data-testid="complaint"][data-status="new"]').filter({ hasText: '活动通知发布太晚' });
    await complaint.waitFor();
    await complaint.getByRole('button', { name: /^处\s*理$/ }).click();
    await gp3.getByLabel('处理说明').fill('已调整通知时间');
    await gp3.locator('.ant-modal-footer').getByRole('button', { name: /^处\s*理$/ }).click();
    await gp3.locator('[data-testid="complaint"][data-status="handled"]').waitFor();
    await assertFitsPhone(gp3, 'complaints inbox');
    await shot(gp3, 'groups-phone-10-complaints');
    await gp3.locator('[data-testid="complaint"] .ant-checkbox-input').first().check();
    await gp3.getByTestId('complaints-delete').click();
    await gp3.locator('.ant-modal-confirm').getByRole('button', { name: '批量删除' }).click();
    await gp3.getByText('投诉箱是空的').waitFor();

    await gp3.goto('/console?tab=board');
    const message = gp3.locator('[data-testid="board-item"][data-status="visible"]').first();
    await message.waitFor();
    await message.getByRole('button', { name: /^隐\s*藏$/ }).click();
    await gp3.locator('[data-testid="board-item"][data-status="hidden"]').waitFor();
    await shot(gp3, 'groups-phone-11-board');
  } finally {
    await phone3.close();
  }
  // Hidden messages are gone from the public board.
  const publicBoard = await h().testApp.app.inject({ method: 'GET', url: `/api/v1/groups/${await groupId()}/comments` });
  assert.equal((publicBoard.json() as { total: number }).total, 0);
});
