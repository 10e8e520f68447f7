/**
 * Browser test of issue 6's certificate and card pages through the real server and the built web app, on a 375 px
 * phone: a verified volunteer with effective hours (seeded through the API) issues a 志愿服务证明 on /me/certificates
 * (a second try meets the 3-hour rule), downloads the signed PDF, opens the public check page its QR code points to
 * (valid, the hours), uploads the genuine PDF (未被篡改) and a copy with one byte changed inside the signed range
 * (已被篡改); then uploads a photo on /me/card and sees the card's front and back drawn by the server.
 *
 * Run: ZY_WEB_OUT=/tmp/web-cert node --import tsx --test web/e2e/certificates.test.ts
 * Uses the system Chromium (/usr/bin/chromium, or CHROMIUM_PATH); skips when there is none.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { asUser } from '../../test/helper.js';
import { dayFrom, publish } from '../../src/modules/projects/test-support.js';
import {
  assertFitsPhone, assertNoHorizontalOverflow, checkChar, newContext, newPage, seedGroupSession, seedVerifiedVolunteer, shot, signIn,
  skipWithoutChromium, useHarness,
} from './support.js';

const h = useHarness();

const stamp = Date.now().toString(36);

/** A verified volunteer with a volunteer number and 3.5 effective hours in one project. */
async function seedVolunteerWithHours() {
  const { app } = h().testApp;
  const first17 = '11010519900101' + String(100 + (Date.now() % 800));
  const v = { username: `ce_${stamp}`, password: 'Zy7xQ2mP9k', name: '钱证明' };
  const { id } = await seedVerifiedVolunteer(h(), {
    ...v, idNumber: first17 + checkChar(first17),
    phone: `1371234${String(Date.now() % 10000).padStart(4, '0')}`, email: `ce.${stamp}@example.com`,
  });
  const db = app.ctx.db;
  await db.updateTable('volunteer_profiles').set({ volunteer_number: `11010520260${String(Date.now() % 100000).padStart(5, '0')}` }).where('account_id', '=', id).execute();

  const { gc } = await seedGroupSession(h());
  const { id: projectId } = await publish(app, gc, { name: `河道清洁${stamp}` });
  await db.updateTable('projects').set({ start_date: dayFrom(app, -10), end_date: dayFrom(app, 5) }).where('id', '=', projectId).execute();
  const position = (await db.selectFrom('positions').select('id').where('project_id', '=', projectId).executeTakeFirstOrThrow()).id;
  await db.insertInto('enrollments').values({
    site_code: '11', project_id: projectId, account_id: id, position_id: position, status: 'enrolled', via: 'application', applied_at: new Date(),
  }).execute();
  const rec = await asUser(app, gc, {
    method: 'POST',
    url: `/api/v1/projects/${projectId}/hours`,
    payload: { records: [{ volunteerId: id, serviceDate: dayFrom(app, -2), startTime: '08:00', endTime: '12:00', hours: 3.5 }] },
  });
  assert.equal(rec.statusCode, 201, rec.body);
  return v;
}

async function uploadPdf(page: Page, name: string, bytes: Buffer) {
  await page.getByTestId('upload-check').locator('input[type=file]').setInputFiles({ name, mimeType: 'application/pdf', buffer: bytes });
}

