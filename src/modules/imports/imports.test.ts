import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import {
  asUser, createTestApp, makeIdNumber, makePhone, outboxFor, signIn, TEST_ADMIN, volunteerBody, waitForImport, type TestApp,
} from '../../../test/helper.js';
import { insertPeople, personKeys, unusablePasswordHash, checkPerson } from './people.js';
import { PassThrough } from 'node:stream';
import { uuidv7 } from '../../platform/ids.js';
import { parseCsv, decodeText, readRows } from './read.js';

let t: TestApp;
let admin: string;
before(async () => {
  t = await createTestApp();
  admin = (await signIn(t.app, TEST_ADMIN.username, TEST_ADMIN.password)).cookie;
});
after(async () => { await t.close(); });

const VOLUNTEER_HEADER = ['姓名', '证件类型', '证件号码', '手机号', '邮箱', '服务区域代码'];
const goodRow = (name = '王小明') => [name, '居民身份证', makeIdNumber(), makePhone(), '', '110105'];

function csvOf(rows: (string | number)[][]): Buffer {
  const cell = (v: string | number) => (/[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
  return Buffer.from('\uFEFF' + rows.map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n');
}

async function xlsxOf(rows: (string | number)[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('名单');
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function upload(cookie: string, options: { content: Buffer; fileName: string; kind?: string; mode?: string; siteCode?: string; unitId?: string }) {
  const query = new URLSearchParams({ fileName: options.fileName, kind: options.kind ?? 'volunteers', mode: options.mode ?? 'all_or_nothing' });
  if (options.siteCode ?? (options.kind ?? 'volunteers') === 'volunteers') query.set('siteCode', options.siteCode ?? '11');
  if (options.unitId) query.set('unitId', options.unitId);
  const type = options.fileName.endsWith('.csv') ? 'text/csv' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  return asUser(t.app, cookie, { method: 'POST', url: `/api/v1/imports?${query}`, payload: options.content, headers: { 'content-type': type } });
}

async function runImport(cookie: string, options: Parameters<typeof upload>[1]) {
  const res = await upload(cookie, options);
  assert.equal(res.statusCode, 202, res.body);
  return waitForImport(t.app, cookie, res.json().importId);
}

async function reportRows(id: string) {
  const res = await asUser(t.app, admin, { method: 'GET', url: `/api/v1/imports/${id}/rows?pageSize=100` });
  assert.equal(res.statusCode, 200, res.body);
  return new Map<number, any>(res.json().items.map((r: any) => [r.row, r]));
}

const phoneTaken = async (phone: string) =>
  Boolean(await t.app.ctx.db.selectFrom('account_lookups').select('account_id').where('kind', '=', 'phone').where('lookup', '=', t.app.ctx.cipher.lookup('phone', phone)).executeTakeFirst());

function mixedFile() {
  const good1 = goodRow('王小明');
  const good2 = goodRow('李华');
  const badId = ['赵六', '', good1[2]!.slice(0, 17) + (good1[2]!.endsWith('0') ? '1' : '0'), makePhone(), '', '110105'];
  const badPhone = ['钱七', '身份证', makeIdNumber(), '12345', 'not-an-email', '110105'];
  const badRegion = ['孙八', '居民身份证', makeIdNumber(), makePhone(), '', '310101'];
  return { good1, good2, rows: [VOLUNTEER_HEADER, good1, badId, good2, badPhone, badRegion] };
}

test('all_or_nothing: one bad row and nothing is created; every bad row says why', async () => {
  const { good1, good2, rows } = mixedFile();
  const { final } = await runImport(admin, { content: csvOf(rows), fileName: '志愿者.csv' });
  assert.equal(final.status, 'rejected');
  assert.equal(final.total, 5);
  assert.equal(final.created, 0);
  assert.equal(final.refused, 3);
  assert.equal(final.percent, 100);
  const report = await reportRows(final.id);
  assert.equal(report.get(2).status, 'not_created');
  assert.match(report.get(2).reasons[0].message, /整个文件未导入/);
  assert.equal(report.get(3).status, 'refused');
  assert.deepEqual(report.get(3).reasons.map((r: any) => r.code), ['CHECK_DIGIT']);
  assert.deepEqual(report.get(5).reasons.map((r: any) => r.code), ['PHONE_INVALID', 'EMAIL_INVALID']);
  assert.match(report.get(5).reasons[0].message, /手机号码不正确/);
  assert.deepEqual(report.get(6).reasons.map((r: any) => r.code), ['REGION_INVALID']);
  assert.equal(await phoneTaken(good1[3]!), false);
  assert.equal(await phoneTaken(good2[3]!), false);
  assert.equal((await outboxFor(t.app, good1[3]!)).length, 0, 'no message for an import that created nothing');
});

test('good_rows: the good rows are created inactive and told by SMS; the .xlsx report reads back', async () => {
  const { good1, good2, rows } = mixedFile();
  const { final } = await runImport(admin, { content: await xlsxOf(rows), fileName: '志愿者名单.xlsx', mode: 'good_rows' });
  assert.equal(final.status, 'done', JSON.stringify(final));
  assert.equal(final.format, 'xlsx');
  assert.deepEqual([final.total, final.created, final.refused, final.processed], [5, 2, 3, 5]);

  const report = await reportRows(final.id);
  assert.equal(report.get(2).status, 'created');
  assert.match(report.get(2).username, /^zy[a-z2-9]{8}$/);
  const account = await t.app.ctx.db.selectFrom('accounts as a').innerJoin('people as p', 'p.account_id', 'a.id')
    .select(['a.type', 'a.status', 'a.site_code', 'p.name', 'p.phone_masked', 'p.realname_status'])
    .where('a.username', '=', report.get(2).username).executeTakeFirstOrThrow();
  assert.deepEqual(account, { type: 'volunteer', status: 'inactive', site_code: '11', name: '王小明', phone_masked: `${good1[3]!.slice(0, 3)}****${good1[3]!.slice(7)}`, realname_status: 'pending' });
  const [sms] = await outboxFor(t.app, good1[3]!);
  assert.equal(sms.subject, '账号激活通知');
  assert.ok(sms.body.includes(report.get(2).username));
  assert.match(sms.link, /\/activate\?account=zy/);
  assert.equal((await outboxFor(t.app, good2[3]!)).length, 1);
  // Nobody can sign in before activating: the stored hash belongs to a secret nobody has.
  assert.equal((await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { identifier: good1[3], password: 'Anything2468' } })).statusCode, 401);

  const file = await asUser(t.app, admin, { method: 'GET', url: `/api/v1/imports/${final.id}/report.xlsx` });
  assert.equal(file.statusCode, 200);
  assert.match(String(file.headers['content-type']), /spreadsheetml/);
  assert.match(String(file.headers['content-disposition']), /filename\*=UTF-8''/);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(file.rawPayload as unknown as ArrayBuffer);
  const sheet = wb.worksheets[0]!;
  assert.deepEqual((sheet.getRow(1).values as unknown[]).slice(1), ['行号', '结果', '姓名', '用户名', '原因']);
  assert.equal(sheet.rowCount, 6);
  assert.deepEqual((sheet.getRow(2).values as unknown[]).slice(1, 4), [2, '已创建', '王小明']);
  assert.deepEqual((sheet.getRow(3).values as unknown[]).slice(1, 3), [3, '未通过']);
  assert.match(String(sheet.getRow(3).getCell(5).value), /校验位/);
  assert.match(String(sheet.getRow(6).getCell(5).value), /服务区域/);

  const csv = await asUser(t.app, admin, { method: 'GET', url: `/api/v1/imports/${final.id}/report.csv` });
  assert.equal(csv.statusCode, 200);
  const lines = [...parseCsv(decodeText(csv.rawPayload))];
  assert.deepEqual(lines[0]!.cells, ['行号', '结果', '姓名', '用户名', '原因']);
  assert.equal(lines.length, 6);
  assert.deepEqual(lines[4]!.cells.slice(0, 2), ['5', '未通过']);
});

test('duplicates inside the file and against the database are refused row by row', async () => {
  const existing = volunteerBody();
  assert.equal((await t.app.inject({ method: 'POST', url: '/api/v1/volunteers', payload: existing })).statusCode, 201);
  const id = makeIdNumber();
  const phone = makePhone();
  const rows = [
    ['姓名', '证件号码', '手机号', '服务区域代码', '用户名'],
    ['甲', id, makePhone(), '110105', 'dup_user_1'],
    ['乙', makeIdNumber(), phone, '110105', ''],
    ['丙', id, makePhone(), '110105', ''],
    ['丁', makeIdNumber(), phone, '110105', 'DUP_USER_1'],
    ['戊', makeIdNumber(), existing.phone, '110105', ''],
    ['己', existing.idNumber, makePhone(), '110105', existing.username],
    ['庚', makeIdNumber(), makePhone(), '110105', ''],
  ];
  const { final } = await runImport(admin, { content: await xlsxOf(rows), fileName: 'dups.xlsx', mode: 'good_rows' });
  assert.deepEqual([final.status, final.created, final.refused], ['done', 1, 6]);
  const report = await reportRows(final.id);
  assert.match(report.get(2).reasons.map((r: any) => r.message).join(), /证件号码与第 4 行重复/);
  assert.match(report.get(2).reasons.map((r: any) => r.message).join(), /用户名与第 5 行重复/);
  assert.match(report.get(4).reasons[0].message, /证件号码与第 2 行重复/);
  assert.match(report.get(3).reasons[0].message, /手机号码与第 5 行重复/);
  assert.deepEqual(report.get(5).reasons.map((r: any) => r.code).sort(), ['DUPLICATE_IN_FILE', 'DUPLICATE_IN_FILE']);
  assert.deepEqual(report.get(6).reasons.map((r: any) => r.code), ['PHONE_REGISTERED']);
  assert.deepEqual(report.get(7).reasons.map((r: any) => r.code), ['ID_NUMBER_REGISTERED', 'USERNAME_TAKEN']);
  assert.equal(report.get(8).status, 'created');
});

test('a volunteer may not import; a file of the wrong type and a missing column are refused', async () => {
  const v = volunteerBody();
  await t.app.inject({ method: 'POST', url: '/api/v1/volunteers', payload: v });
  const { cookie } = await signIn(t.app, v.username, v.password);
  const refused = await upload(cookie, { content: csvOf([VOLUNTEER_HEADER, goodRow()]), fileName: 'x.csv' });
  assert.equal(refused.statusCode, 403);
  assert.equal(refused.json().code, 'FORBIDDEN');
  assert.equal((await t.app.inject({ method: 'POST', url: '/api/v1/imports?kind=volunteers&siteCode=11&fileName=x.csv', payload: 'a,b', headers: { 'content-type': 'text/csv' } })).statusCode, 401);

  const xls = await upload(admin, { content: Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 1, 2, 3]), fileName: 'old.xls' });
  assert.equal(xls.statusCode, 422);
  assert.equal(xls.json().code, 'IMPORT_FILE_TYPE');

  const { final } = await runImport(admin, { content: csvOf([['姓名', '手机号'], ['张三', makePhone()]]), fileName: 'cols.csv' });
  assert.equal(final.status, 'failed');
  assert.equal(final.error.code, 'HEADER_MISSING');
  assert.match(final.error.message, /证件号码、服务区域代码/);

  const broken = await runImport(admin, { content: Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(100, 7)]), fileName: 'broken.xlsx' });
  assert.equal(broken.final.status, 'failed');
  assert.equal(broken.final.error.code, 'FILE_UNREADABLE');
});

