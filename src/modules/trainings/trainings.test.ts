import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { asUser, createTestApp, signIn, TEST_ADMIN, type TestApp } from '../../../test/helper.js';
import { seedGroup } from '../../../test/groups.js';
import { volunteer } from '../schedules/test-support.js';
import { scoreAnswers, type BankQuestion } from './exam.js';

let t: TestApp;
// Exams and trainings move the clock by hours; sessions would otherwise end after 30 idle minutes.
before(async () => { t = await createTestApp({ sessionIdleMinutes: 24 * 60, sessionAbsoluteHours: 24 * 30 }); });
after(async () => { await t.close(); });

const HOUR = 3_600_000;
const call = (cookie: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
  asUser(t.app, cookie, { method, url: `/api/v1${url}`, ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}) });
const inHours = (h: number) => new Date(t.clock.now.getTime() + h * HOUR).toISOString();

function offlineBody(overrides: Record<string, unknown> = {}) {
  return {
    kind: 'offline', title: '应急救护培训', siteCode: '11', regionCode: '110105', startsAt: inHours(2), endsAt: inHours(4),
    address: '北京市朝阳区某街道活动室', capacity: 3, description: '心肺复苏与止血包扎', ...overrides,
  };
}

const BANK = [
  { type: 'single', text: '志愿服务的原则不包括', options: ['自愿', '无偿', '营利', '平等'], answer: [2] },
  { type: 'single', text: '国际志愿者日是', options: ['3月5日', '12月5日'], answer: [1] },
  { type: 'multiple', text: '以下属于志愿者权利的有', options: ['获得培训', '获得保障', '收取报酬'], answer: [0, 1] },
  { type: 'multiple', text: '心肺复苏包括', options: ['胸外按压', '开放气道', '人工呼吸', '喂水'], answer: [0, 1, 2] },
  { type: 'true_false', text: '志愿服务时长可以转让', answer: [1] },
  { type: 'true_false', text: '志愿者应遵守服务规范', answer: [0] },
];

function examBody(overrides: Record<string, unknown> = {}) {
  return {
    kind: 'exam', title: '志愿者通用知识考试', questions: BANK, questionCount: 6, timeLimitMinutes: 10, passMark: 60,
    maxAttempts: 3, retakeAfterHours: 1, ...overrides,
  };
}

/** Answers to an attempt's questions: right ones, except those whose text maps to a given (wrong) choice. */
function answersFor(questions: { id: string; text: string }[], wrong: Record<string, number[]> = {}) {
  return Object.fromEntries(questions.map((q) => [q.id, wrong[q.text] ?? BANK.find((b) => b.text === q.text)!.answer]));
}

test('scoring: single, multiple all-or-nothing, true/false, unanswered; pass compares exactly', () => {
  const qs: BankQuestion[] = [
    { id: 'a', type: 'single', text: '', options: ['x', 'y'], answer: [1] },
    { id: 'b', type: 'multiple', text: '', options: ['x', 'y', 'z'], answer: [0, 2] },
    { id: 'c', type: 'true_false', text: '', options: ['正确', '错误'], answer: [0] },
  ];
  assert.deepEqual(scoreAnswers(qs, { a: [1], b: [2, 0], c: [0] }, 100), {
    results: [{ id: 'a', chosen: [1], correct: true }, { id: 'b', chosen: [0, 2], correct: true }, { id: 'c', chosen: [0], correct: true }],
    correctCount: 3, score: 100, passed: true,
  });
  const partial = scoreAnswers(qs, { a: [0], b: [0] }, 34);
  assert.deepEqual(partial.results.map((r) => r.correct), [false, false, false]);
  assert.equal(scoreAnswers(qs, { a: [1], b: [0, 1, 2], c: [0] }, 67).results[1]!.correct, false, 'a superset is wrong too');
  const two = scoreAnswers(qs, { a: [1], c: [0] }, 67);
  assert.equal(two.score, 67);
  assert.equal(two.passed, false, '2/3 is below 67 %');
  assert.equal(scoreAnswers(qs, { a: [1], c: [0] }, 66).passed, true);
});

