import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { asUser, createTestApp, signIn, TEST_ADMIN, volunteerBody, type TestApp } from '../../../test/helper.js';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t.close(); });

const QUESTIONS = [
  { question: '您小学的校名？', answer: '红星小学' },
  { question: '您的出生城市？', answer: 'Beijing' },
  { question: '您最喜欢的书？', answer: '红楼梦' },
];

async function volunteerOn(siteCode: string, region: string) {
  const body = volunteerBody({ siteCode, serviceRegionCode: region });
  assert.equal((await t.app.inject({ method: 'POST', url: '/api/v1/volunteers', payload: body })).statusCode, 201);
  const { cookie } = await signIn(t.app, body.username, body.password);
  return { body, cookie };
}

test('off by default: nobody can set or use security questions', async () => {
  const v = await volunteerOn('11', '110105');
  const set = await asUser(t.app, v.cookie, { method: 'PUT', url: '/api/v1/me/security-questions', payload: { questions: QUESTIONS } });
  assert.equal(set.statusCode, 403);
  assert.equal(set.json().code, 'SECURITY_QUESTIONS_DISABLED');
  const ask = await t.app.inject({ method: 'POST', url: '/api/v1/recovery/security-questions', payload: { username: v.body.username } });
  assert.equal(ask.statusCode, 404);
});

test('a site that switches them on: set, recover with all answers right, sessions end; wrong answers throttled', async () => {
  const admin = await signIn(t.app, TEST_ADMIN.username, TEST_ADMIN.password);
  const on = await asUser(t.app, admin.cookie, { method: 'PATCH', url: '/api/v1/admin/sites/37/settings', payload: { securityQuestions: true } });
  assert.equal(on.statusCode, 200);
  const v = await volunteerOn('37', '370102');
  assert.equal((await asUser(t.app, v.cookie, { method: 'PUT', url: '/api/v1/me/security-questions', payload: { questions: QUESTIONS } })).statusCode, 204);
  const stored = await t.app.ctx.db.selectFrom('security_answers').selectAll().execute();
  assert.ok(stored.every((r) => !r.answer_hash.includes('红星')), 'answers are hashed');

  const ask = await t.app.inject({ method: 'POST', url: '/api/v1/recovery/security-questions', payload: { username: v.body.username } });
  assert.deepEqual(ask.json().questions, QUESTIONS.map((q) => q.question));
  const wrong = await t.app.inject({ method: 'POST', url: '/api/v1/recovery/password/questions', payload: { username: v.body.username, answers: ['红星小学', 'Shanghai', '红楼梦'], newPassword: 'Answer2468x' } });
  assert.equal(wrong.json().code, 'ANSWERS_WRONG');
  const right = await t.app.inject({ method: 'POST', url: '/api/v1/recovery/password/questions', payload: { username: v.body.username, answers: [' 红星小学', 'BEIJING', '红楼梦 '], newPassword: 'Answer2468x' } });
  assert.equal(right.statusCode, 204, right.body);
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: v.cookie } })).statusCode, 401);
  for (let i = 0; i < 3; i++) await t.app.inject({ method: 'POST', url: '/api/v1/recovery/password/questions', payload: { username: v.body.username, answers: ['a', 'b', 'c'], newPassword: 'Answer2468y' } });
  const throttled = await t.app.inject({ method: 'POST', url: '/api/v1/recovery/password/questions', payload: { username: v.body.username, answers: ['a', 'b', 'c'], newPassword: 'Answer2468y' } });
  assert.equal(throttled.statusCode, 429);
});