test('JSON upload with base64 content; an ID number Excel stored as a number is explained', async () => {
  const id = makeIdNumber();
  const rows: (string | number)[][] = [VOLUNTEER_HEADER, ['周九', '居民身份证', Number(id.slice(0, 17)) * 10, makePhone(), '', '110105'], goodRow('吴十')];
  const res = await asUser(t.app, admin, {
    method: 'POST', url: '/api/v1/imports',
    payload: { fileName: 'json.xlsx', contentBase64: (await xlsxOf(rows)).toString('base64'), kind: 'volunteers', mode: 'good_rows', siteCode: '11' },
  });
  assert.equal(res.statusCode, 202, res.body);
  const { final } = await waitForImport(t.app, admin, res.json().importId);
  assert.deepEqual([final.status, final.created, final.refused], ['done', 1, 1]);
  const report = await reportRows(final.id);
  assert.equal(report.get(2).reasons[0].code, 'ID_NUMBER_AS_NUMBER');
  assert.match(report.get(2).reasons[0].message, /文本/);
});

test('progress is visible while a larger file is written in batches', async () => {
  const rows = [VOLUNTEER_HEADER, ...Array.from({ length: 2500 }, () => goodRow())];
  const res = await upload(admin, { content: csvOf(rows), fileName: 'big.csv', mode: 'good_rows' });
  assert.equal(res.statusCode, 202);
  assert.equal(res.json().status, 'queued');
  const { final, seen } = await waitForImport(t.app, admin, res.json().importId);
  assert.deepEqual([final.status, final.total, final.processed, final.created, final.percent], ['done', 2500, 2500, 2500, 100]);
  const running = seen.filter((v) => v.status === 'running');
  assert.ok(running.length > 0, 'the job was seen running');
  assert.ok(running.some((v) => v.phase === 'writing' && v.processed > 0 && v.processed < 2500 && v.percent > 10 && v.percent < 100),
    `a partial count was seen: ${JSON.stringify(running.map((v) => [v.phase, v.processed, v.percent]))}`);
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i].percent >= seen[i - 1].percent, 'progress never goes back');
  const list = await asUser(t.app, admin, { method: 'GET', url: '/api/v1/imports' });
  assert.ok(list.json().items.some((i: any) => i.id === final.id));
});