test('offline training: create, bad input, list and detail, capacity under parallel sign-ups, attendance, permissions', async () => {
  const group = await seedGroup(t.app, { level: 'intermediate' });
  const gc = await group.signIn();
  const other = await (await seedGroup(t.app, { level: 'intermediate' })).signIn();
  const vols = await Promise.all(Array.from({ length: 6 }, () => volunteer(t)));

  assert.equal((await call(vols[0]!.cookie, 'POST', '/trainings', offlineBody())).statusCode, 403, 'a volunteer provides nothing');
  const pending = await (await seedGroup(t.app, { status: 'pending' })).signIn();
  assert.equal((await call(pending, 'POST', '/trainings', offlineBody())).json().code, 'GROUP_LEVEL_INSUFFICIENT');
  assert.equal((await t.app.inject({ method: 'POST', url: '/api/v1/trainings', payload: offlineBody() })).statusCode, 401);
  const bad = await call(gc, 'POST', '/trainings', offlineBody({ siteCode: '12', regionCode: '310101', startsAt: inHours(-1), pages: [{ title: 'x', body: 'y' }], capacity: undefined }));
  assert.equal(bad.statusCode, 400, bad.body);
  const codes = Object.fromEntries(bad.json().errors.map((e: any) => [e.field, e.code]));
  assert.deepEqual(codes, { pages: 'NOT_ALLOWED', capacity: 'REQUIRED', siteCode: 'NOT_GROUP_SITE', regionCode: 'NOT_IN_SITE', startsAt: 'IN_PAST' });
  const reversed = await call(gc, 'POST', '/trainings', offlineBody({ endsAt: inHours(1) }));
  assert.deepEqual(reversed.json().errors, [{ field: 'endsAt', code: 'BEFORE_START' }]);
  assert.equal((await call(gc, 'POST', '/trainings', { ...offlineBody(), capacity: 0 })).json().errors[0].field, 'capacity');

  const created = await call(gc, 'POST', '/trainings', offlineBody());
  assert.equal(created.statusCode, 201, created.body);
  const id = created.json().id as string;

  const detail = (await t.app.inject({ method: 'GET', url: `/api/v1/trainings/${id}` })).json();
  assert.equal(detail.provider.groupId, group.id);
  assert.equal(detail.provider.type, 'group');
  assert.equal(detail.capacity, 3);
  assert.equal(detail.mine, null);
  const upcoming = (await t.app.inject({ method: 'GET', url: '/api/v1/trainings?siteCode=11&kind=offline&upcoming=true' })).json();
  assert.ok(upcoming.items.some((i: any) => i.id === id));
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/trainings?siteCode=12' })).json().items.some((i: any) => i.id === id), false);
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/trainings?kind=exam' })).json().items.some((i: any) => i.id === id), false);

  // Another group may not edit; the provider may not shrink below those registered.
  assert.equal((await call(other, 'PATCH', `/trainings/${id}`, { title: '改名' })).statusCode, 403);
  assert.equal((await call(other, 'PATCH', `/trainings/${id}`, { title: '改名' })).json().code, 'NOT_PROVIDER');
  assert.equal((await call(gc, 'PATCH', `/trainings/${id}`, { title: '应急救护培训（第一期）' })).statusCode, 200);

  const results = await Promise.all(vols.map((v) => call(v.cookie, 'POST', `/trainings/${id}/registrations`)));
  const statuses = results.map((r) => r.statusCode).sort();
  assert.deepEqual(statuses, [201, 201, 201, 409, 409, 409], results.map((r) => r.body).join('\n'));
  assert.ok(results.filter((r) => r.statusCode === 409).every((r) => r.json().code === 'TRAINING_FULL'));
  const row = await t.app.ctx.db.selectFrom('trainings').select(['registered_count', 'title']).where('id', '=', id).executeTakeFirstOrThrow();
  assert.equal(row.registered_count, 3);
  assert.equal(row.title, '应急救护培训（第一期）');
  const inIdx = results.map((r, i) => (r.statusCode === 201 ? i : -1)).filter((i) => i >= 0);
  const outIdx = results.map((r, i) => (r.statusCode !== 201 ? i : -1)).filter((i) => i >= 0);
  const [a, b, c] = inIdx.map((i) => vols[i]!);
  const outsider = vols[outIdx[0]!]!;
  assert.equal((await call(a!.cookie, 'POST', `/trainings/${id}/registrations`)).json().code, 'ALREADY_REGISTERED');
  const shrink = await call(gc, 'PATCH', `/trainings/${id}`, { capacity: 2 });
  assert.equal(shrink.json().code, 'CAPACITY_BELOW_REGISTERED');

  // c withdraws, the outsider takes the place.
  assert.equal((await call(c!.cookie, 'DELETE', `/trainings/${id}/registrations/me`)).statusCode, 204);
  assert.equal((await call(outsider.cookie, 'POST', `/trainings/${id}/registrations`)).statusCode, 201);
  assert.equal((await call(c!.cookie, 'GET', `/trainings/${id}`)).json().mine.registered, false);
  assert.equal((await call(a!.cookie, 'GET', `/trainings/${id}`)).json().mine.registered, true);

  const early = await call(gc, 'POST', `/trainings/${id}/attendance`, { accountIds: [a!.id], attended: true });
  assert.equal(early.json().code, 'TRAINING_NOT_STARTED');
  t.clock.advance(2 * HOUR + 60_000);
  assert.equal((await call(c!.cookie, 'POST', `/trainings/${id}/registrations`)).json().code, 'TRAINING_STARTED');
  assert.equal((await call(a!.cookie, 'DELETE', `/trainings/${id}/registrations/me`)).json().code, 'TRAINING_STARTED');

  const foreign = await call(other, 'POST', `/trainings/${id}/attendance`, { accountIds: [a!.id], attended: true });
  assert.equal(foreign.statusCode, 403);
  assert.equal((await call(a!.cookie, 'POST', `/trainings/${id}/attendance`, { accountIds: [a!.id], attended: true })).statusCode, 403);
  assert.equal((await call(other, 'GET', `/trainings/${id}/registrations`)).statusCode, 403);
  const unregistered = await call(gc, 'POST', `/trainings/${id}/attendance`, { accountIds: [a!.id, c!.id], attended: true });
  assert.equal(unregistered.statusCode, 400);
  assert.deepEqual(unregistered.json().errors, [{ field: 'accountIds.1', code: 'NOT_REGISTERED' }]);
  assert.equal((await call(gc, 'POST', `/trainings/${id}/attendance`, { accountIds: [a!.id], attended: 'yes' })).statusCode, 400);

  const marked = await call(gc, 'POST', `/trainings/${id}/attendance`, { accountIds: [a!.id, b!.id], attended: true });
  assert.deepEqual(marked.json(), { updated: 2, attended: true });
  assert.equal((await call(gc, 'POST', `/trainings/${id}/attendance`, { accountIds: [b!.id], attended: false })).statusCode, 200);
  const list = (await call(gc, 'GET', `/trainings/${id}/registrations`)).json();
  assert.equal(list.total, 3);
  assert.deepEqual(Object.fromEntries(list.items.map((i: any) => [i.accountId, i.attended])), { [a!.id]: true, [b!.id]: false, [outsider.id]: null });

  const mineA = (await call(a!.cookie, 'GET', '/me/trainings')).json();
  assert.equal(mineA.total, 1);
  assert.equal(mineA.items[0].trainingId, id);
  assert.equal(mineA.items[0].kind, 'offline');
  assert.equal(mineA.items[0].provider.groupId, group.id);
  assert.equal(mineA.items[0].score, null);
  assert.equal((await call(b!.cookie, 'GET', '/me/trainings')).json().total, 0, 'marked absent again: no record');
  assert.equal((await call(gc, 'GET', '/me/trainings')).statusCode, 403);
});

