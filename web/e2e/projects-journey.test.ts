/**
 * Browser journey of issue 5 through the real server and the built web app, the volunteer on a 375 px phone:
 * a group publishes a project (API) → the volunteer finds it in /projects, enrols → the group approves (API) → the
 * volunteer picks a shift and sees it in 我的排班 → on the service day the volunteer opens the link the group's QR code
 * carries, signs in again (the session has expired) and lands back on /checkin?t=… → 签到成功 → two hours later
 * checks out by pasting the code → the group records hours from attendance (API) → the hours show on the home page and
 * in /me/hours → the volunteer asks for a correction and reports the record from the public listing (时长公示).
 * The group's console UI is tested on its own; here the group acts through the API.
 *
 * Run: ZY_WEB_OUT=/tmp/web-volunteer node --import tsx --test web/e2e/projects-journey.test.ts
 * Uses the system Chromium (/usr/bin/chromium, or CHROMIUM_PATH); skips when there is none.
 * Set ZY_E2E_SHOTS=/some/dir to keep screenshots of every step.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { seedGroup } from '../../test/groups.js';
import { asUser } from '../../test/helper.js';
import { dayFrom, publish } from '../../src/modules/projects/test-support.js';
import { chinaToday } from '../../src/modules/projects/status.js';
import {
  assertFitsPhone, assertNoHorizontalOverflow, checkChar, newContext, newPage, seedGroupSession, seedVerifiedVolunteer, shot, signIn,
  skipWithoutChromium, useHarness,
} from './support.js';

// A long idle timeout so two hours of service do not sign the volunteer out; the 12 h absolute limit stays, so
// moving to the next day does (and the check-in link has to survive signing in again).
const h = useHarness({ sessionIdleMinutes: 6 * 60 });

const stamp = Date.now().toString(36);
const HOUR = 3_600_000;

async function registerVolunteer() {
  const first17 = '11010519920315' + String(100 + (Date.now() % 800));
  const v = { username: `pj_${stamp}`, password: 'Zy7xQ2mP9k', name: '赵志愿' };
  const { id } = await seedVerifiedVolunteer(h(), {
    ...v, idNumber: first17 + checkChar(first17),
    phone: `1361234${String(Date.now() % 10000).padStart(4, '0')}`, email: `pj.${stamp}@example.com`,
  });
  return { id, ...v };
}

async function asGroup(cookie: string, method: 'GET' | 'POST', url: string, payload?: object) {
  const res = await asUser(h().testApp.app, cookie, { method, url: `/api/v1${url}`, ...(payload ? { payload } : {}) });
  assert.ok(res.statusCode < 300, `${method} ${url}: ${res.statusCode} ${res.body}`);
  return res.statusCode === 204 ? null : res.json();
}

async function menu(page: Page, label: string): Promise<void> {
  await page.getByTestId('menu-toggle').click();
  const drawer = page.getByRole('dialog');
  await drawer.getByRole('menuitem', { name: label }).click();
  await drawer.waitFor({ state: 'hidden' });
}

test('publish → enrol → check in/out → hours on the volunteer home page (375 px phone)', { skip: skipWithoutChromium }, async () => {
  const { app } = h().testApp;
  const clock = h().testApp.clock;
  // Start at 10:00 China time so the day's dates and the shift's times do not depend on when the test runs.
  const sinceMidnight = (clock.now.getTime() + 8 * HOUR) % (24 * HOUR);
  clock.advance((10 * HOUR - sinceMidnight + 24 * HOUR) % (24 * HOUR));

  const group = await seedGroup(app, { level: 'intermediate' });
  let gc = await group.signIn();
  const name = `社区助老${stamp}`;
  const serviceDay = dayFrom(app, 1);
  const { id: projectId } = await publish(app, gc, { name, startDate: serviceDay, endDate: dayFrom(app, 2) });
  const positions = await app.ctx.db.selectFrom('positions').select(['id', 'name']).where('project_id', '=', projectId).execute();
  const carer = positions.find((p) => p.name === '陪护')!.id;
  const v = await registerVolunteer();

  const context = await newContext(h(), 375);
  // Near the project's point (39.92, 116.44): the check-in sends it and the server checks the radius.
  await context.grantPermissions(['geolocation']);
  await context.setGeolocation({ latitude: 39.9205, longitude: 116.4405 });
  const page = await newPage(context);
  try {
    // Sign in: the home page shows the volunteer's figures, no hours yet.
    await page.goto('/login');
    await signIn(page, v.username, v.password);
    const total = page.getByTestId('home-total-hours');
    await total.waitFor();
    assert.equal(await total.getAttribute('data-hours'), '0');
    await assertFitsPhone(page, 'home before');

    // Find the project by name and open it.
    await menu(page, '志愿项目');
    await page.getByTestId('project-filters').waitFor();
    await page.getByTestId('filter-name').fill(name);
    await page.getByTestId('project-search').click();
    await page.waitForURL(/name=/);
    const card = page.getByTestId('project-card').filter({ hasText: name });
    await card.waitFor();
    assert.equal(await page.getByTestId('project-card').count(), 1);
    await shot(page, 'projects-01-search');
    await assertFitsPhone(page, 'project search');
    await card.getByTestId('project-link').click();
    await page.getByTestId('project-name').filter({ hasText: name }).waitFor();
    await page.getByTestId('project-point').waitFor();
    await assertFitsPhone(page, 'project detail');

    // Enrol in 陪护: the application waits for the group.
    const position = page.getByTestId('position').filter({ hasText: '陪护' });
    assert.match(await position.getByTestId('position-quota').innerText(), /已报名 0 \/ 名额 5/);
    await position.getByTestId('enrol').click();
    await page.getByTestId('pending-limit').filter({ hasText: '0/5' }).waitFor();
    await shot(page, 'projects-02-enrol');
    await page.getByTestId('enrol-submit').click();
    await page.getByText('报名已提交，请等待团体审核').waitFor();
    await page.locator('[data-testid="my-enrolment"][data-status="pending"]').waitFor();

    // The group approves and adds a shift on the service day, 09:30–12:00.
    await asGroup(gc, 'POST', `/projects/${projectId}/enrollments/${v.id}/decision`, { decision: 'approve' });
    const shift = (await asGroup(gc, 'POST', `/projects/${projectId}/shifts`, {
      positionId: carer, startsAt: `${serviceDay}T09:30:00+08:00`, endsAt: `${serviceDay}T12:00:00+08:00`, capacity: 5,
    })) as { id: string };

    // Accepted: the volunteer picks the shift.
    await page.reload();
    await page.locator('[data-testid="my-enrolment"][data-status="enrolled"]').waitFor();
    assert.match(await page.getByTestId('position').filter({ hasText: '陪护' }).getByTestId('position-quota').innerText(), /已报名 1 \/ 名额 5/);
    await page.getByRole('tab', { name: '班次' }).click();
    await page.getByTestId('pick-shift').click();
    await page.getByText('已加入班次').waitFor();
    await page.getByTestId('shift').getByText('已选择').waitFor();
    await shot(page, 'projects-03-shift');

    // Discussion board.
    await page.getByRole('tab', { name: '讨论' }).click();
    await page.getByTestId('discussion-body').fill('请问需要自带水杯吗？');
    await page.getByTestId('discussion-post').click();
    await page.getByTestId('discussion').filter({ hasText: '请问需要自带水杯吗？' }).waitFor();

    // 我的项目 and 我的排班 (with the calendar file).
    await menu(page, '我的项目');
    await page.getByTestId('my-project').filter({ hasText: name }).waitFor();
    await assertFitsPhone(page, 'my projects');
    await menu(page, '我的排班');
    await page.getByTestId('my-shift').filter({ hasText: name }).getByText('未签到').waitFor();
    await assertFitsPhone(page, 'my schedule');
    const ics = await page.request.get('/api/v1/me/schedule.ics');
    assert.equal(ics.status(), 200);
    assert.match(await ics.text(), /BEGIN:VCALENDAR[\s\S]*BEGIN:VEVENT/);

    // The service day, 10:00: yesterday's session has ended. The QR code carries /checkin?t=<token>.
    clock.advance(24 * HOUR);
    assert.equal(chinaToday(clock.now), serviceDay);
    gc = await group.signIn();
    const codeIn = (await asGroup(gc, 'GET', `/shifts/${shift.id}/qr?kind=check_in`)) as { token: string };
    const checkInPath = `/checkin?t=${encodeURIComponent(codeIn.token)}`;
    await page.goto(checkInPath);
    await page.waitForURL(/\/login$/);
    await signIn(page, v.username, v.password);
    await page.waitForURL((url) => url.pathname === '/checkin' && url.searchParams.get('t') === codeIn.token);
    const result = page.getByTestId('checkin-result');
    await result.waitFor();
    assert.equal(await result.getAttribute('data-outcome'), 'check_in', await result.innerText());
    assert.match(await result.innerText(), /签到成功[\s\S]*签到时间/);
    await shot(page, 'projects-04-checked-in');
    await assertFitsPhone(page, 'check-in');
    const seen = await app.ctx.db.selectFrom('attendance').select(['checked_in_at', 'checked_out_at']).where('account_id', '=', v.id).executeTakeFirstOrThrow();
    assert.equal(seen.checked_out_at, null);

    // Two hours later: check out with the code pasted (a camera app that does not open links).
    clock.advance(2 * HOUR);
    const codeOut = (await asGroup(gc, 'GET', `/shifts/${shift.id}/qr?kind=check_out`)) as { token: string };
    await page.getByRole('button', { name: '再扫一个码' }).click();
    await page.getByTestId('checkin-code').fill(`${h().baseUrl}/checkin?t=${encodeURIComponent(codeOut.token)}`);
    await page.getByTestId('checkin-submit').click();
    await page.locator('[data-testid="checkin-result"][data-outcome="check_out"]').getByText('签退成功').waitFor();
    await shot(page, 'projects-05-checked-out');

    // The check-in code from two hours ago has expired: the page says so and what to do.
    await page.goto(checkInPath);
    await page.locator('[data-testid="checkin-result"][data-code="QR_EXPIRED"]').getByText(/团体刷新二维码/).waitFor();

    // The group turns the attendance into a service record.
    const unrecorded = (await asGroup(gc, 'GET', `/projects/${projectId}/attendance/unrecorded`)) as { items: { attendanceId: string; volunteerId: string }[] };
    const mine = unrecorded.items.filter((i) => i.volunteerId === v.id);
    assert.equal(mine.length, 1);
    await asGroup(gc, 'POST', `/projects/${projectId}/hours/from-attendance`, { attendanceIds: mine.map((i) => i.attendanceId) });
    const record = await app.ctx.db.selectFrom('service_records').select(['id', 'hours', 'status']).where('project_id', '=', projectId)
      .where('account_id', '=', v.id).executeTakeFirstOrThrow();
    assert.equal(record.status, 'effective');
    const hours = Number(record.hours);
    assert.ok(hours > 1.9 && hours <= 2, `about two hours, got ${hours}`);
    const shown = String(Math.round(hours * 100) / 100);

    // The home page shows the hours and the recent record.
    await page.goto('/');
    await page.locator(`[data-testid="home-total-hours"][data-hours="${hours}"]`).getByText(shown).waitFor();
    await page.getByTestId('home-recent-hour').filter({ hasText: name }).waitFor();
    await page.getByTestId('home-project').filter({ hasText: name }).waitFor();
    await shot(page, 'projects-06-home');
    await assertFitsPhone(page, 'home after');

    // /me/hours lists the record; the volunteer asks for a correction.
    await page.getByTestId('home-my-hours').click();
    const row = page.locator(`[data-testid="my-hour"][data-hour-id="${record.id}"]`);
    await row.getByText(name).waitFor();
    await assertFitsPhone(page, 'my hours');
    await row.getByTestId('request-correction').click();
    await page.getByTestId('correction-reason').fill('实际从 9:30 开始服务');
    await page.getByLabel('开始时间').fill('09:30');
    await page.getByTestId('correction-submit').click();
    await page.getByText('更正申请已提交，请等待团体处理').waitFor();

    // The public listing (时长公示) shows the record with a masked name; the volunteer reports it.
    await page.goto(`/projects/${projectId}`);
    await page.getByRole('tab', { name: '时长公示' }).click();
    const listed = page.locator(`[data-testid="public-hour"][data-hour-id="${record.id}"]`);
    await listed.waitFor();
    assert.ok(!(await listed.innerText()).includes(v.name), 'the listing masks the name');
    await listed.getByTestId('report-hour').click();
    await page.getByTestId('report-reason').fill('记录的时长与实际不符');
    await page.getByTestId('report-submit').click();
    await page.getByText('举报已提交').waitFor();
    await shot(page, 'projects-07-reported');

    // Both requests are listed, pending.
    await page.goto('/me/hours?tab=requests');
    await page.locator('[data-testid="my-report"][data-status="pending"]').filter({ hasText: name }).waitFor();
    await page.locator('[data-testid="my-correction"][data-status="pending"]').filter({ hasText: name }).waitFor();
    await assertFitsPhone(page, 'my requests');
  } catch (err) {
    await shot(page, 'projects-failure');
    throw err;
  } finally {
    await context.close();
  }
});

test('on a 1280 px PC, anyone finds projects near them in a table and reads one', { skip: skipWithoutChromium }, async () => {
  const { app } = h().testApp;
  const { gc } = await seedGroupSession(h());
  const near = `附近助学${stamp}`;
  const far = `远处助学${stamp}`;
  // Beijing 朝阳区 (the default point) and 顺义区, about 28 km away.
  const { id: nearId } = await publish(app, gc, { name: near });
  await publish(app, gc, { name: far, regionCode: '110113', location: { lat: 40.13, lng: 116.65 } });

  const context = await newContext(h(), 1280);
  await context.grantPermissions(['geolocation']);
  await context.setGeolocation({ latitude: 39.93, longitude: 116.45 });
  const page = await newPage(context);
  try {
    await page.goto(`/projects?name=${encodeURIComponent(`助学${stamp}`)}`);
    const table = page.locator('.ant-table');
    await table.getByText(near).waitFor();
    await table.getByText(far).waitFor();

    await page.getByTestId('near-me').getByRole('button', { name: /附近的项目/ }).click();
    await page.waitForURL(/near=/);
    await page.getByRole('columnheader', { name: '距离' }).waitFor();
    await table.getByRole('row').filter({ hasText: near }).getByText(/(米|公里)$/).waitFor();
    await page.getByTestId('project-total').filter({ hasText: '共 1 个项目' }).waitFor();
    assert.equal(await table.getByText(far).count(), 0, 'the far project is outside 10 km');
    await shot(page, 'projects-pc-01-near');

    // A wider radius brings the far one back, nearest first.
    await page.getByLabel('搜索半径').click();
    await page.locator('.ant-select-dropdown:visible').getByText('50 公里内').click();
    await page.getByTestId('project-total').filter({ hasText: '共 2 个项目' }).waitFor();
    const names = await table.getByTestId('project-link').allInnerTexts();
    assert.deepEqual(names, [near, far]);

    // Signed out, the detail offers sign-in instead of enrolment.
    await table.getByTestId('project-link').filter({ hasText: near }).click();
    await page.waitForURL(`**/projects/${nearId}`);
    await page.getByTestId('position').first().getByRole('button', { name: '登录后报名' }).waitFor();
    await page.getByRole('tab', { name: '时长公示' }).click();
    await page.getByText('暂无公示的服务时长').waitFor();
    await assertNoHorizontalOverflow(page, 'project detail (PC)');
    await shot(page, 'projects-pc-02-detail');
  } finally {
    await context.close();
  }
});