test('the template files open and the report waits for the job', async () => {
  const res = await asUser(t.app, admin, { method: 'GET', url: '/api/v1/imports/template.xlsx?kind=staff' });
  assert.equal(res.statusCode, 200);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
  assert.deepEqual((wb.worksheets[0]!.getRow(1).values as unknown[]).slice(1, 4), ['姓名', '证件类型', '证件号码']);
  assert.ok((wb.worksheets[0]!.getRow(1).values as unknown[]).includes('人员编制'));
  const unknown = await asUser(t.app, admin, { method: 'GET', url: '/api/v1/imports/00000000-0000-7000-8000-000000000000' });
  assert.equal(unknown.statusCode, 404);
});

test('a row that loses its identifier to a registration between check and write is not created', async () => {
  const cells = { name: '郑一', idNumber: makeIdNumber(), phone: makePhone(), serviceRegionCode: '110105', username: 'race_user_1' };
  const checked = checkPerson('volunteers', 2, cells, { siteCode: '11', now: new Date() });
  assert.ok(checked.ok);
  const record = checked.record as typeof checked.record & { username: string };
  const keys = personKeys(t.app.ctx, record);
  // Someone else takes the phone first.
  const other = volunteerBody({ phone: cells.phone });
  assert.equal((await t.app.inject({ method: 'POST', url: '/api/v1/volunteers', payload: other })).statusCode, 201);
  const hash = await unusablePasswordHash();
  const outcome = await t.app.ctx.db.transaction().execute((trx) =>
    insertPeople(t.app.ctx, trx, [{ record, keys }], { kind: 'volunteers', siteCode: '11', unitId: null, passwordHash: hash, now: new Date() }));
  assert.equal(outcome.created.length, 0);
  assert.deepEqual(outcome.lost[0]!.problems.map((p) => p.code), ['PHONE_REGISTERED']);
  const left = await t.app.ctx.db.selectFrom('accounts').select('id').where('username', '=', 'race_user_1').execute();
  assert.equal(left.length, 0, 'the losing account is removed with its keys');
});

