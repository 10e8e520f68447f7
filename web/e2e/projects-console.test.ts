/**
 * Browser test of the group's project console through the real server and the built web app (1280 px PC):
 * a group signs in → publishes a project with two positions through the form → approves a volunteer's enrolment →
 * creates a shift and assigns the volunteer → opens the QR display and sees the code (签到 and 签退) → records hours by
 * hand and sees them in the list; then the manage page at 375 px without sideways scrolling.
 *
 * Run: ZY_WEB_OUT=/tmp/web-console node --import tsx --test web/e2e/projects-console.test.ts
 * Uses the system Chromium (/usr/bin/chromium, or CHROMIUM_PATH); skips when there is none.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { asUser, signIn as apiSignIn } from '../../test/helper.js';
import { seedGroup } from '../../test/groups.js';
import { dayFrom, publish } from '../../src/modules/projects/test-support.js';
import {
  assertFitsPhone,
  newContext,
  newPage,
  seedGroupSession,
  seedVerifiedVolunteer,
  shot,
  signIn,
  skipWithoutChromium,
  useHarness,
} from './support.js';

const h = useHarness();

/** A registered volunteer whose real-name check passed (enrolment needs it), signed in through the API. */
async function volunteer(name: string) {
  const v = await seedVerifiedVolunteer(h(), { name });
  const { cookie } = await apiSignIn(h().testApp.app, v.username, v.password);
  return { id: v.id, name, cookie, idNumber: v.idNumber };
}

/** Opens an antd select/cascader by its label and clicks the option with this text. */
async function pick(page: Page, label: string, option: string, nth = 0): Promise<void> {
  await page.getByLabel(label, { exact: true }).nth(nth).click();
  const popup = page.locator('.ant-select-dropdown:visible, .ant-cascader-dropdown:visible').last();
  await popup.waitFor();
  await popup.getByText(option, { exact: true }).first().click();
}

