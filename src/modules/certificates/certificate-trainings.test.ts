import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { asUser, createTestApp, signIn, TEST_ADMIN, volunteerBody, type TestApp } from '../../../test/helper.js';
import { seedGroup } from '../../../test/groups.js';
import { dayFrom, publish } from '../projects/test-support.js';
import { chinaToday } from '../projects/status.js';
import { clearPdfCache, signingIdentityOf } from './document.js';
import { pdfText } from './pdf-text.js';
import { verifyCertificatePdf } from './signing.js';

let t: TestApp;
let dataDir: string;
before(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zy-cert-tr-'));
  t = await createTestApp({ dataDir, sessionIdleMinutes: 24 * 60, sessionAbsoluteHours: 24 * 30 });
});
after(async () => {
  await t.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const HOUR = 3_600_000;
const call = (cookie: string, method: 'GET' | 'POST', url: string, payload?: unknown) =>
  asUser(t.app, cookie, { method, url: `/api/v1${url}`, ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}) });

async function volunteer() {
  const body = volunteerBody({ name: '林晓雨' });
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/volunteers', payload: body });
  assert.equal(res.statusCode, 201, res.body);
  const db = t.app.ctx.db;
  const { id } = await db.selectFrom('accounts').select('id').where('username', '=', body.username).executeTakeFirstOrThrow();
  await db.updateTable('people').set({ realname_status: 'verified' }).where('account_id', '=', id).execute();
  await db.updateTable('volunteer_profiles').set({ volunteer_number: `11010520269${String(process.pid % 10000).padStart(4, '0')}01` })
    .where('account_id', '=', id).execute();
  return { id, cookie: (await signIn(t.app, body.username, body.password)).cookie };
}

const BANK = [
  { type: 'true_false', text: '志愿服务时长可以转让', answer: [1] },
  { type: 'true_false', text: '志愿者应遵守服务规范', answer: [0] },
  { type: 'single', text: '国际志愿者日是', options: ['3月5日', '12月5日'], answer: [1] },
];