test('issue → download → public check → genuine and tampered PDF; the card with a photo (375 px phone)', { skip: skipWithoutChromium }, async () => {
  const v = await seedVolunteerWithHours();
  const context = await newContext(h(), 375);
  const page = await newPage(context);
  try {
    await page.goto('/login');
    await signIn(page, v.username, v.password);
    await page.getByTestId('home-total-hours').waitFor();

    // Through the menu to 志愿服务证明; issue one for the whole record.
    await page.getByTestId('menu-toggle').click();
    const drawer = page.getByRole('dialog');
    await drawer.getByRole('menuitem', { name: '志愿服务证明' }).click();
    await drawer.waitFor({ state: 'hidden' });
    await page.waitForURL(/\/me\/certificates$/);
    await page.getByTestId('issue-certificate').click();
    const item = page.getByTestId('my-certificate').first();
    await item.waitFor();
    const number = (await item.getAttribute('data-number'))!;
    assert.match(number, /^ZY11\d{8}[0-9A-Z]{9}$/);
    assert.equal(await item.getAttribute('data-status'), 'valid');
    assert.equal((await item.getByTestId('certificate-hours').innerText()).trim(), '3.5');
    await page.getByTestId('next-issue-at').waitFor();
    await assertFitsPhone(page, 'my certificates');

    // A second one within 3 hours: the rule's message, with when the next is possible.
    await page.getByTestId('issue-certificate').click();
    const problem = page.locator('[data-testid="problem"][data-code="CERTIFICATE_RATE_LIMITED"]');
    await problem.waitFor();
    assert.match(await problem.innerText(), /3 小时内只能开具一次/);
    assert.match(await problem.innerText(), /下次可开具时间/);
    assert.equal(await page.getByTestId('my-certificate').count(), 1);
    await shot(page, 'cert-01-issued');

    // Download: the browser saves the signed PDF.
    const [download] = await Promise.all([page.waitForEvent('download'), item.getByTestId('certificate-download').click()]);
    assert.equal(download.suggestedFilename(), `${number}.pdf`);
    const pdf = fs.readFileSync((await download.path())!);
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
    assert.ok(pdf.toString('latin1').includes('/ByteRange'), 'the PDF carries a signature');

    // The public check page (what the QR code opens), signed out in a fresh browser.
    const visitor = await newContext(h(), 375);
    const check = await newPage(visitor);
    try {
      await check.goto(`/certificates/${number}`);
      const state = check.getByTestId('certificate-state');
      await state.waitFor();
      assert.equal(await state.getAttribute('data-state'), 'valid');
      assert.equal(await check.getByTestId('certificate-total-hours').getAttribute('data-hours'), '3.5');
      assert.equal((await check.getByTestId('certificate-name').innerText()).trim(), '钱**');
      await assertFitsPhone(check, 'certificate check');

      // The genuine file: not altered.
      await uploadPdf(check, `${number}.pdf`, pdf);
      let verdict = check.getByTestId('verify-verdict');
      await verdict.waitFor();
      assert.equal(await verdict.getAttribute('data-signature'), 'valid');
      assert.match(await verdict.innerText(), /未被篡改/);
      await shot(check, 'cert-02-genuine');

      // One byte changed inside the signed range (before the signature value): altered.
      const [, b] = /\/ByteRange \[(\d+) (\d+) (\d+) (\d+)\]/.exec(pdf.toString('latin1'))!.slice(1).map(Number);
      const edited = Buffer.from(pdf);
      edited[Math.floor(b! / 2)] ^= 0x01;
      await uploadPdf(check, 'edited.pdf', edited);
      await check.locator('[data-testid="verify-verdict"][data-signature="modified"]').waitFor();
      verdict = check.getByTestId('verify-verdict');
      assert.match(await verdict.innerText(), /已被篡改/);
      await assertFitsPhone(check, 'certificate check after upload');
      await shot(check, 'cert-03-tampered');

      // An unknown number: the big "查无此证明".
      await check.goto(`/certificates/${number.slice(0, -3)}AAA`);
      await check.locator('[data-testid="certificate-state"][data-state="unknown"]').waitFor();
    } finally {
      await visitor.close();
    }

    // The same check on a PC (1280 px): the same answer, nothing sticking out.
    const desk = await newContext(h(), 1280);
    try {
      const pc = await newPage(desk);
      await pc.goto(`/certificates/${number}`);
      await pc.locator('[data-testid="certificate-state"][data-state="valid"]').waitFor();
      await assertNoHorizontalOverflow(pc, 'certificate check (PC)');
      await shot(pc, 'cert-05-check-pc');
    } finally {
      await desk.close();
    }

    // The volunteer card: no photo yet → guidance; upload a JPEG → the server's front and back.
    await page.goto('/me/card');
    await page.getByTestId('card-no-photo').waitFor();
    const jpeg = await sharp({ create: { width: 360, height: 480, channels: 3, background: { r: 120, g: 160, b: 210 } } }).jpeg().toBuffer();
    await page.locator('input[type=file][accept="image/jpeg,image/png"]').setInputFiles({ name: 'photo.jpg', mimeType: 'image/jpeg', buffer: jpeg });
    for (const side of ['front', 'back']) {
      const img = page.getByTestId(`card-${side}`);
      await img.waitFor();
      await page.waitForFunction((id) => {
        const el = document.querySelector(`[data-testid="${id}"]`) as HTMLImageElement | null;
        return !!el && el.complete && el.naturalWidth > 0;
      }, `card-${side}`);
    }
    const naturalWidth = await page.getByTestId('card-front').evaluate((el) => (el as HTMLImageElement).naturalWidth);
    assert.ok(naturalWidth > 600, `the front preview is the server's PNG (${naturalWidth}px wide)`);
    await page.getByTestId('card-photo').waitFor();
    await page.getByTestId('card-download-pdf').waitFor();
    await assertFitsPhone(page, 'card');
    await shot(page, 'cert-04-card');
  } finally {
    await context.close();
  }
});