test('the streaming .xlsx reader keeps every Chinese character, wherever the zip chunks split them', async () => {
  for (const useSharedStrings of [true, false]) {
    const names = Array.from({ length: 4000 }, (_, i) => `${'张王李赵'[i % 4]}${'欣怡梓涵'.repeat(1 + (i % 3))}${i}`);
    const stream = new PassThrough();
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useSharedStrings });
    const ws = wb.addWorksheet('名单');
    for (const n of names) ws.addRow([n]).commit();
    ws.commit();
    await wb.commit();
    const read: unknown[] = [];
    for await (const row of readRows('xlsx', Buffer.concat(chunks))) read.push(row.cells[0]);
    assert.deepEqual(read, names, `useSharedStrings ${useSharedStrings}`);
  }
});

test('CSV: quotes, line breaks inside quotes, GB18030 files from Excel', () => {
  const rows = [...parseCsv('a,"b ""q""",c\r\n"line\nbreak",,x\n')];
  assert.deepEqual(rows.map((r) => [r.rowNumber, r.cells]), [[1, ['a', 'b "q"', 'c']], [2, ['line\nbreak', '', 'x']]]);
  const gbk = Buffer.from([0xd0, 0xd5, 0xc3, 0xfb, 0x2c, 0xd5, 0xc5, 0xc8, 0xfd]); // "姓名,张三" in GBK
  assert.equal(decodeText(gbk), '姓名,张三');
});

