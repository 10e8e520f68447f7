/**
 * What the browser tests share: the real server (createTestApp, captcha off) serving the built web app,
 * the system Chromium, and small helpers. Same launch options as journey.test.ts.
 */
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { TestApp } from '../../test/helper.js';
import type { Config } from '../../src/platform/config.js';
import type { seedGroup } from '../../test/groups.js';

const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const projectRoot = path.resolve(webDir, '..');
// ZY_WEB_OUT lets two people run browser tests from one checkout without building over each other.
const distDir = process.env.ZY_WEB_OUT ? path.resolve(process.env.ZY_WEB_OUT) : path.join(projectRoot, 'dist', 'web');
const distIndex = path.join(distDir, 'index.html');
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const haveChromium = fs.existsSync(chromiumPath);
export const skipWithoutChromium = haveChromium ? false : `no Chromium at ${chromiumPath}`;
const shotsDir = process.env.ZY_E2E_SHOTS;

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless=new',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** GB 11643 check character for the first 17 digits. */
export function checkChar(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * weights[i]!;
  return '10X98765432'[sum % 11]!;
}

function newestMtime(target: string): number {
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of fs.readdirSync(target)) {
    if (entry === 'e2e' || entry === 'node_modules') continue;
    newest = Math.max(newest, newestMtime(path.join(target, entry)));
  }
  return newest;
}

/** The server serves dist/web: build it when it is missing or older than the sources. */
async function ensureWebBuilt(): Promise<void> {
  const built = fs.existsSync(distIndex) ? fs.statSync(distIndex).mtimeMs : 0;
  if (built && built >= newestMtime(webDir)) return;
  const { build } = await import('vite');
  await build({ configFile: path.join(webDir, 'vite.config.ts'), logLevel: 'warn' });
}

export interface Harness {
  browser: Browser;
  baseUrl: string;
  testApp: TestApp;
  close(): Promise<void>;
}

/** `overrides` adjust the server's config (e.g. a longer session for tests that move the clock). */
export async function startHarness(overrides: Partial<Config> = {}): Promise<Harness> {
  await ensureWebBuilt();
  const { createTestApp } = await import('../../test/helper.js');
  const testApp = await createTestApp({ captcha: 'off', ...overrides }, { webRoot: distDir });
  await testApp.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = testApp.app.server.address() as AddressInfo;
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
  return {
    browser,
    baseUrl: `http://127.0.0.1:${port}`,
    testApp,
    async close() {
      await browser.close();
      await testApp.close();
    },
  };
}

/**
 * Registers before/after hooks that start the harness (when there is Chromium) and close it again; call it at the top
 * level of a test file. The returned getter is only good inside tests, which skip without Chromium.
 */
export function useHarness(overrides: Partial<Config> = {}): () => Harness {
  let h: Harness | undefined;
  before(async () => {
    if (haveChromium) h = await startHarness(overrides);
  });
  after(async () => {
    await h?.close();
  });
  return () => h!;
}

/**
 * Registers a volunteer through the API and marks the real-name check passed directly (enrolment, joining a group and
 * certificates need it; the demo registry does not know test people). `fields` override the registration body.
 */
export async function seedVerifiedVolunteer(h: Harness, fields: Record<string, unknown> = {}) {
  const { volunteerBody } = await import('../../test/helper.js');
  const body = volunteerBody(fields);
  const { app } = h.testApp;
  const res = await app.inject({ method: 'POST', url: '/api/v1/volunteers', payload: body });
  assert.equal(res.statusCode, 201, res.body);
  const id = (res.json() as { id: string }).id;
  await app.ctx.db.updateTable('people').set({ realname_status: 'verified' }).where('account_id', '=', id).execute();
  return { ...body, id };
}

/** A group written into the database (intermediate unless `options` say otherwise) and its API session cookie. */
export async function seedGroupSession(h: Harness, options: Parameters<typeof seedGroup>[1] = {}) {
  const groups = await import('../../test/groups.js');
  const group = await groups.seedGroup(h.testApp.app, { level: 'intermediate', ...options });
  return { group, gc: await group.signIn() };
}

export async function newContext(h: Harness, width: number): Promise<BrowserContext> {
  const phone = width < 768;
  return h.browser.newContext({
    baseURL: h.baseUrl,
    viewport: { width, height: phone ? 780 : 900 },
    isMobile: phone,
    hasTouch: phone,
    locale: 'zh-CN',
  });
}

export async function newPage(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  // CI machines have two cores shared with the server under test: be patient rather than flaky.
  page.setDefaultTimeout(60_000);
  return page;
}

export async function shot(page: Page, name: string): Promise<void> {
  if (!shotsDir) return;
  fs.mkdirSync(shotsDir, { recursive: true });
  await page.screenshot({ path: path.join(shotsDir, `${name}.png`), fullPage: true });
}

/** Nothing sticks out sideways: no horizontal scrolling on a phone. */
export async function assertNoHorizontalOverflow(page: Page, where: string): Promise<void> {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  assert.ok(scrollWidth <= innerWidth, `${where}: page is ${scrollWidth}px wide in a ${innerWidth}px window`);
}

/** Nothing wider than the phone: with isMobile the layout viewport grows to fit the content, so compare with 375 px. */
export async function assertFitsPhone(page: Page, where: string): Promise<void> {
  await assertNoHorizontalOverflow(page, where);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 375, `${where}: page is ${width}px wide on a 375 px phone`);
}

/** Waits until the live password rules have all turned green. */
export async function expectRulesMet(page: Page): Promise<void> {
  await page.getByTestId('password-rules').first().locator('li[data-state="met"]').first().waitFor();
  await page.waitForFunction(
    () => {
      const box = document.querySelector('[data-testid="password-rules"]');
      if (!box) return false;
      const items = [...box.querySelectorAll('li')];
      return items.length >= 3 && items.every((li) => li.getAttribute('data-state') === 'met');
    },
    undefined,
    { timeout: 20_000 },
  );
}

export async function signIn(page: Page, identifier: string, password: string): Promise<void> {
  await page.getByText('志愿者登录').first().waitFor();
  await page.getByLabel('账号').fill(identifier);
  await page.getByLabel('密码', { exact: true }).fill(password);
  await page.locator('form button[type="submit"]').click();
}

/** Reads the newest code sent to an address through the /dev/outbox page, as a tester would. */
export async function codeFromOutboxPage(page: Page, to: string, channel: 'sms' | 'email'): Promise<string> {
  await page.goto('/dev/outbox');
  await page.getByLabel('邮箱或手机号').fill(to);
  await page.getByRole('button', { name: /^查\s*看$/ }).click();
  const item = page.locator(`[data-testid="outbox-item"][data-channel="${channel}"]`).first();
  await item.waitFor();
  const code = (await item.getByTestId('outbox-code').innerText()).trim();
  assert.match(code, /^\d{6}$/);
  return code;
}

/** The newest message to an address, through the API (what the /dev/outbox page shows). */
export async function outboxApi(h: Harness, to: string): Promise<{ channel: string; code: string | null; link: string | null; body: string }[]> {
  const res = await fetch(`${h.baseUrl}/api/v1/dev/outbox?to=${encodeURIComponent(to)}`);
  assert.equal(res.status, 200);
  return ((await res.json()) as { items: { channel: string; code: string | null; link: string | null; body: string }[] }).items;
}