test('online course: pages, progress and completion; a platform-wide course by an administrator', async () => {
  const admin = (await signIn(t.app, TEST_ADMIN.username, TEST_ADMIN.password)).cookie;
  const pages = [{ title: '第一章', body: '志愿服务概述' }, { title: '第二章', body: '# 安全须知\n\n注意安全' }, { title: '第三章', body: '总结' }];
  const tooLong = await call(admin, 'POST', '/trainings', { kind: 'course', title: '志愿者入门', pages: [{ title: 'x', body: 'y'.repeat(10_001) }] });
  assert.equal(tooLong.statusCode, 400);
  assert.equal(tooLong.json().errors[0].code, 'TOO_LONG');
  assert.equal((await call(admin, 'POST', '/trainings', { kind: 'course', title: '志愿者入门' })).json().errors[0].field, 'pages');
  const created = await call(admin, 'POST', '/trainings', { kind: 'course', title: '志愿者入门', pages });
  assert.equal(created.statusCode, 201, created.body);
  const id = created.json().id;
  const detail = (await t.app.inject({ method: 'GET', url: `/api/v1/trainings/${id}` })).json();
  assert.equal(detail.siteCode, '00');
  assert.deepEqual(detail.provider, { type: 'platform', groupId: null, name: '志愿服务信息平台' });
  assert.deepEqual(detail.pages, [{ n: 1, title: '第一章' }, { n: 2, title: '第二章' }, { n: 3, title: '第三章' }]);
  assert.ok((await t.app.inject({ method: 'GET', url: '/api/v1/trainings?siteCode=11&kind=course' })).json().items.some((i: any) => i.id === id));

  const page2 = (await t.app.inject({ method: 'GET', url: `/api/v1/trainings/${id}/pages/2` })).json();
  assert.deepEqual(page2, { trainingId: id, n: 2, pageCount: 3, title: '第二章', body: '# 安全须知\n\n注意安全' });
  assert.equal((await t.app.inject({ method: 'GET', url: `/api/v1/trainings/${id}/pages/4` })).statusCode, 404);

  const v = await volunteer(t);
  assert.equal((await call(v.cookie, 'POST', `/trainings/${id}/progress`, { page: 4 })).statusCode, 400);
  assert.equal((await call(v.cookie, 'POST', `/trainings/${id}/registrations`)).json().code, 'NOT_OFFLINE');
  let progress = (await call(v.cookie, 'POST', `/trainings/${id}/progress`, { page: 3 })).json();
  assert.deepEqual([progress.pagesRead, progress.completed], [[3], false]);
  await call(v.cookie, 'POST', `/trainings/${id}/progress`, { page: 3 });
  progress = (await call(v.cookie, 'POST', `/trainings/${id}/progress`, { page: 1 })).json();
  assert.equal(progress.completed, false);
  assert.equal((await call(v.cookie, 'GET', '/me/trainings?kind=course')).json().total, 0);
  progress = (await call(v.cookie, 'POST', `/trainings/${id}/progress`, { page: 2 })).json();
  assert.deepEqual([progress.pagesRead, progress.completed], [[1, 2, 3], true]);
  const mine = (await call(v.cookie, 'GET', '/me/trainings?kind=course')).json();
  assert.equal(mine.items[0].title, '志愿者入门');
  assert.equal(mine.items[0].provider.type, 'platform');
});

