/**
 * Certificate benchmark (志愿服务证明): a volunteer with effective hours in 200 projects of 10 groups asks for the
 * platform certificate, again and again. The volunteer has also completed 20 trainings (listed after the hours).
 *
 *   npx tsx bench/certificate.ts [--projects=200] [--rounds=40] [--pg=postgres://postgres@127.0.0.1:5432/postgres]
 *
 * Without --pg: embedded PGlite. Times, through app.inject, POST /api/v1/me/certificates (the snapshot of the records
 * under the volunteer's lock) and the first GET of its PDF with the cache emptied (A4 layout with the embedded CJK
 * font subset, CMS signature), then the two PDF steps alone. The first download, which parses the 8 MB font, is
 * reported apart. Before each issue the previous certificate is removed, outside the timing, so the 3-hour limit
 * does not apply.
 */
import { parseArgs, positiveInt, printTable, round, summarise, waitForQuiet } from './lib.js';

const args = parseArgs({ projects: '200', rounds: '40', pg: '' });
const PROJECTS = positiveInt(args.projects, 'projects', 1000);
const ROUNDS = positiveInt(args.rounds, 'rounds', 500);
if (args.pg) process.env.DATABASE_URL = args.pg;

const { createTestApp, asUser, signIn, volunteerBody } = await import('../test/helper.js');
const { seedGroup } = await import('../test/groups.js');
const { dayFrom, publish } = await import('../src/modules/projects/test-support.js');
const { renderCertificatePdf } = await import('../src/modules/certificates/pdf.js');
const { signCertificatePdf } = await import('../src/modules/certificates/signing.js');
const { clearPdfCache, contentOf, signingIdentityOf } = await import('../src/modules/certificates/document.js');
const fs = await import('node:fs');
const os = await import('node:os');
const path = await import('node:path');

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zy-bench-cert-'));
const t = await createTestApp({ dataDir });
try {
  const { app } = t;
  const db = app.ctx.db;
  const body = volunteerBody({ name: '欧阳志愿' });
  const reg = await app.inject({ method: 'POST', url: '/api/v1/volunteers', payload: body });
  if (reg.statusCode !== 201) throw new Error(reg.body);
  const { id: accountId } = await db.selectFrom('accounts').select('id').where('username', '=', body.username).executeTakeFirstOrThrow();
  await db.updateTable('people').set({ realname_status: 'verified' }).where('account_id', '=', accountId).execute();
  await db.updateTable('volunteer_profiles').set({ volunteer_number: '110105202611210001' }).where('account_id', '=', accountId).execute();

  const started = Date.now();
  const groups = [];
  for (let g = 0; g < 10; g++) {
    const group = await seedGroup(app, { level: 'intermediate', name: `北京市朝阳区第${g + 1}社区志愿服务队` });
    groups.push({ group, cookie: await group.signIn() });
  }
  for (let i = 0; i < PROJECTS; i++) {
    const { group, cookie } = groups[i % groups.length];
    const { id } = await publish(app, cookie, { name: `社区环境整治与助老服务第${i + 1}期（${['望京', '三里屯', '双井', '劲松'][i % 4]}街道）` });
    await db.updateTable('projects').set({ start_date: dayFrom(app, -60), end_date: dayFrom(app, 5) }).where('id', '=', id).execute();
    const position = (await db.selectFrom('positions').select('id').where('project_id', '=', id).executeTakeFirstOrThrow()).id;
    await db.insertInto('enrollments').values({
      site_code: '11', project_id: id, account_id: accountId, position_id: position, status: 'enrolled', via: 'application', applied_at: new Date(),
    }).execute();
    // One to three records per project, each in its own (day, time) slot so none overlap.
    const records = Array.from({ length: 1 + (i % 3) }, (_, k) => {
      const slot = i * 3 + k;
      const at = 8 * 60 + Math.floor(slot / 58) * 10;
      const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
      return { volunteerId: accountId, serviceDate: dayFrom(app, -1 - (slot % 58)), startTime: hhmm(at), endTime: hhmm(at + 5), hours: 0.05 };
    });
    const res = await asUser(app, cookie, { method: 'POST', url: `/api/v1/projects/${id}/hours`, payload: { records } });
    if (res.statusCode !== 201) throw new Error(`${res.statusCode} ${res.body}`);
    void group;
  }
  // Twenty completed trainings (courses and passed exams), listed after the hours table.
  const { uuidv7 } = await import('../src/platform/ids.js');
  for (let i = 0; i < 20; i++) {
    const exam = i % 2 === 1;
    const id = uuidv7();
    await db.insertInto('trainings').values({
      site_code: '11', id, kind: exam ? 'exam' : 'course', group_id: null, provider_name: '北京市志愿服务信息平台', title: `志愿者应急救护知识${exam ? '考试' : '课程'}第${i + 1}期`,
      page_count: exam ? 0 : 3, question_count: exam ? 10 : null, time_limit_minutes: exam ? 30 : null, pass_mark: exam ? 60 : null,
      max_attempts: exam ? 3 : null, retake_after_hours: exam ? 24 : null, created_by: accountId, created_at: new Date(), updated_at: new Date(),
    }).execute();
    await db.insertInto('training_completions').values({ site_code: '11', training_id: id, account_id: accountId, completed_at: new Date(Date.now() - i * 86_400_000), score: exam ? 70 + i : null }).execute();
  }
  const recordCount = (await db.selectFrom('service_records').select(db.fn.countAll<number>().as('n')).where('account_id', '=', accountId).executeTakeFirstOrThrow()).n;
  console.log(`generated ${PROJECTS} projects, ${recordCount} records in ${Date.now() - started} ms`);

  const clear = async () => {
    const numbers = (await db.selectFrom('certificates').select('number').where('account_id', '=', accountId).execute()).map((r) => r.number);
    if (numbers.length === 0) return;
    await db.deleteFrom('certificate_records').where('number', 'in', numbers).execute();
    await db.deleteFrom('certificates').where('number', 'in', numbers).execute();
  };
  const { cookie } = await signIn(app, body.username, body.password);
  const timed = async <T>(fn: () => Promise<T>) => {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const value = await fn();
    const cpu = process.cpuUsage(cpu0);
    return { value, ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000 };
  };
  const issue = async () => {
    await clear();
    const r = await timed(() => asUser(app, cookie, { method: 'POST', url: '/api/v1/me/certificates', payload: {} }));
    if (r.value.statusCode !== 201) throw new Error(`${r.value.statusCode} ${r.value.body}`);
    return { ...r, number: r.value.json().number as string, url: r.value.json().downloadUrl as string };
  };
  const download = async (url: string) => {
    clearPdfCache();
    const r = await timed(() => asUser(app, cookie, { method: 'GET', url }));
    if (r.value.statusCode !== 200) throw new Error(`${r.value.statusCode} ${r.value.body}`);
    return { ...r, bytes: r.value.rawPayload.length };
  };

  const quiet = await waitForQuiet(60_000);
  console.log(`machine idle share before measuring: ${round(quiet.idle * 100, 0)} % (waited ${round(quiet.waitedMs / 1000, 0)} s)`);
  const coldIssue = await issue();
  const cold = await download(coldIssue.url);
  for (let i = 0; i < 3; i++) await download((await issue()).url);
  const post: number[] = [];
  const postCpu: number[] = [];
  const get: number[] = [];
  const getCpu: number[] = [];
  let last = coldIssue.number;
  let size = cold.bytes;
  for (let i = 0; i < ROUNDS; i++) {
    const issued = await issue();
    post.push(issued.ms);
    postCpu.push(issued.cpuMs);
    const got = await download(issued.url);
    get.push(got.ms);
    getCpu.push(got.cpuMs);
    last = issued.number;
    size = got.bytes;
  }
  const row = await db.selectFrom('certificates').selectAll().where('number', '=', last).executeTakeFirstOrThrow();
  const content = contentOf(app.ctx, row);
  const id = signingIdentityOf(app.ctx);
  const render: number[] = [];
  const sign: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = performance.now();
    const pdf = await renderCertificatePdf(content);
    const t1 = performance.now();
    await signCertificatePdf(pdf, id, content.issuedAt);
    sign.push(performance.now() - t1);
    render.push(t1 - t0);
  }
  const [sp, sc, sg, sgc, r, g] = [post, postCpu, get, getCpu, render, sign].map(summarise);
  printTable(`certificate for ${PROJECTS} projects / ${recordCount} records (${args.pg ? 'PostgreSQL' : 'PGlite'}), ${ROUNDS} rounds`,
    ['what', 'p50 ms', 'p95 ms', 'max ms'], [
      ['POST /me/certificates (snapshot)', round(sp.p50), round(sp.p95), round(sp.max)],
      ['  same, CPU of this process', round(sc.p50), round(sc.p95), round(sc.max)],
      ['GET the PDF, not cached (generation)', round(sg.p50), round(sg.p95), round(sg.max)],
      ['  same, CPU of this process', round(sgc.p50), round(sgc.p95), round(sgc.max)],
      ['  PDF layout (pdfkit + font subset)', round(r.p50), round(r.p95), round(r.max)],
      ['  CMS signature', round(g.p50), round(g.p95), round(g.max)],
      ['first download (font parse)', round(cold.ms), null, null],
    ]);
  console.log(`PDF size: ${size} bytes (${round(size / 1024)} KB), ${row.projects.length} table rows, ${row.volunteer.trainings?.length ?? 0} trainings`);
  console.log(JSON.stringify({ bench: 'certificate', projects: PROJECTS, records: Number(recordCount), postP95: round(sp.p95), getP50: round(sg.p50), getP95: round(sg.p95), getCpuP95: round(sgc.p95), renderP95: round(r.p95), signP95: round(g.p95), coldMs: round(cold.ms), bytes: size }));
} finally {
  await t.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