test('a group publishes a project, reviews an enrolment, schedules, shows the QR code and records hours', { skip: skipWithoutChromium }, async () => {
  const app = h().testApp.app;
  const group = await seedGroup(app, { level: 'intermediate', name: '阳光助老服务队' });
  const today = dayFrom(app, 0);
  const projectName = '社区助老陪伴行动';

  const pc = await newContext(h(), 1280);
  const page = await newPage(pc);
  // 1. Sign in and publish through the form.
  await page.goto('/login');
  await signIn(page, group.username, group.password);
  await page.waitForURL('**/console');
  await page.getByTestId('console-tab-projects').click();
  await page.getByTestId('console-projects').waitFor();
  await page.getByTestId('publish-project').click();
  await page.getByTestId('project-publish-form').waitFor();

  await page.getByLabel('项目名称').fill(projectName);
  await pick(page, '项目区域', '朝阳区');
  await page.keyboard.press('Escape');
  await pick(page, '服务类别', '社区服务');
  await pick(page, '服务对象', '老年人');
  // Recruiting is before the start date: the project starts tomorrow.
  await page.getByLabel('开始日期', { exact: true }).fill(dayFrom(app, 1));
  await page.getByLabel('结束日期', { exact: true }).fill(dayFrom(app, 3));
  await page.getByLabel('详细地址').fill('北京市朝阳区某社区服务中心');
  await page.getByLabel('纬度').fill('39.92');
  await page.getByLabel('经度').fill('116.44');
  await page.getByLabel('项目介绍').fill('陪伴社区老人聊天，协助社区体检。');
  await page.getByLabel('岗位名称').nth(0).fill('陪护');
  await page.getByLabel('招募人数').nth(0).fill('5');
  await page.getByTestId('add-position').click();
  await page.getByLabel('岗位名称').nth(1).fill('引导');
  await page.getByLabel('招募人数').nth(1).fill('3');
  await page.getByLabel('岗位要求').nth(1).fill('熟悉社区道路');
  await shot(page, 'pconsole-01-publish-form');
  await page.getByTestId('publish-submit').click();

  await page.waitForURL(/\/console\/projects\/[0-9a-f-]{36}$/);
  const outcome = page.getByTestId('publish-outcome');
  await outcome.waitFor();
  assert.equal(await outcome.getAttribute('data-status'), 'recruiting', 'an intermediate group publishes without review');
  const projectId = new URL(page.url()).pathname.split('/').pop()!;
  const positions = await app.ctx.db.selectFrom('positions').select(['id', 'name', 'quota']).where('project_id', '=', projectId).execute();
  assert.deepEqual(positions.map((p) => `${p.name}:${p.quota}`).sort(), ['引导:3', '陪护:5']);
  await page.getByTestId('info-position').first().waitFor();
  await shot(page, 'pconsole-02-manage-info');

  // 2. A volunteer applies (API); the group approves in 报名审核.
  const vol = await volunteer('李志愿');
  const carer = positions.find((p) => p.name === '陪护')!;
  const applied = await asUser(app, vol.cookie, { method: 'POST', url: `/api/v1/projects/${projectId}/enrollments`, payload: { positionId: carer.id } });
  assert.equal(applied.statusCode, 201, applied.body);
  assert.equal(applied.json().status, 'pending');

  await page.getByTestId('manage-tab-enrollments').click();
  const application = page.locator('[data-testid="enrollment"][data-name="李志愿"]');
  await application.waitFor();
  await shot(page, 'pconsole-03-enrollments');
  await application.getByTestId('approve-enrollment').click();
  await application.waitFor({ state: 'detached' });
  const enrolment = await app.ctx.db.selectFrom('enrollments').select('status').where('project_id', '=', projectId).where('account_id', '=', vol.id).executeTakeFirstOrThrow();
  assert.equal(enrolment.status, 'enrolled');

  // 3. A shift on the first day, and the volunteer put on it.
  await page.getByTestId('manage-tab-shifts').click();
  await page.getByTestId('add-shift').click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('岗位').click();
  await page.locator('.ant-select-dropdown:visible').last().getByText('陪护', { exact: true }).click();
  await dialog.getByLabel('日期').fill(dayFrom(app, 1));
  await dialog.getByLabel('开始时间').fill('09:00');
  await dialog.getByLabel('结束时间').fill('12:00');
  await dialog.getByLabel('人数上限').fill('4');
  await page.getByTestId('shift-submit').click();
  const shift = page.getByTestId('shift').first();
  await shift.waitFor();
  assert.equal((await shift.getByTestId('shift-count').innerText()).replace(/\s/g, ''), '0/4人');
  // The select stays disabled until the enrolled volunteers have loaded.
  await shift.locator('[data-testid="assign-select"]:not(.ant-select-disabled)').click();
  await page.locator('.ant-select-dropdown:visible').last().getByText(/李志愿/).first().click();
  await shift.getByTestId('assign-submit').click();
  await shift.locator('[data-testid="shift-person"][data-name="李志愿"]').waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid="shift-count"]')?.textContent?.replace(/\s/g, '') === '1/4人');
  await shot(page, 'pconsole-04-shifts');
  const shiftId = (await shift.getAttribute('data-shift-id'))!;

  // 4. The QR display: a code image, a countdown, and the 签退 code on the toggle.
  await shift.getByTestId('open-qr').click();
  await page.waitForURL(`**/console/projects/${projectId}/shifts/${shiftId}/qr`);
  const qr = page.getByTestId('qr-image');
  await qr.waitFor();
  assert.match((await qr.getAttribute('src')) ?? '', /^data:image\/png;base64,/);
  assert.equal(await qr.getAttribute('data-kind'), 'check_in');
  await page.getByTestId('qr-countdown').filter({ hasText: /\d+ 秒后自动刷新/ }).waitFor();
  await page.getByTestId('qr-shift').filter({ hasText: '陪护' }).waitFor();
  await shot(page, 'pconsole-05-qr');
  await page.getByTestId('qr-kind').getByText('签退').click();
  await page.locator('[data-testid="qr-image"][data-kind="check_out"]').waitFor();

  // 5. Hours by hand entry, then in the records list. Hours are for days that have passed: let the project have
  //    started today (as if a day went by; the sessions would not survive moving the clock).
  await app.ctx.db.updateTable('projects').set({ start_date: today }).where('id', '=', projectId).execute();
  await page.goto(`/console/projects/${projectId}?tab=hours`);
  await page.getByTestId('hours-manual-tab').click();
  const row = page.getByTestId('hour-row').first();
  await row.getByLabel('志愿者').click();
  await page.locator('.ant-select-dropdown:visible').last().getByText(/李志愿/).first().click();
  await row.getByLabel('服务日期').fill(today);
  await row.getByLabel('开始时间').fill('09:00');
  await row.getByLabel('结束时间').fill('11:30');
  assert.equal(await row.getByLabel('时长（小时）').inputValue(), '2.50', 'the hours follow the times');
  await shot(page, 'pconsole-06-hours-manual');
  await page.getByTestId('hours-submit').click();
  const record = page.locator('[data-testid="record"][data-name="李志愿"]');
  await record.waitFor();
  assert.match(await record.innerText(), /2\.5/);
  await shot(page, 'pconsole-07-hours-list');
  const stored = await app.ctx.db.selectFrom('service_records').select(['hours', 'service_date']).where('project_id', '=', projectId).execute();
  assert.equal(stored.length, 1);
  assert.equal(Number(stored[0]!.hours), 2.5);

  // 6. A phone: every tab of the manage page fits 375 px.
  const phone = await newContext(h(), 375);
  await phone.addCookies(await pc.cookies());
  const pp = await newPage(phone);
  for (const tab of ['info', 'enrollments', 'shifts', 'attendance', 'hours', 'reports']) {
    await pp.goto(`/console/projects/${projectId}${tab === 'info' ? '' : `?tab=${tab}`}`);
    await pp.getByTestId('manage-project-name').waitFor();
    await pp.getByTestId(`manage-tab-${tab}`).waitFor();
    await pp.waitForLoadState('networkidle');
    await shot(pp, `pconsole-phone-${tab}`);
    await assertFitsPhone(pp, `manage page, ${tab}`);
  }
  await pp.goto('/console?tab=projects');
  await pp.locator('[data-testid="console-project"]').first().waitFor();
  await assertFitsPhone(pp, 'console projects tab');
  await pp.goto('/console/projects/new');
  await pp.getByTestId('project-publish-form').waitFor();
  await shot(pp, 'pconsole-phone-publish');
  await assertFitsPhone(pp, 'publish form');
  await pp.goto(`/console/projects/${projectId}/shifts/${shiftId}/qr`);
  await pp.getByTestId('qr-image').waitFor();
  await assertFitsPhone(pp, 'QR display');
  await phone.close();
  await pc.close();
});