test('exam: bad banks refused; answers never sent; parallel starts; scoring; retake wait; time limit; passing ends it', async () => {
  const gc = await (await seedGroup(t.app, { level: 'intermediate' })).signIn();
  const badBank = await call(gc, 'POST', '/trainings', examBody({
    questionCount: 7,
    questions: [...BANK, { type: 'single', text: '两个答案', options: ['a', 'b'], answer: [0, 1] }, { type: 'multiple', text: '越界', options: ['a', 'b'], answer: [2] },
      { type: 'true_false', text: '是非', options: ['对', '错'], answer: [0] }, { type: 'single', text: '一个选项', options: ['a'], answer: [0] }],
  }));
  assert.equal(badBank.statusCode, 400, badBank.body);
  assert.deepEqual(badBank.json().errors.map((e: any) => `${e.field}:${e.code}`),
    ['questions.6.answer:ONE_ANSWER', 'questions.7.answer:OUT_OF_RANGE', 'questions.8.options:TRUE_FALSE_OPTIONS', 'questions.9.options:TOO_FEW']);
  assert.equal((await call(gc, 'POST', '/trainings', examBody({ questionCount: 7 }))).json().errors[0].code, 'MORE_THAN_BANK');
  assert.equal((await call(gc, 'POST', '/trainings', examBody({ passMark: 101 }))).statusCode, 400);
  assert.equal((await call(gc, 'POST', '/trainings', examBody({ capacity: 5 }))).json().errors[0].code, 'NOT_ALLOWED');

  const created = await call(gc, 'POST', '/trainings', examBody());
  assert.equal(created.statusCode, 201, created.body);
  const id = created.json().id;
  const detail = await t.app.inject({ method: 'GET', url: `/api/v1/trainings/${id}` });
  assert.equal(detail.body.includes(BANK[0]!.text), false, 'the bank is not public');

  const v = await volunteer(t);
  const starts = await Promise.all([1, 2, 3].map(() => call(v.cookie, 'POST', `/trainings/${id}/attempts`)));
  assert.deepEqual(starts.map((r) => r.statusCode).sort(), [201, 409, 409], starts.map((r) => r.body).join('\n'));
  const started = starts.find((r) => r.statusCode === 201)!;
  assert.ok(starts.filter((r) => r.statusCode === 409).every((r) => r.json().code === 'ATTEMPT_OPEN'));
  const attempt = started.json();
  assert.equal(attempt.questions.length, 6);
  assert.equal(Date.parse(attempt.expiresAt) - Date.parse(attempt.startedAt), 10 * 60_000);
  assert.equal(/"answer"/.test(started.body), false, 'no answer key in the payload');
  assert.ok(attempt.questions.every((q: any) => q.chosen === null && q.correct === null));
  assert.deepEqual(attempt.questions.find((q: any) => q.type === 'true_false').options, ['正确', '错误']);
  const resumed = await call(v.cookie, 'GET', `/attempts/${attempt.id}`);
  assert.equal(/"answer"/.test(resumed.body), false);
  const stranger = await volunteer(t);
  assert.equal((await call(stranger.cookie, 'GET', `/attempts/${attempt.id}`)).statusCode, 404);
  assert.equal((await call(stranger.cookie, 'POST', `/attempts/${attempt.id}/submit`, { answers: {} })).statusCode, 404);

  // Bad answer sheets are refused and leave the attempt open.
  const tf = attempt.questions.find((q: any) => q.type === 'true_false').id;
  const single = attempt.questions.find((q: any) => q.type === 'single').id;
  const badSheet = await call(v.cookie, 'POST', `/attempts/${attempt.id}/submit`, {
    answers: { [tf]: [3], [single]: [0, 1], '0190d1a0-0000-7000-8000-000000000000': [0] },
  });
  assert.equal(badSheet.statusCode, 400);
  assert.deepEqual(badSheet.json().errors.map((e: any) => e.code).sort(), ['ONE_ANSWER', 'OUT_OF_RANGE', 'UNKNOWN_QUESTION']);

  // First attempt: one multiple-choice only partly right, one superset, one true/false wrong → 3/6 = 50 % < 60 %.
  const sheet = answersFor(attempt.questions, { [BANK[2]!.text]: [0], [BANK[3]!.text]: [0, 1, 2, 3], [BANK[4]!.text]: [0] });
  const failed = await call(v.cookie, 'POST', `/attempts/${attempt.id}/submit`, { answers: sheet });
  assert.equal(failed.statusCode, 200, failed.body);
  const result = failed.json();
  assert.deepEqual([result.status, result.score, result.correctCount, result.passed], ['failed', 50, 3, false]);
  const right = Object.fromEntries(result.questions.map((q: any) => [q.text, q.correct]));
  assert.deepEqual(right, { [BANK[0]!.text]: true, [BANK[1]!.text]: true, [BANK[2]!.text]: false, [BANK[3]!.text]: false, [BANK[4]!.text]: false, [BANK[5]!.text]: true });
  assert.equal(/"answer"/.test(failed.body), false, 'the correct options are not revealed either');
  assert.equal((await call(v.cookie, 'POST', `/attempts/${attempt.id}/submit`, { answers: sheet })).json().code, 'ATTEMPT_CLOSED');

  // Retake only after an hour; the title names the time.
  const soon = await call(v.cookie, 'POST', `/trainings/${id}/attempts`);
  assert.equal(soon.json().code, 'RETAKE_TOO_SOON');
  assert.match(soon.json().title, /\d{4}-\d{2}-\d{2} \d{2}:\d{2}（北京时间）/);
  assert.equal(Date.parse(soon.json().retryAt), Date.parse(result.finishedAt) + HOUR);
  assert.equal((await call(v.cookie, 'GET', `/trainings/${id}`)).json().mine.nextAttempt.code, 'RETAKE_TOO_SOON');
  t.clock.advance(HOUR + 1000);

  // Second attempt: submitted after the time limit and the 30 s grace → refused, counted as failed (expired).
  const second = (await call(v.cookie, 'POST', `/trainings/${id}/attempts`)).json();
  t.clock.advance(10 * 60_000 + 31_000);
  const late = await call(v.cookie, 'POST', `/attempts/${second.id}/submit`, { answers: answersFor(second.questions) });
  assert.equal(late.statusCode, 409);
  assert.equal(late.json().code, 'ATTEMPT_EXPIRED');
  const expired = (await call(v.cookie, 'GET', `/attempts/${second.id}`)).json();
  assert.deepEqual([expired.status, expired.score, expired.passed], ['expired', 0, false]);
  assert.equal((await call(v.cookie, 'POST', `/trainings/${id}/attempts`)).json().code, 'RETAKE_TOO_SOON', 'the wait runs from its expiry');
  t.clock.advance(HOUR);

  // Third attempt, within the grace: passes with every answer right.
  const third = (await call(v.cookie, 'POST', `/trainings/${id}/attempts`)).json();
  t.clock.advance(10 * 60_000 + 20_000);
  const passed = await call(v.cookie, 'POST', `/attempts/${third.id}/submit`, { answers: answersFor(third.questions) });
  assert.equal(passed.statusCode, 200, passed.body);
  assert.deepEqual([passed.json().status, passed.json().score, passed.json().passed], ['passed', 100, true]);
  assert.equal((await call(v.cookie, 'POST', `/trainings/${id}/attempts`)).json().code, 'ALREADY_PASSED');
  const mine = (await call(v.cookie, 'GET', '/me/trainings?kind=exam')).json();
  assert.equal(mine.total, 1);
  assert.deepEqual([mine.items[0].trainingId, mine.items[0].score, mine.items[0].kind], [id, 100, 'exam']);
  const standing = (await call(v.cookie, 'GET', `/trainings/${id}`)).json().mine;
  assert.deepEqual(standing.attempts.map((a: any) => a.status), ['failed', 'expired', 'passed']);
  assert.equal(standing.nextAttempt.allowed, false);
});

