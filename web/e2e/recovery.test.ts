/**
 * Browser tests of account recovery through the real server and the built web app:
 * 找回用户名 (375 px phone), 忘记密码 by e-mail code read from the /dev/outbox page (1280 px PC),
 * and the e-mail's reset link (375 px phone).
 *
 * Run: node --import tsx --test web/e2e/recovery.test.ts
 * Uses the system Chromium (/usr/bin/chromium, or CHROMIUM_PATH); skips when there is none.
 * Set ZY_E2E_SHOTS=/some/dir to keep screenshots of every step.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertNoHorizontalOverflow,
  checkChar,
  codeFromOutboxPage,
  expectRulesMet,
  newContext,
  newPage,
  outboxApi,
  shot,
  signIn,
  skipWithoutChromium,
  useHarness,
} from './support.js';

const h = useHarness();

interface Volunteer {
  username: string;
  password: string;
  name: string;
  idNumber: string;
  phone: string;
  email: string;
}

let serial = 0;
/** Registers a volunteer through the API, as the registration page would. */
async function registerVolunteer(tag: string): Promise<Volunteer> {
  serial += 1;
  const first17 = `110105198807${String(10 + serial).padStart(2, '0')}${String(300 + serial)}`;
  const stamp = Date.now().toString(36);
  const v: Volunteer = {
    username: `rc_${tag}_${stamp}`,
    password: 'Zy7xQ2mP9k',
    name: '李找回',
    idNumber: first17 + checkChar(first17),
    phone: `1390013${String(1000 + serial * 7).slice(-4)}`,
    email: `${tag}.${stamp}@example.com`,
  };
  const res = await h().testApp.app.inject({
    method: 'POST',
    url: '/api/v1/volunteers',
    payload: {
      siteCode: '11',
      username: v.username,
      password: v.password,
      name: v.name,
      idType: 'resident_id',
      idNumber: v.idNumber,
      phone: v.phone,
      email: v.email,
      serviceRegionCode: '110105',
      serviceCategories: ['community'],
    },
  });
  assert.equal(res.statusCode, 201, res.body);
  return v;
}

test('找回用户名 on a 375 px phone', { skip: skipWithoutChromium }, async () => {
  const v = await registerVolunteer('u');
  const context = await newContext(h(), 375);
  const page = await newPage(context);
  try {
    await page.goto('/login');
    await page.getByTestId('login-links').waitFor();
    await shot(page, 'recover-phone-00-login-links');
    await page.getByTestId('login-links').getByRole('link', { name: '找回用户名' }).click();
    await page.waitForURL('**/recover');
    await page.getByRole('tab', { name: '找回用户名', selected: true }).waitFor();
    await assertNoHorizontalOverflow(page, 'recover');
    await shot(page, 'recover-phone-01-username-form');

    // A wrong phone: the server's title, and the way out through 自助服务.
    await page.getByLabel('姓名').fill(v.name);
    await page.getByLabel('证件号码').fill(v.idNumber);
    await page.getByLabel('手机/电话').fill('13700000000');
    await page.getByRole('button', { name: /^提\s*交$/ }).click();
    const problem = page.locator('[data-testid="problem"][data-code="NO_MATCH"]');
    await problem.waitFor();
    assert.match(await problem.innerText(), /未找到匹配的账号/);
    assert.ok(await problem.getByRole('link', { name: /自助服务/ }).isVisible());
    await shot(page, 'recover-phone-02-no-match');

    await page.getByLabel('手机/电话').fill(v.phone);
    await page.locator('form button[type="submit"]').click();
    const found = page.getByTestId('recovered-username');
    await found.waitFor();
    assert.equal(await found.innerText(), v.username);
    await page.getByText('请截图保存').waitFor();
    await assertNoHorizontalOverflow(page, 'username found');
    await shot(page, 'recover-phone-03-found');

    // Straight on to sign in, with the username filled in.
    await page.getByRole('link', { name: '去登录' }).click();
    await page.waitForURL('**/login?**');
    assert.equal(await page.getByLabel('账号').inputValue(), v.username);
  } finally {
    await context.close();
  }
});