/** Takes an exam with the given number of wrong answers; returns the submit response's body. */
async function takeExam(cookie: string, examId: string, wrong: number) {
  const attempt = (await call(cookie, 'POST', `/trainings/${examId}/attempts`)).json();
  const answers = Object.fromEntries(attempt.questions.map((q: { id: string; text: string }, i: number) => {
    const right = BANK.find((b) => b.text === q.text)!.answer;
    return [q.id, i < wrong ? [1 - right[0]!] : right];
  }));
  const res = await call(cookie, 'POST', `/attempts/${attempt.id}/submit`, { answers });
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

test('a platform certificate lists the completed trainings (snapshot, public check, PDF); a project certificate does not', async () => {
  const v = await volunteer();
  const group = await seedGroup(t.app, { level: 'intermediate', name: '朝阳区应急救护志愿服务队' });
  const gc = await group.signIn();
  const admin = (await signIn(t.app, TEST_ADMIN.username, TEST_ADMIN.password)).cookie;

  // Hours in one project, so both kinds of certificate can be issued.
  const { id: projectId } = await publish(t.app, gc, { name: '社区急救知识宣传' });
  const db = t.app.ctx.db;
  await db.updateTable('projects').set({ start_date: dayFrom(t.app, -20), end_date: dayFrom(t.app, 5) }).where('id', '=', projectId).execute();
  const position = (await db.selectFrom('positions').select('id').where('project_id', '=', projectId).executeTakeFirstOrThrow()).id;
  await db.insertInto('enrollments').values({
    site_code: '11', project_id: projectId, account_id: v.id, position_id: position, status: 'enrolled', via: 'application', applied_at: new Date(),
  }).execute();
  const hours = await call(gc, 'POST', `/projects/${projectId}/hours`, {
    records: [{ volunteerId: v.id, serviceDate: dayFrom(t.app, -3), startTime: '08:00', endTime: '12:00', hours: 4 }],
  });
  assert.equal(hours.statusCode, 201, hours.body);

  // A course read to the end, an exam passed with 67 %, and an exam failed (not listed).
  const course = await call(admin, 'POST', '/trainings', { kind: 'course', title: '志愿者通识课程', pages: [{ title: '第一章', body: '志愿服务概述' }] });
  assert.equal(course.statusCode, 201, course.body);
  assert.equal((await call(v.cookie, 'POST', `/trainings/${course.json().id}/progress`, { page: 1 })).json().completed, true);
  const examBody = { kind: 'exam', questions: BANK, questionCount: 3, timeLimitMinutes: 10, maxAttempts: 3, retakeAfterHours: 1 };
  const exam = await call(gc, 'POST', '/trainings', { ...examBody, title: '应急救护知识考试', passMark: 60 });
  assert.equal(exam.statusCode, 201, exam.body);
  assert.equal((await takeExam(v.cookie, exam.json().id, 1)).status, 'passed');
  const hard = await call(gc, 'POST', '/trainings', { ...examBody, title: '高级救护考试', passMark: 100 });
  assert.equal((await takeExam(v.cookie, hard.json().id, 1)).status, 'failed');
  const today = chinaToday(t.clock.now);
  t.clock.advance(HOUR);

  const issued = await call(v.cookie, 'POST', '/me/certificates');
  assert.equal(issued.statusCode, 201, issued.body);
  const { number, downloadUrl } = issued.json();
  const stored = await db.selectFrom('certificates').select('volunteer').where('number', '=', number).executeTakeFirstOrThrow();
  assert.deepEqual(stored.volunteer.trainings, [
    { trainingId: course.json().id, kind: 'course', title: '志愿者通识课程', provider: '志愿服务信息平台', completedOn: today, score: null },
    { trainingId: exam.json().id, kind: 'exam', title: '应急救护知识考试', provider: '朝阳区应急救护志愿服务队', completedOn: today, score: 67 },
  ]);

  const check = await t.app.inject({ method: 'GET', url: `/api/v1/certificates/${number}` });
  assert.equal(check.statusCode, 200, check.body);
  assert.deepEqual(check.json().trainings, [
    { kind: 'course', title: '志愿者通识课程', provider: '志愿服务信息平台', completedOn: today, score: null },
    { kind: 'exam', title: '应急救护知识考试', provider: '朝阳区应急救护志愿服务队', completedOn: today, score: 67 },
  ]);

  const pdf = (await asUser(t.app, v.cookie, { method: 'GET', url: downloadUrl })).rawPayload;
  const text = pdfText(pdf);
  for (const expected of ['已完成志愿服务培训 2 项', '完成日期', '考试成绩', '在线课程', '志愿者通识课程', '在线考试', '应急救护知识考试', '67 分', today]) {
    assert.ok(text.includes(expected), `the PDF says ${expected}`);
  }
  assert.equal(text.includes('高级救护考试'), false, 'a failed exam is not listed');
  assert.equal(verifyCertificatePdf(pdf, [signingIdentityOf(t.app.ctx).fingerprint]).ok, true);

  // Trainings do not revoke: the snapshot stands even if a completion is gone later.
  await db.deleteFrom('training_completions').where('training_id', '=', course.json().id).execute();
  const again = (await t.app.inject({ method: 'GET', url: `/api/v1/certificates/${number}` })).json();
  assert.equal(again.valid, true);
  assert.equal(again.trainings.length, 2);

  // A certificate issued before trainings were listed (no trainings in its snapshot) still renders and checks.
  const { trainings: _, ...older } = stored.volunteer;
  await db.updateTable('certificates').set({ volunteer: JSON.stringify(older) }).where('number', '=', number).execute();
  clearPdfCache();
  const oldCheck = (await t.app.inject({ method: 'GET', url: `/api/v1/certificates/${number}` })).json();
  assert.equal(oldCheck.valid, true);
  assert.equal('trainings' in oldCheck, false);
  const oldPdf = await asUser(t.app, v.cookie, { method: 'GET', url: downloadUrl });
  assert.equal(oldPdf.statusCode, 200);
  assert.equal(pdfText(oldPdf.rawPayload).includes('志愿者通识课程'), false);

  // The project certificate (issued by the group for its project) lists none.
  t.clock.advance(3 * HOUR);
  const projectCert = await call(v.cookie, 'POST', '/me/certificates', { projectId });
  assert.equal(projectCert.statusCode, 201, projectCert.body);
  const p = projectCert.json();
  const pStored = await db.selectFrom('certificates').select(['kind', 'volunteer']).where('number', '=', p.number).executeTakeFirstOrThrow();
  assert.equal(pStored.kind, 'project');
  assert.equal(pStored.volunteer.trainings, undefined);
  const pCheck = (await t.app.inject({ method: 'GET', url: `/api/v1/certificates/${p.number}` })).json();
  assert.equal('trainings' in pCheck, false);
  const pText = pdfText((await asUser(t.app, v.cookie, { method: 'GET', url: p.downloadUrl })).rawPayload);
  assert.ok(pText.includes('社区急救知识宣传'));
  assert.equal(pText.includes('志愿者通识课程') || pText.includes('培训'), false, `no training section: ${pText}`);
});
