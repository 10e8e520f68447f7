/**
 * Browser journey through the real server and the built web app:
 * register a volunteer → sign in → change password → sign out → sign in with the new password → home,
 * once on a 375 px phone and once on a 1280 px PC.
 *
 * Run: node --import tsx --test web/e2e/journey.test.ts
 * Uses the system Chromium (/usr/bin/chromium, or CHROMIUM_PATH); skips when there is none.
 * Set ZY_E2E_SHOTS=/some/dir to keep screenshots of every step.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import {
  assertNoHorizontalOverflow, checkChar, expectRulesMet, newContext, newPage, shot, skipWithoutChromium, useHarness,
} from './support.js';

const harness = useHarness();

interface Volunteer {
  username: string;
  password: string;
  newPassword: string;
  name: string;
  idNumber: string;
  phone: string;
  email: string;
}

function volunteer(tag: string, seq: string, phone: string): Volunteer {
  const first17 = '11010519900307' + seq;
  return {
    username: `zy_${tag}_${Date.now().toString(36)}`,
    password: 'Zy7xQ2mP9k',
    newPassword: 'Hk5tR8wN3v',
    name: '王志愿',
    idNumber: first17 + checkChar(first17),
    phone,
    email: `${tag}.${Date.now().toString(36)}@example.com`,
  };
}

async function goViaMenu(page: Page, phone: boolean, label: string): Promise<void> {
  if (phone) {
    await page.getByTestId('menu-toggle').click();
    const drawer = page.getByRole('dialog');
    const item = drawer.getByRole('menuitem', { name: label });
    await item.waitFor();
    await shot(page, `phone-menu-${label}`);
    await item.click();
    await drawer.waitFor({ state: 'hidden' });
  } else {
    await page.locator('header').getByRole('menuitem', { name: label }).click();
  }
}

async function register(page: Page, v: Volunteer, tag: string): Promise<void> {
  await page.goto('/register');
  await page.getByText('选择所属省份').first().waitFor();
  await shot(page, `${tag}-01-choose-site`);
  await page.getByRole('button', { name: '北京市' }).click();
  await page.getByText('志愿者注册 · 北京市').waitFor();

  await page.getByLabel('用户名').fill(v.username);
  await page.getByLabel('密码', { exact: true }).fill('abc1234');
  // Live feedback: a weak password shows red crosses while typing.
  await page.getByTestId('password-rules').locator('li[data-state="unmet"]').first().waitFor();
  await page.getByLabel('密码', { exact: true }).fill(v.password);
  await expectRulesMet(page);
  await page.getByLabel('确认密码').fill(v.password);
  await page.getByLabel('姓名').fill(v.name);
  await page.getByLabel('证件号码').fill(v.idNumber);
  await page.getByLabel('手机号码').fill(v.phone);
  await page.getByLabel('电子邮箱').fill(v.email);

  // Service region: a lazy cascader that starts inside the chosen province (北京市 → 朝阳区, a county).
  await page.getByLabel('服务区域').click();
  await page.locator('.ant-cascader-menu-item', { hasText: '朝阳区' }).click();
  // Its towns load lazily as the next column.
  await page.locator('.ant-cascader-menu').nth(1).locator('.ant-cascader-menu-item').first().waitFor();
  await page.keyboard.press('Escape');
  await page.locator('.ant-select, .ant-cascader').filter({ hasText: '朝阳区' }).first().waitFor();

  await page.getByLabel('服务类别').click();
  await page.locator('.ant-select-item-option', { hasText: '社区服务' }).first().click();
  await page.keyboard.press('Escape');

  await page.getByLabel('个人特长').fill('摄影');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Escape');

  await shot(page, `${tag}-02-register-form`);
  if (tag === 'phone') await assertNoHorizontalOverflow(page, 'register form');
  await page.getByRole('button', { name: '申请成为实名注册志愿者' }).click();
  await page.getByText('注册申请已提交，实名认证一般需要1-2个工作日').waitFor();
  assert.match(await page.getByTestId('register-username').innerText(), new RegExp(v.username));
  await shot(page, `${tag}-03-registered`);
}

async function signIn(page: Page, identifier: string | null, password: string): Promise<void> {
  await page.getByText('志愿者登录').first().waitFor();
  if (identifier !== null) await page.getByLabel('账号').fill(identifier);
  await page.getByLabel('密码', { exact: true }).fill(password);
  await page.locator('form button[type="submit"]').click();
}

async function expectHome(page: Page, v: Volunteer): Promise<void> {
  await page.getByTestId('home-username').waitFor();
  assert.equal(new URL(page.url()).pathname, '/');
  assert.equal(await page.getByTestId('home-username').innerText(), v.username);
  assert.equal(await page.getByTestId('home-name').innerText(), v.name);
  assert.equal(await page.getByTestId('topbar-username').innerText(), v.username);
  assert.equal(await page.getByTestId('home-volunteer-number').innerText(), '待分配');
  const status = page.getByTestId('realname-status');
  assert.equal(await status.getAttribute('data-status'), 'pending');
  assert.equal(await status.innerText(), '等待认证');
  await page.getByText('实名认证一般需要1-2个工作日，请耐心等待。').waitFor();
}

async function journey(width: number, tag: string, v: Volunteer): Promise<void> {
  const phone = width < 768;
  const context = await newContext(harness(), width);
  const page = await newPage(context);
  try {
    // Signed out: a private page sends you to sign in.
    await page.goto('/me/password');
    await page.waitForURL('**/login');
    await page.getByText('志愿者登录').first().waitFor();
    assert.equal(await page.getByLabel('账号').getAttribute('placeholder'), '用户名/志愿者编号/身份证号码/手机号');
    if (phone) {
      // The menu lives in a drawer on phones.
      assert.equal(await page.locator('header .ant-menu').count(), 0);
      assert.ok(await page.getByTestId('menu-toggle').isVisible());
      await assertNoHorizontalOverflow(page, 'login');
    } else {
      assert.equal(await page.getByTestId('menu-toggle').count(), 0);
      assert.ok(await page.locator('header').getByRole('menuitem', { name: '志愿者注册' }).isVisible());
    }
    await shot(page, `${tag}-00-login`);

    await register(page, v, tag);

    // The success page links to sign-in with the username filled in.
    await page.getByRole('link', { name: '去登录' }).click();
    await page.waitForURL('**/login**');
    assert.equal(await page.getByLabel('账号').inputValue(), v.username);
    await signIn(page, null, v.password);
    await expectHome(page, v);
    if (phone) await assertNoHorizontalOverflow(page, 'home');
    await shot(page, `${tag}-04-home`);

    // Change the password.
    await goViaMenu(page, phone, '修改密码');
    await page.waitForURL('**/me/password');
    await page.getByLabel('原密码').fill(v.password);
    await page.getByLabel('新密码', { exact: true }).fill(v.newPassword);
    await expectRulesMet(page);
    await page.getByLabel('确认新密码').fill(v.newPassword);
    await page.locator('form button[type="submit"]').click();
    await page.getByTestId('password-changed').waitFor();
    await page.getByText('密码修改成功，其他设备上的登录已退出，请使用新密码登录。').waitFor();
    if (phone) await assertNoHorizontalOverflow(page, 'change password');
    await shot(page, `${tag}-05-password-changed`);

    // The session survives the change and is listed as the current one.
    await goViaMenu(page, phone, '登录设备');
    await page.waitForURL('**/me/sessions');
    const current = page.locator('[data-testid="session-item"][data-current="true"]');
    await current.waitFor();
    assert.match(await current.innerText(), /当前会话/);
    if (phone) await assertNoHorizontalOverflow(page, 'sessions');
    await shot(page, `${tag}-06-sessions`);

    // Sign out.
    await page.getByTestId('logout').click();
    await page.waitForURL('**/login');
    await page.getByText('志愿者登录').first().waitFor();
    assert.equal(await page.getByTestId('topbar-username').count(), 0);

    // The old password no longer works; the server's Chinese title is shown.
    await signIn(page, v.username, v.password);
    const alert = page.locator('.ant-alert-error');
    await alert.waitFor();
    assert.match(await alert.innerText(), /密码/);
    assert.equal(new URL(page.url()).pathname, '/login');
    await shot(page, `${tag}-07-old-password-refused`);

    // The new one does.
    await signIn(page, v.username, v.newPassword);
    await expectHome(page, v);
    await shot(page, `${tag}-08-home-again`);

    // Reloading keeps the session (the cookie is HttpOnly; the app asks /me).
    await page.reload();
    await expectHome(page, v);
  } finally {
    await context.close();
  }
}

test('volunteer journey on a 375 px phone', { skip: skipWithoutChromium }, async () => {
  await journey(375, 'phone', volunteer('p', '123', '13800138123'));
});

test('volunteer journey on a 1280 px PC', { skip: skipWithoutChromium }, async () => {
  await journey(1280, 'pc', volunteer('d', '145', '13800138145'));
});