test('忘记密码 by e-mail code read from the dev outbox page, on a 1280 px PC', { skip: skipWithoutChromium }, async () => {
  const v = await registerVolunteer('p');
  const newPassword = 'Rk4mW8tZ2q';
  const context = await newContext(h(), 1280);
  const page = await newPage(context);
  try {
    await page.goto('/login');
    // The development aid is linked from the footer outside production.
    await page.getByTestId('footer-dev-outbox').waitFor();
    await page.getByTestId('login-links').getByRole('link', { name: '忘记密码？' }).click();
    await page.waitForURL('**/recover?tab=password');
    await page.getByRole('tab', { name: '忘记密码', selected: true }).waitFor();
    await page.getByLabel('用户名').fill(v.username);
    await page.getByRole('textbox', { name: '注册邮箱' }).fill(v.email);
    await shot(page, 'recover-pc-01-forgot-form');
    await page.getByRole('button', { name: '发送验证码' }).click();
    const sent = page.getByTestId('reset-sent');
    await sent.waitFor();
    assert.match(await sent.innerText(), /密码重置邮件已经发送到您的邮箱：.+@example\.com，3小时内有效/);
    assert.ok(!(await sent.innerText()).includes(v.email), 'the address is shown masked');
    await shot(page, 'recover-pc-02-code-sent');

    // A tester reads the code on the /dev/outbox page in another tab.
    const outbox = await newPage(context);
    const code = await codeFromOutboxPage(outbox, v.email, 'email');
    await shot(outbox, 'recover-pc-03-outbox');
    await outbox.close();

    // A wrong code is refused on the code field.
    await page.getByLabel('验证码').fill(code === '000000' ? '111111' : '000000');
    await page.getByLabel('新密码', { exact: true }).fill(newPassword);
    await expectRulesMet(page);
    await page.getByLabel('确认新密码').fill(newPassword);
    await page.getByRole('button', { name: '重置密码' }).click();
    await page.getByText('验证码错误或已失效，请重新获取').waitFor();
    await shot(page, 'recover-pc-04-wrong-code');

    await page.getByLabel('验证码').fill(code);
    await page.getByRole('button', { name: '重置密码' }).click();
    await page.getByTestId('reset-done').waitFor();
    assert.equal(await page.getByTestId('reset-done').innerText(), '密码重置成功');
    await shot(page, 'recover-pc-05-done');

    await page.getByRole('link', { name: '去登录' }).click();
    await page.waitForURL('**/login?**');
    assert.equal(await page.getByLabel('账号').inputValue(), v.username);
    // The old password is gone; the new one signs in.
    await signIn(page, v.username, v.password);
    await page.locator('.ant-alert-error').waitFor();
    await signIn(page, v.username, newPassword);
    await page.getByTestId('home-username').waitFor();
    assert.equal(await page.getByTestId('home-username').innerText(), v.username);
    assert.equal(await page.getByTestId('realname-level').getAttribute('data-level'), 'none');
    await shot(page, 'recover-pc-06-home');
  } finally {
    await context.close();
  }
});