test('exam: attempts beyond maxAttempts are refused; an abandoned attempt counts once its time is up', async () => {
  const gc = await (await seedGroup(t.app, { level: 'intermediate' })).signIn();
  const id = (await call(gc, 'POST', '/trainings', examBody({ questionCount: 2, maxAttempts: 2, retakeAfterHours: 0 }))).json().id;
  const v = await volunteer(t);
  const first = (await call(v.cookie, 'POST', `/trainings/${id}/attempts`)).json();
  assert.equal(first.questions.length, 2);
  assert.equal((await call(v.cookie, 'POST', `/attempts/${first.id}/submit`, { answers: {} })).json().score, 0, 'unanswered is wrong');
  // Abandoned: never submitted; the next start after its time closes it as expired.
  const second = (await call(v.cookie, 'POST', `/trainings/${id}/attempts`)).json();
  assert.equal((await call(v.cookie, 'POST', `/trainings/${id}/attempts`)).json().code, 'ATTEMPT_OPEN');
  t.clock.advance(11 * 60_000);
  const third = await call(v.cookie, 'POST', `/trainings/${id}/attempts`);
  assert.equal(third.statusCode, 409);
  assert.equal(third.json().code, 'MAX_ATTEMPTS_REACHED');
  assert.match(third.json().title, /2 次/);
  assert.equal((await call(v.cookie, 'GET', `/attempts/${second.id}`)).json().status, 'expired');
  assert.equal((await call(v.cookie, 'GET', '/me/trainings?kind=exam')).json().total, 0);
});