test('a job whose process stopped (no heartbeat) fails on the next read, and an all-or-nothing job takes its accounts back', async () => {
  const db = t.app.ctx.db;
  const creator = await db.selectFrom('accounts').select('id').where('username', '=', TEST_ADMIN.username).executeTakeFirstOrThrow();
  const past = new Date(Date.now() - 10 * 60_000);
  const jobId = uuidv7(past.getTime());
  await db.insertInto('import_jobs').values({
    id: jobId, kind: 'volunteers', mode: 'all_or_nothing', site_code: '11', unit_id: null, file_name: 'crashed.csv', format: 'csv',
    status: 'running', phase: 'writing', total: 2, created_by: creator.id, created_at: past, heartbeat_at: past,
  }).execute();
  const checked = checkPerson('volunteers', 2, { name: '冯九', idNumber: makeIdNumber(), phone: makePhone(), serviceRegionCode: '110105', username: 'crashed_user' }, { siteCode: '11', now: new Date() });
  assert.ok(checked.ok);
  const record = checked.record as typeof checked.record & { username: string };
  const outcome = await db.transaction().execute((trx) =>
    insertPeople(t.app.ctx, trx, [{ record, keys: personKeys(t.app.ctx, record) }], { kind: 'volunteers', siteCode: '11', unitId: null, passwordHash: 'x', now: past }));
  await db.insertInto('import_rows').values({ job_id: jobId, row_number: 2, status: 'created', name: '冯九', username: 'crashed_user', account_id: outcome.created[0]!.accountId, reasons: '[]' }).execute();
  // While the job could still take the account back, it cannot be activated.
  assert.equal((await t.app.inject({ method: 'POST', url: '/api/v1/activation/start', payload: { account: 'crashed_user', name: '冯九' } })).statusCode, 404);

  const view = (await asUser(t.app, admin, { method: 'GET', url: `/api/v1/imports/${jobId}` })).json();
  assert.equal(view.status, 'failed');
  assert.equal(view.error.code, 'INTERRUPTED');
  assert.equal(await phoneTaken(record.phone), false, 'the account is gone');
  const report = await reportRows(jobId);
  assert.equal(report.get(2).status, 'not_created');
});