test('the e-mailed reset link on a 375 px phone', { skip: skipWithoutChromium }, async () => {
  const v = await registerVolunteer('l');
  const newPassword = 'Lp3nV7xK5w';
  const res = await h().testApp.app.inject({
    method: 'POST',
    url: '/api/v1/recovery/password',
    payload: { username: v.username, channel: 'email', email: v.email },
  });
  assert.equal(res.statusCode, 202, res.body);
  const [mail] = await outboxApi(h(), v.email);
  assert.ok(mail?.link, 'the message carries a link');
  const link = new URL(mail.link);
  assert.equal(link.pathname, '/recover/reset');

  const context = await newContext(h(), 375);
  const page = await newPage(context);
  try {
    // Open the link's path on this server (the link names the configured public address).
    await page.goto(link.pathname + link.search);
    await page.getByText('请按照密码强度规则设置新的登录密码。').waitFor();
    // The token does not stay in the address bar or the history.
    await page.waitForFunction(() => !window.location.search.includes('token'));
    assert.equal(new URL(page.url()).search, '');
    await assertNoHorizontalOverflow(page, 'reset link');
    await page.getByLabel('新密码', { exact: true }).fill(newPassword);
    await expectRulesMet(page);
    await page.getByLabel('确认新密码').fill(newPassword);
    await shot(page, 'recover-phone-04-link-form');
    await page.getByRole('button', { name: '重置密码' }).click();
    await page.getByTestId('reset-done').waitFor();
    await shot(page, 'recover-phone-05-link-done');
    await page.getByRole('link', { name: '去登录' }).click();
    await page.waitForURL('**/login**');
    await signIn(page, v.username, newPassword);
    await page.getByTestId('home-username').waitFor();
    assert.equal(await page.getByTestId('home-username').innerText(), v.username);

    // Used links say so instead of failing silently.
    await page.goto(link.pathname + link.search);
    await page.getByLabel('新密码', { exact: true }).fill('Zz9yX8wV7u');
    await page.getByLabel('确认新密码').fill('Zz9yX8wV7u');
    await page.getByRole('button', { name: '重置密码' }).click();
    await page.locator('[data-testid="problem"][data-code="RECOVERY_CODE_INVALID"]').waitFor();
    await shot(page, 'recover-phone-06-link-used');
  } finally {
    await context.close();
  }
});

