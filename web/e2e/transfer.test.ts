/**
 * Browser test of issue 6's volunteer pages through the real server and the built web app, on a 375 px phone:
 * a verified volunteer of the Beijing site moves their records to 广东省 · 广州市 · 天河区 through /me/transfer (province
 * and county pickers, confirm dialog), sees the new site there and again after signing in anew; then takes an online
 * exam a group published (API): start, a countdown, single/multiple/true-false questions, hand in, a pass with every
 * answer marked right, and the exam in 我的培训.
 * Then the group side at 1280 px: the group publishes an online course in its console's 培训 tab and rates a volunteer
 * in the project console's 评价 pane; that volunteer (375 px) sees the rating on the home page and reads the course to
 * completion.
 *
 * Run: ZY_WEB_OUT=/tmp/web-transfer node --import tsx --test web/e2e/transfer.test.ts
 * Uses the system Chromium (/usr/bin/chromium, or CHROMIUM_PATH); skips when there is none.
 * Set ZY_E2E_SHOTS=/some/dir to keep screenshots of every step.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { asUser } from '../../test/helper.js';
import { dayFrom, publish } from '../../src/modules/projects/test-support.js';
import {
  assertFitsPhone, checkChar, newContext, newPage, seedGroupSession, seedVerifiedVolunteer, shot, signIn, skipWithoutChromium,
  useHarness,
} from './support.js';

const h = useHarness();

const stamp = Date.now().toString(36);

async function registerVolunteer(n = 0, name = '钱转移') {
  const first17 = '11010519880612' + String(100 + ((Date.now() + n * 37) % 800));
  const v = { username: `tr${n}_${stamp}`, password: 'Zy7xQ2mP9k', name };
  const { id } = await seedVerifiedVolunteer(h(), {
    ...v, idNumber: first17 + checkChar(first17),
    phone: `137${n}234${String(Date.now() % 10000).padStart(4, '0')}`, email: `tr${n}.${stamp}@example.com`,
  });
  return { id, ...v };
}

async function menu(page: Page, label: string): Promise<void> {
  await page.getByTestId('menu-toggle').click();
  const drawer = page.getByRole('dialog');
  await drawer.getByRole('menuitem', { name: label }).click();
  await drawer.waitFor({ state: 'hidden' });
}

const BANK = [
  { type: 'single', text: '国际志愿者日是哪一天', options: ['3月5日', '12月5日', '6月1日'], answer: [1] },
  { type: 'multiple', text: '以下属于志愿者权利的有', options: ['获得培训', '获得保障', '收取报酬'], answer: [0, 1] },
  { type: 'true_false', text: '志愿服务时长可以转让给他人', answer: [1] },
] as const;

test('record transfer to another province and county, then an online exam passed (375 px phone)', { skip: skipWithoutChromium }, async () => {
  const { app } = h().testApp;
  const v = await registerVolunteer();
  const context = await newContext(h(), 375);
  const page = await newPage(context);
  try {
    await page.goto('/login');
    await signIn(page, v.username, v.password);
    await page.getByTestId('home-total-hours').waitFor();
    // The home page's evaluations card is there, empty for now.
    await page.getByTestId('home-evaluations').waitFor();

    // 记录转移: the current place is the Beijing site and 朝阳区.
    await menu(page, '记录转移');
    await page.waitForURL(/\/me\/transfer$/);
    const currentSite = page.getByTestId('transfer-current-site');
    await currentSite.waitFor();
    assert.equal(await currentSite.getAttribute('data-site'), '11');
    assert.match(await page.getByTestId('transfer-current-region').innerText(), /朝阳区/);
    await shot(page, 'transfer-01-current');
    await assertFitsPhone(page, 'transfer page');

    // Submitting without a choice names what is missing.
    await page.getByTestId('transfer-submit').click();
    await page.getByText('请选择转入省级分站').waitFor();

    // Pick 广东省, then 广州市 → 天河区 in the region cascader.
    await page.getByLabel('转入省级分站').click();
    await page.getByLabel('转入省级分站').fill('广东');
    await page.locator('.ant-select-item-option').filter({ hasText: '广东省' }).click();
    await page.getByLabel('转入服务区域').click();
    await page.locator('.ant-cascader-menu-item').filter({ hasText: /^广州市$/ }).click();
    await page.locator('.ant-cascader-menu-item').filter({ hasText: /^天河区$/ }).click();
    await page.keyboard.press('Escape');
    await page.getByTestId('transfer-reason').fill('工作调动到广州');
    await shot(page, 'transfer-02-chosen');
    await assertFitsPhone(page, 'transfer form filled');
    await page.getByTestId('transfer-submit').click();

    // The confirm dialog says where from, where to and what moves.
    const dialog = page.getByTestId('transfer-confirm-dialog');
    await dialog.waitFor();
    const said = await dialog.innerText();
    assert.match(said, /北京市/);
    assert.match(said, /广东省 · 广州市 \/ 天河区/);
    assert.match(said, /服务时长/);
    await shot(page, 'transfer-03-confirm');
    await assertFitsPhone(page, 'transfer confirm');
    await page.getByTestId('transfer-confirm').click();

    // The page now shows the new site and region, and the history has the move.
    // Site (from /me) and region (from /me/profile) reload separately: wait for both.
    await page.locator('[data-testid="transfer-current-site"][data-site="44"]').waitFor();
    await page.locator('[data-testid="transfer-current-region"][data-region="440106"]').waitFor();
    const item = page.getByTestId('transfer-item');
    await item.waitFor();
    assert.equal(await item.count(), 1);
    assert.equal(await item.getAttribute('data-to-region'), '440106');
    assert.match(await item.innerText(), /工作调动到广州/);
    await shot(page, 'transfer-04-done');

    // The server agrees: the account's home site and service region moved.
    const account = await app.ctx.db.selectFrom('accounts').select('site_code').where('id', '=', v.id).executeTakeFirstOrThrow();
    assert.equal(account.site_code, '44');

    // A second transfer right away is refused with the server's reason.
    await page.getByLabel('转入省级分站').click();
    await page.getByLabel('转入省级分站').fill('北京');
    await page.locator('.ant-select-item-option').filter({ hasText: '北京市' }).click();
    await page.getByLabel('转入服务区域').click();
    await page.locator('.ant-cascader-menu-item').filter({ hasText: /^东城区$/ }).click();
    await page.keyboard.press('Escape');
    await page.getByTestId('transfer-submit').click();
    await page.getByTestId('transfer-confirm').click();
    const problem = page.getByTestId('problem');
    await problem.waitFor();
    assert.equal(await problem.getAttribute('data-code'), 'TRANSFER_TOO_SOON');
    assert.match(await problem.innerText(), /30 天内只能转移一次/);
    assert.doesNotMatch(await problem.innerText(), /秒/);
    await page.getByTestId('transfer-next').waitFor();

    // Signing in anew lands on the new site.
    await context.clearCookies();
    await page.goto('/login');
    await signIn(page, v.username, v.password);
    await page.getByTestId('home-total-hours').waitFor();
    await page.goto('/me/transfer');
    await page.locator('[data-testid="transfer-current-site"][data-site="44"]').waitFor();
    await page.locator('[data-testid="transfer-current-region"][data-region="440106"]').waitFor();
    assert.match(await page.getByTestId('transfer-current-site').innerText(), /广东省/);
    assert.match(await page.getByTestId('transfer-current-region').innerText(), /天河区/);

    // A group publishes an online exam (API).
    const { gc } = await seedGroupSession(h());
    const title = `志愿者通用知识考试${stamp}`;
    const created = await asUser(app, gc, {
      method: 'POST',
      url: '/api/v1/trainings',
      payload: { kind: 'exam', title, description: '三道题，60 分及格', questions: BANK, questionCount: 3, timeLimitMinutes: 10, passMark: 60, maxAttempts: 2, retakeAfterHours: 1 },
    });
    assert.equal(created.statusCode, 201, created.body);
    const examId = (created.json() as { id: string }).id;

    // Find it in 培训学习 among the exams and open it.
    await menu(page, '培训学习');
    await page.getByTestId('training-filters').waitFor();
    await page.getByTestId('kind-exam').click();
    await page.waitForURL(/kind=exam/);
    const card = page.locator(`[data-testid="training-card"][data-id="${examId}"]`);
    await card.waitFor();
    await shot(page, 'exam-01-list');
    await assertFitsPhone(page, 'training list');
    await card.getByTestId('training-link').click();
    await page.getByTestId('exam-rules').waitFor();
    assert.match(await page.getByTestId('exam-rules').innerText(), /限时 10 分钟/);
    assert.match(await page.getByTestId('exam-rules').innerText(), /最多可参加 2 次/);
    await page.getByTestId('exam-start').click();

    // The sheet: a countdown and the three kinds of question.
    await page.getByTestId('exam-sheet').waitFor();
    assert.match(await page.getByTestId('exam-countdown').innerText(), /(09|10):\d\d/);
    const questions = page.getByTestId('exam-question');
    assert.equal(await questions.count(), 3);
    assert.deepEqual((await questions.evaluateAll((els) => els.map((e) => e.getAttribute('data-type')))).sort(), ['multiple', 'single', 'true_false']);
    await shot(page, 'exam-02-sheet');
    await assertFitsPhone(page, 'exam sheet');
    for (let i = 0; i < 3; i++) {
      const q = questions.nth(i);
      const text = await q.innerText();
      const bank = BANK.find((b) => text.includes(b.text))!;
      assert.ok(bank, `question ${text}`);
      for (const k of bank.answer) await q.getByTestId('exam-option').nth(k).click();
    }
    await page.getByTestId('exam-submit').click();
    await page.getByTestId('exam-submit-ok').click();

    // The result: passed with 100 and every question right.
    const result = page.getByTestId('exam-result');
    await result.waitFor();
    assert.equal(await result.getAttribute('data-passed'), 'true');
    assert.equal(await result.getAttribute('data-score'), '100');
    assert.deepEqual(await page.getByTestId('result-question').evaluateAll((els) => els.map((e) => e.getAttribute('data-correct'))), ['true', 'true', 'true']);
    await shot(page, 'exam-03-result');
    await assertFitsPhone(page, 'exam result');

    // Back on the exam's page: passed, no new attempt offered; 我的培训 lists it with the score.
    await page.getByRole('button', { name: '返回考试介绍' }).click();
    await page.getByTestId('exam-passed').waitFor();
    assert.equal(await page.getByTestId('exam-start').count(), 0);
    await menu(page, '我的培训');
    const mine = page.locator(`[data-testid="my-training"][data-id="${examId}"]`);
    await mine.waitFor();
    assert.match(await mine.getByTestId('my-training-score').innerText(), /100/);
    await shot(page, 'exam-04-mine');
    await assertFitsPhone(page, 'my trainings');

    // 我的表彰 opens (empty) from the menu.
    await menu(page, '我的表彰');
    await page.getByText('暂无表彰记录').waitFor();
  } finally {
    await context.close();
  }
});

test('a group publishes a course and rates a volunteer (1280 px); the volunteer reads it and sees the rating (375 px)', { skip: skipWithoutChromium }, async () => {
  const { app } = h().testApp;
  const db = app.ctx.db;
  const v = await registerVolunteer(1, '孙评价');
  const { group, gc } = await seedGroupSession(h());
  // A project that ran until yesterday, the volunteer enrolled and with hours recorded in it.
  const { id: projectId } = await publish(app, gc, { name: `河道清洁${stamp}` });
  await db.updateTable('projects').set({ start_date: dayFrom(app, -10), end_date: dayFrom(app, -1) }).where('id', '=', projectId).execute();
  const position = (await db.selectFrom('positions').select('id').where('project_id', '=', projectId).executeTakeFirstOrThrow()).id;
  await db.insertInto('enrollments').values({
    site_code: '11', project_id: projectId, account_id: v.id, position_id: position, status: 'enrolled', via: 'application', applied_at: new Date(),
  }).execute();
  const hours = await asUser(app, gc, {
    method: 'POST', url: `/api/v1/projects/${projectId}/hours`,
    payload: { records: [{ volunteerId: v.id, serviceDate: dayFrom(app, -2), startTime: '09:00', endTime: '12:00', hours: 3 }] },
  });
  assert.equal(hours.statusCode, 201, hours.body);

  const pcContext = await newContext(h(), 1280);
  const pc = await newPage(pcContext);
  const courseTitle = `志愿服务基础课程${stamp}`;
  let courseId = '';
  try {
    await pc.goto('/login');
    await signIn(pc, group.username, group.password);
    await pc.getByTestId('console-group-name').waitFor();
    await pc.goto('/console?tab=trainings');
    await pc.getByTestId('training-publish').click();
    const form = pc.getByTestId('training-publish-form');
    await form.waitFor();
    await form.getByText('在线课程', { exact: true }).click();
    await form.locator('#title').fill(courseTitle);
    await form.locator('#description').fill('两页，读完即完成');
    await form.locator('#pages_0_title').fill('什么是志愿服务');
    await form.locator('#pages_0_body').fill('志愿服务是自愿、无偿向社会或者他人提供的公益服务。');
    await form.getByRole('button', { name: /添加一页/ }).click();
    await form.locator('#pages_1_title').fill('志愿者的权利');
    await form.locator('#pages_1_body').fill('志愿者可以获得培训、获得保障。');
    await shot(pc, 'group-01-publish-course');
    await pc.getByTestId('training-publish-submit').click();
    await pc.getByTestId('group-training').filter({ hasText: courseTitle }).waitFor();
    const course = await db.selectFrom('trainings').select(['id', 'kind']).where('title', '=', courseTitle).executeTakeFirstOrThrow();
    assert.equal(course.kind, 'course');
    courseId = course.id;

    // 评价: the volunteer with hours is listed; rate four stars with a comment.
    await pc.goto(`/console/projects/${projectId}?tab=evaluations`);
    const row = pc.locator(`[data-testid="evaluation-row"][data-account-id="${v.id}"]`);
    await row.waitFor();
    await row.getByTestId('evaluate').click();
    const dialog = pc.getByRole('dialog');
    await dialog.locator('.ant-rate-star').nth(3).click();
    await dialog.getByTestId('evaluation-comment').fill('服务认真，守时');
    await dialog.getByTestId('evaluation-save').click();
    await pc.locator(`[data-testid="evaluation-row"][data-account-id="${v.id}"][data-rating="4"]`).waitFor();
    await shot(pc, 'group-02-evaluated');
  } finally {
    await pcContext.close();
  }

  const context = await newContext(h(), 375);
  const page = await newPage(context);
  try {
    await page.goto('/login');
    await signIn(page, v.username, v.password);
    const evaluation = page.getByTestId('home-evaluation');
    await evaluation.waitFor();
    assert.equal(await evaluation.getAttribute('data-rating'), '4');
    assert.match(await evaluation.innerText(), /服务认真，守时/);
    assert.match(await evaluation.innerText(), new RegExp(`河道清洁${stamp}`));
    assert.equal(await page.getByTestId('home-evaluation-average').getAttribute('data-average'), '4');
    await shot(page, 'volunteer-01-home-evaluation');
    await assertFitsPhone(page, 'home with evaluation');

    // The course, page by page: opening each page counts it read; the last completes the course.
    await page.goto('/trainings?kind=course');
    const card = page.locator(`[data-testid="training-card"][data-id="${courseId}"]`);
    await card.waitFor();
    await card.getByTestId('training-link').click();
    await page.locator('[data-testid="course-page"][data-n="1"]').waitFor();
    await page.locator('[data-testid="course-progress"][data-read="1"]').waitFor();
    assert.equal(await page.getByTestId('course-progress').getAttribute('data-total'), '2');
    assert.equal(await page.getByTestId('course-completed').count(), 0);
    await assertFitsPhone(page, 'course page 1');
    await page.getByTestId('course-next').click();
    await page.locator('[data-testid="course-page"][data-n="2"]').waitFor();
    await page.getByTestId('course-completed').waitFor();
    assert.equal(await page.getByTestId('course-progress').getAttribute('data-read'), '2');
    await shot(page, 'volunteer-02-course-done');
    await page.goto('/me/trainings');
    await page.locator(`[data-testid="my-training"][data-id="${courseId}"][data-kind="course"]`).waitFor();
  } finally {
    await context.close();
  }
});