/** A China-time date and HH:MM of an instant. */
function china(at: Date): { date: string; time: string } {
  const iso = new Date(at.getTime() + 8 * 3_600_000).toISOString();
  return { date: iso.slice(0, 10), time: iso.slice(11, 16) };
}

test('the group reviews, corrects attendance, records hours from attendance and a file, and decides reports', { skip: skipWithoutChromium }, async () => {
  const app = h().testApp.app;
  const { group, gc } = await seedGroupSession(h(), { name: '晨光志愿服务队' });
  const { id: projectId } = await publish(app, gc, { name: '周末助老行动', startDate: dayFrom(app, 1), endDate: dayFrom(app, 3) });
  const positions = Object.fromEntries(
    (await app.ctx.db.selectFrom('positions').select(['id', 'name']).where('project_id', '=', projectId).execute()).map((p) => [p.name, p.id]),
  ) as Record<string, string>;
  const call = (cookie: string, method: 'GET' | 'POST', url: string, payload?: Record<string, unknown>) =>
    asUser(app, cookie, { method, url: `/api/v1${url}`, ...(payload ? { payload } : {}) });

  const a = await volunteer('李甲');
  const b = await volunteer('王乙');
  const c = await volunteer('赵丙');
  for (const [v, position] of [[a, '陪护'], [b, '陪护'], [c, '引导']] as const) {
    const res = await call(v.cookie, 'POST', `/projects/${projectId}/enrollments`, { positionId: positions[position] });
    assert.equal(res.statusCode, 201, res.body);
  }
  for (const v of [a, b]) {
    const res = await call(gc, 'POST', `/projects/${projectId}/enrollments/${v.id}/decision`, { decision: 'approve' });
    assert.equal(res.statusCode, 200, res.body);
  }

  const pc = await newContext(h(), 1280);
  const page = await newPage(pc);
  await page.goto('/login');
  await signIn(page, group.username, group.password);
  await page.waitForURL('**/console');
  await page.getByTestId('console-tab-projects').click();
  await page.locator('[data-testid="console-project"][data-name="周末助老行动"]').waitFor();

  // 1. Reject an application with a reason.
  await page.goto(`/console/projects/${projectId}?tab=enrollments`);
  const cApp = page.locator('[data-testid="enrollment"][data-name="赵丙"]');
  await cApp.getByTestId('reject-enrollment').click();
  await page.getByTestId('reason-input').fill('该岗位已安排熟悉道路的志愿者');
  await page.getByTestId('reason-ok').click();
  await cApp.waitFor({ state: 'detached' });
  const rejected = await app.ctx.db.selectFrom('enrollments').select(['status', 'reason']).where('project_id', '=', projectId).where('account_id', '=', c.id).executeTakeFirstOrThrow();
  assert.deepEqual(rejected, { status: 'rejected', reason: '该岗位已安排熟悉道路的志愿者' });

  // 2. The project has been running since yesterday: a shift that ended half an hour ago, A checked out, B checked out
  //    automatically (flagged). Written straight to the database: scanning has its own tests.
  await app.ctx.db.updateTable('projects').set({ start_date: dayFrom(app, -1) }).where('id', '=', projectId).execute();
  const now = app.ctx.now().getTime();
  const startsAt = new Date(Math.floor((now - 3 * 3_600_000) / 60_000) * 60_000);
  const endsAt = new Date(Math.floor((now - 30 * 60_000) / 60_000) * 60_000);
  const shiftRes = await call(gc, 'POST', `/projects/${projectId}/shifts`, {
    positionId: positions['陪护'], startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString(), capacity: 5,
  });
  assert.equal(shiftRes.statusCode, 201, shiftRes.body);
  const shiftId = (shiftRes.json() as { id: string }).id;
  for (const v of [a, b]) assert.equal((await call(gc, 'POST', `/shifts/${shiftId}/assignments`, { accountId: v.id })).statusCode, 204);
  const checkIn = new Date(startsAt.getTime() + 10 * 60_000);
  await app.ctx.db.insertInto('attendance').values([
    { site_code: '11', shift_id: shiftId, account_id: a.id, checked_in_at: checkIn, checked_out_at: new Date(endsAt.getTime() - 60 * 60_000), check_out_kind: 'scan', shift_ends_at: endsAt },
    { site_code: '11', shift_id: shiftId, account_id: b.id, checked_in_at: checkIn, checked_out_at: endsAt, check_out_kind: 'auto', flagged: true, shift_ends_at: endsAt },
  ]).execute();

  await page.goto(`/console/projects/${projectId}?tab=attendance`);
  const bRow = page.locator('[data-testid="attendance-row"][data-name="王乙"]');
  await bRow.waitFor();
  assert.equal(await bRow.getAttribute('data-flagged'), 'true');
  assert.equal(await page.locator('[data-testid="attendance-row"][data-name="李甲"]').getAttribute('data-flagged'), 'false');
  await shot(page, 'pconsole-10-attendance');
  await bRow.getByTestId('correct-checkout').click();
  const out = china(new Date(endsAt.getTime() - 40 * 60_000));
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('签退日期').fill(out.date);
  await dialog.getByLabel('签退时间').fill(out.time);
  await dialog.getByLabel('原因').fill('志愿者忘记扫码签退，负责人现场确认');
  await page.getByTestId('correct-submit').click();
  await page.locator('[data-testid="attendance-row"][data-name="王乙"][data-flagged="false"]').waitFor();
  await bRow.getByText('已更正').waitFor();

  // 3. Hours from attendance: both rows ticked and recorded.
  await page.goto(`/console/projects/${projectId}?tab=hours`);
  await page.getByTestId('hours-attendance-tab').click();
  await page.getByTestId('unrecorded').nth(1).waitFor();
  await page.getByTestId('from-attendance').locator('thead input[type="checkbox"]').check();
  await page.getByTestId('from-attendance-submit').click();
  await page.locator('[data-testid="record"][data-name="李甲"]').waitFor();
  await page.locator('[data-testid="record"][data-name="王乙"]').waitFor();

  // 4. A file: a row in the future is refused with the row named; a good file is checked, then imported.
  await page.getByTestId('hours-import-tab').click();
  assert.match((await page.getByTestId('hours-template').getAttribute('href')) ?? '', /\/hours\/template\.xlsx$/);
  const csv = (rows: string[]) => ({
    name: 'hours.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(['证件号码,服务日期,开始时间,结束时间,时长(小时)', ...rows].join('\n'), 'utf8'),
  });
  await page.getByTestId('hours-file').setInputFiles(csv([`${a.idNumber},${dayFrom(app, 2)},08:00,09:00,1`]));
  await page.getByTestId('hours-check').click();
  const report = page.getByTestId('row-report');
  await report.waitFor();
  await report.getByText(/第 \d+ 行/).first().waitFor();
  await shot(page, 'pconsole-11-import-report');
  await page.getByTestId('hours-file').setInputFiles(csv([`${a.idNumber},${dayFrom(app, -1)},08:00,09:00,1`]));
  await page.getByTestId('hours-check').click();
  await page.getByTestId('import-checked').waitFor();
  await page.getByTestId('hours-import').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="record"]').length === 3);
  // Not the record made from attendance, which falls on the same China date when this runs soon after midnight there.
  const imported = await app.ctx.db.selectFrom('service_records').select(['id', 'hours']).where('project_id', '=', projectId)
    .where('account_id', '=', a.id).where('service_date', '=', dayFrom(app, -1)).where('attendance_id', 'is', null).executeTakeFirstOrThrow();
  assert.equal(Number(imported.hours), 1);

  // 5. A cover image.
  const sharp = (await import('sharp')).default;
  const png = await sharp({ create: { width: 64, height: 40, channels: 3, background: '#c00' } }).png().toBuffer();
  await page.goto(`/console/projects/${projectId}`);
  await page.getByTestId('cover-file').setInputFiles({ name: 'cover.png', mimeType: 'image/png', buffer: png });
  await page.getByTestId('cover-image').waitFor();

  // 6. A report (rejected) and a correction request (accepted).
  const reported = await call(b.cookie, 'POST', `/hours/${imported.id}/reports`, { reason: '当天没有看到该志愿者参加活动' });
  assert.equal(reported.statusCode, 201, reported.body);
  const asked = await call(a.cookie, 'POST', `/hours/${imported.id}/corrections`, { reason: '实际只服务了半小时', hours: 0.5 });
  assert.equal(asked.statusCode, 201, asked.body);
  await page.goto(`/console/projects/${projectId}?tab=reports`);
  const hourReport = page.getByTestId('hour-report').first();
  await hourReport.waitFor();
  await shot(page, 'pconsole-12-reports');
  await hourReport.getByTestId('reject-report').click();
  await page.getByTestId('reason-input').fill('经核实该志愿者当天在岗');
  await page.getByTestId('reason-ok').click();
  await hourReport.waitFor({ state: 'detached' });
  const correction = page.getByTestId('hour-correction').first();
  await correction.getByTestId('accept-correction').click();
  await page.getByTestId('reason-ok').click();
  await correction.waitFor({ state: 'detached' });
  const corrected = await app.ctx.db.selectFrom('service_records').select('hours').where('id', '=', imported.id).executeTakeFirstOrThrow();
  assert.equal(Number(corrected.hours), 0.5);

  // 7. Cancel the project with a reason.
  await page.getByTestId('manage-tab-info').click();
  await page.getByTestId('cancel-project').click();
  await page.getByTestId('reason-input').fill('因天气原因取消');
  await page.getByTestId('reason-ok').click();
  await page.locator('[data-testid="status-tag"][data-status="cancelled"]').first().waitFor();
  await pc.close();
});