test('自助服务 on a 375 px phone: identity, face photo, username, e-mail, password; an expired ticket starts again', { skip: skipWithoutChromium }, async () => {
  const v = await registerVolunteer('s');
  const pending = await registerVolunteer('q');
  await h().testApp.app.ctx.db.updateTable('people').set({ realname_status: 'verified' }).where('name', '=', v.name).where('email', '=', v.email).execute();
  const newPassword = 'Sf6hJ3kP8m';
  const newEmail = `new.${Date.now().toString(36)}@example.org`;
  const context = await newContext(h(), 375);
  const page = await newPage(context);
  try {
    await page.goto('/login');
    await page.getByRole('link', { name: '自助服务' }).click();
    await page.waitForURL('**/self-service');

    // Not yet verified: the seed's words.
    await page.getByLabel('姓名').fill(pending.name);
    await page.getByLabel('证件号码').fill(pending.idNumber);
    await page.getByRole('button', { name: '下一步' }).click();
    await page.getByText('未通过实名认证，无法使用自助服务').first().waitFor();
    await shot(page, 'self-phone-01-realname-required');

    await page.getByLabel('证件号码').fill(v.idNumber);
    await page.getByRole('button', { name: '下一步' }).click();
    await page.getByText('拍摄或选择人脸正面照片').waitFor();

    // A photo made by the browser itself (any decodable image will do for the development provider).
    const png = await page.evaluate(() => {
      const canvas = document.createElement('canvas');
      canvas.width = 240;
      canvas.height = 320;
      const g = canvas.getContext('2d')!;
      g.fillStyle = '#f3d2b5';
      g.fillRect(0, 0, 240, 320);
      g.fillStyle = '#333';
      g.beginPath();
      g.arc(120, 140, 70, 0, Math.PI * 2);
      g.stroke();
      return canvas.toDataURL('image/png').split(',')[1]!;
    });
    await page.getByTestId('face-photo-input').setInputFiles({ name: 'face.png', mimeType: 'image/png', buffer: Buffer.from(png, 'base64') });
    await page.getByTestId('face-photo-preview').waitFor();
    await assertNoHorizontalOverflow(page, 'face step');
    await page.getByRole('button', { name: '提交人脸核验' }).click();
    const result = page.getByTestId('face-result');
    await result.waitFor();
    assert.equal(await result.getAttribute('data-outcome'), 'pass');
    // The development provider says honestly that it compared nothing.
    assert.ok((await page.getByTestId('face-message').innerText()).length > 0);
    await shot(page, 'self-phone-02-face-pass');
    await page.getByRole('button', { name: '下一步' }).click();

    await page.getByTestId('self-service-account').waitFor();
    await page.getByRole('button', { name: '查看用户名' }).click();
    assert.equal(await page.getByTestId('self-service-username').innerText(), v.username);
    await assertNoHorizontalOverflow(page, 'self-service details');
    await shot(page, 'self-phone-03-details');

    await page.getByRole('button', { name: '修改邮箱' }).click();
    await page.getByLabel('新邮箱').fill(newEmail);
    await page.getByRole('dialog').getByRole('button', { name: /确\s*定/ }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await page.getByText(/^n\*\*\*.@example\.org$/).waitFor();

    await page.getByRole('button', { name: '修改用户名' }).click();
    await page.getByTestId('username-once').getByText('180天内，用户名仅允许修改一次').waitFor();
    await shot(page, 'self-phone-04-username-dialog');
    await page.getByRole('dialog').getByRole('button', { name: /取\s*消/ }).click();

    await page.getByRole('button', { name: '修改密码' }).click();
    await page.getByLabel('新密码', { exact: true }).fill(newPassword);
    await expectRulesMet(page);
    await page.getByLabel('确认新密码').fill(newPassword);
    await page.getByRole('dialog').getByRole('button', { name: /确\s*定/ }).click();
    await page.getByTestId('self-service-done').waitFor();
    assert.equal(await page.getByTestId('self-service-done').innerText(), '密码修改成功，请使用新密码登录');
    await shot(page, 'self-phone-05-password-changed');
    await page.getByRole('dialog').getByRole('button', { name: /完\s*成/ }).click();

    // 15 minutes later the ticket is gone: back to step 1 with the server's words.
    h().testApp.clock.advance(16 * 60_000);
    await page.getByRole('button', { name: '修改邮箱' }).click();
    await page.getByLabel('新邮箱').fill(`late.${newEmail}`);
    await page.getByRole('dialog').getByRole('button', { name: /确\s*定/ }).click();
    await page.getByTestId('ticket-notice').waitFor();
    assert.match(await page.getByTestId('ticket-notice').innerText(), /身份核验/);
    await shot(page, 'self-phone-06-ticket-expired');

    await page.goto('/login');
    await signIn(page, v.username, newPassword);
    await page.getByTestId('home-username').waitFor();
    assert.equal(await page.getByTestId('home-username').innerText(), v.username);
    await page.getByTestId('logout').click();
    await page.waitForURL('**/login');

    // 认证无结果 (orange): the home page sends the person to 自助服务.
    await h().testApp.app.ctx.db.updateTable('people').set({ realname_status: 'no_result' }).where('email', '=', pending.email).execute();
    await signIn(page, pending.username, pending.password);
    await page.getByTestId('realname-next').waitFor();
    assert.equal(await page.getByTestId('realname-status').getAttribute('data-status'), 'no_result');
    await shot(page, 'self-phone-07-home-no-result');
    await page.getByTestId('realname-self-service').click();
    await page.waitForURL('**/self-service');
  } finally {
    await context.close();
  }
});

test('recovery pages fit a 375 px phone and a 1280 px PC', { skip: skipWithoutChromium }, async () => {
  for (const width of [375, 1280]) {
    const context = await newContext(h(), width);
    const page = await newPage(context);
    try {
      for (const [path, text] of [
        ['/recover', '找回用户名或密码'],
        ['/recover?tab=password', '找回方式'],
        ['/recover/reset', '重置链接无效'],
        ['/activate', '新账号激活'],
        ['/self-service', '身份核验'],
        ['/dev/outbox', '消息发件箱（开发测试用）'],
      ] as const) {
        await page.goto(path);
        await page.getByText(text).first().waitFor();
        await assertNoHorizontalOverflow(page, `${path} at ${width}px`);
        await shot(page, `layout-${width}-${path.replace(/[^a-z]+/g, '-').replace(/^-|-$/g, '') || 'root'}`);
      }
    } finally {
      await context.close();
    }
  }
});
