/**
 * Browser test of 新账号激活 (seed 003) through the real server and the built web app: a system administrator
 * imports a volunteer (the account is created inactive), the person activates it with the SMS code read from
 * the dev outbox and signs in (375 px phone); and 通过管理员找回密码 (1280 px PC).
 *
 * Run: node --import tsx --test web/e2e/activation.test.ts
 * Uses the system Chromium (/usr/bin/chromium, or CHROMIUM_PATH); skips when there is none.
 * Set ZY_E2E_SHOTS=/some/dir to keep screenshots of every step.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  assertNoHorizontalOverflow,
  checkChar,
  codeFromOutboxPage,
  expectRulesMet,
  newContext,
  newPage,
  shot,
  signIn,
  skipWithoutChromium,
  useHarness,
} from './support.js';

const h = useHarness();

interface Imported {
  username: string;
  name: string;
  idNumber: string;
  phone: string;
}

/** Imports one volunteer as the bootstrap administrator, the way a site would bring in people registered elsewhere. */
async function importVolunteer(): Promise<Imported> {
  const { TEST_ADMIN, BROWSER, signIn: apiSignIn } = await import('../../test/helper.js');
  const app = h().testApp.app;
  const { cookie } = await apiSignIn(app, TEST_ADMIN.username, TEST_ADMIN.password);
  const first17 = '11010519851203' + String(500 + (Date.now() % 400));
  const person: Imported = {
    username: `act_${Date.now().toString(36)}`,
    name: '赵激活',
    idNumber: first17 + checkChar(first17),
    phone: `1360013${String(Date.now() % 10000).padStart(4, '0')}`,
  };
  const csv = ['姓名,证件号码,手机号,服务区域代码,用户名', `${person.name},${person.idNumber},${person.phone},110105,${person.username}`].join('\r\n');
  const created = await app.inject({
    method: 'POST',
    url: '/api/v1/imports',
    headers: { ...BROWSER, cookie },
    payload: { fileName: 'people.csv', contentBase64: Buffer.from(csv, 'utf8').toString('base64'), kind: 'volunteers', siteCode: '11' },
  });
  assert.equal(created.statusCode, 202, created.body);
  const { importId } = created.json() as { importId: string };
  for (let i = 0; i < 600; i++) {
    const res = await app.inject({ method: 'GET', url: `/api/v1/imports/${importId}`, headers: { ...BROWSER, cookie } });
    assert.equal(res.statusCode, 200, res.body);
    const job = res.json() as { status: string; created: number; refused: number; error: unknown };
    if (job.status === 'done') {
      assert.equal(job.created, 1, res.body);
      return person;
    }
    if (job.status === 'rejected' || job.status === 'failed') {
      const rows = await app.inject({ method: 'GET', url: `/api/v1/imports/${importId}/rows`, headers: { ...BROWSER, cookie } });
      assert.fail(`import ${job.status}: ${res.body} ${rows.body}`);
    }
    await sleep(100);
  }
  assert.fail('the import did not finish within a minute');
}

test('新账号激活 on a 375 px phone: SMS code from the outbox, set a password, sign in', { skip: skipWithoutChromium }, async () => {
  const person = await importVolunteer();
  const password = 'Jh5rT9wQ2x';
  const context = await newContext(h(), 375);
  const page = await newPage(context);
  try {
    // Imported accounts cannot sign in before activation.
    await page.goto('/login');
    await page.getByRole('link', { name: '账号激活' }).click();
    await page.waitForURL('**/activate');
    await page.getByText('由所在单位或团体统一导入的账号').waitFor();
    await assertNoHorizontalOverflow(page, 'activate');
    await shot(page, 'activate-phone-01-start');

    // A wrong name: the server's own words.
    await page.getByLabel('账号').fill(person.username);
    await page.getByLabel('姓名').fill('钱不对');
    await page.getByRole('button', { name: '下一步' }).click();
    await page.locator('[data-testid="problem"][data-code="NO_MATCH"]').waitFor();
    await shot(page, 'activate-phone-02-no-match');

    await page.getByLabel('姓名').fill(person.name);
    await page.getByRole('button', { name: '下一步' }).click();
    const sent = page.getByTestId('activation-sent');
    await sent.waitFor();
    assert.equal(await sent.locator('.ant-alert-title').innerText(), `验证码已发送到手机 ${person.phone.slice(0, 3)}****${person.phone.slice(7)}`);
    assert.equal(await page.getByTestId('activation-username').innerText(), person.username);
    // Resending waits 60 seconds.
    const resend = page.getByTestId('activation-resend');
    assert.ok(await resend.isDisabled());
    assert.match(await resend.innerText(), /^\d+秒$/);
    await shot(page, 'activate-phone-03-code-sent');

    // The tester reads the SMS on the /dev/outbox page in another tab.
    const outbox = await newPage(context);
    const code = await codeFromOutboxPage(outbox, person.phone, 'sms');
    await outbox.close();

    await page.getByLabel('验证码').fill(code);
    await page.getByLabel('设置密码').fill(password);
    await expectRulesMet(page);
    await page.getByLabel('确认密码').fill(password);
    await assertNoHorizontalOverflow(page, 'activate code step');
    await page.getByRole('button', { name: /^确\s*定$/ }).click();
    await page.getByTestId('activation-done').waitFor();
    assert.equal(await page.getByTestId('activation-done').innerText(), '激活成功，请使用新密码登录');
    await shot(page, 'activate-phone-04-done');

    await page.getByRole('link', { name: '去登录' }).click();
    await page.waitForURL('**/login?**');
    assert.equal(await page.getByLabel('账号').inputValue(), person.username);
    await signIn(page, person.phone, password);
    await page.getByTestId('home-username').waitFor();
    assert.equal(await page.getByTestId('home-username').innerText(), person.username);
    await shot(page, 'activate-phone-05-home');
  } finally {
    await context.close();
  }
});

test('通过管理员找回密码 on a 1280 px PC', { skip: skipWithoutChromium }, async () => {
  const context = await newContext(h(), 1280);
  const page = await newPage(context);
  try {
    await page.goto('/activate');
    await page.getByTestId('admin-request-open').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('提交后，所在单位的管理员会收到您的申请').waitFor();
    await dialog.getByLabel('账号/手机号').fill('13104040844');
    await dialog.getByLabel('姓名').fill('李洋');
    await shot(page, 'activate-pc-01-admin-request');
    await dialog.getByRole('button', { name: /^提\s*交$/ }).click();
    await page.getByTestId('admin-request-done').waitFor();
    assert.equal(await page.getByTestId('admin-request-done').innerText(), '已提交，请联系所在单位管理员完善信息后重新登录');
    await shot(page, 'activate-pc-02-admin-request-done');
  } finally {
    await context.close();
  }
});
