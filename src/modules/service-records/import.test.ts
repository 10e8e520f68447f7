import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { asUser, createTestApp, type TestApp } from '../../../test/helper.js';
import { seedGroup } from '../../../test/groups.js';
import { dayFrom } from '../projects/test-support.js';
import { enrol, project as newProject, volunteer as newVolunteer } from '../schedules/test-support.js';
import { claimLookup, lookupKey } from '../accounts/lookups.js';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t.close(); });

let serial = 0;
/** A verified volunteer with a volunteer number (numbers are normally given at verification). */
async function volunteer() {
  const v = await newVolunteer(t);
  const number = `1100${process.pid}${String(++serial).padStart(4, '0')}`;
  await t.app.ctx.db.updateTable('volunteer_profiles').set({ volunteer_number: number }).where('account_id', '=', v.id).execute();
  assert.ok(await claimLookup(t.app.ctx.db, 'volunteer_number', lookupKey(t.app.ctx.cipher, 'volunteer_number', number), v.id));
  return { ...v, number };
}

/** A project running from ten days ago to five days ahead with the volunteers enrolled as 陪护. */
async function project(enrolled: string[]) {
  const p = await newProject(t);
  await t.app.ctx.db.updateTable('projects').set({ start_date: dayFrom(t.app, -10), end_date: dayFrom(t.app, 5) }).where('id', '=', p.id).execute();
  for (const id of enrolled) await enrol(t, p.id, p.positions['陪护']!, id);
  return p;
}

function form(file: { name: string; content: Buffer | string } | null, fields: Record<string, string> = {}) {
  const boundary = `----zhiyuan${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  if (file) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`));
    chunks.push(Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

const upload = (cookie: string, projectId: string, file: { name: string; content: Buffer | string } | null, fields: Record<string, string> = {}) =>
  asUser(t.app, cookie, { method: 'POST', url: `/api/v1/projects/${projectId}/hours/import`, ...form(file, fields) });

/** An .xlsx as Excel writes it: dates and times as date-formatted cells unless given as text or numbers. */
async function xlsx(header: string[], rows: unknown[][]) {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('时长');
  sheet.addRow(header);
  for (const r of rows) {
    const row = sheet.addRow(r);
    row.eachCell((cell) => {
      if (!(cell.value instanceof Date)) return;
      cell.numFmt = cell.value.getTime() < Date.UTC(1900, 0, 1) ? 'hh:mm' : 'yyyy-mm-dd';
    });
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

const excelDate = (day: string) => new Date(`${day}T00:00:00Z`);
const excelTime = (h: number, m = 0) => new Date(Date.UTC(1899, 11, 30, h, m));
const excelSerial = (day: string) => (Date.parse(`${day}T00:00:00Z`) - Date.UTC(1899, 11, 30)) / 86_400_000;
const count = async (projectId: string) => (await t.app.ctx.db.selectFrom('service_records').select('id').where('project_id', '=', projectId).execute()).length;
const totals = async (accountId: string) =>
  Number((await t.app.ctx.db.selectFrom('volunteer_totals').select('effective_hours').where('account_id', '=', accountId).executeTakeFirst())?.effective_hours ?? 0);

test('a good .xlsx (dates and times as Date, numbers and text; by number or ID number) is checked with dryRun, then recorded', async () => {
  const a = await volunteer();
  const b = await volunteer();
  const p = await project([a.id, b.id]);
  const d1 = dayFrom(t.app, -1);
  const d2 = dayFrom(t.app, -2);
  const d3 = dayFrom(t.app, -3);
  const file = await xlsx(
    ['备注', '时长（小时）', '结束时间', '开始时间', '服务日期', '岗位', '证件号码', '志愿者编号', '姓名'],
    [
      ['上午', 3, excelTime(12), excelTime(9), excelDate(d1), '陪护', null, a.number, '张三'],
      [null, 2.5, excelTime(2), excelTime(22), excelDate(d2), null, b.idNumber, null, '张三'], // across midnight, by ID number
      [],
      [null, 1.5, 17.5 / 24, 15 / 24, excelSerial(d3), '引导', null, Number(a.number), null], // raw numbers
      [null, '2', '20:00', '18:00', d3.replace(/-/g, '/'), null, null, a.number, null], // text
    ],
  );
  const dry = await upload(p.gc, p.id, { name: '时长.xlsx', content: file }, { dryRun: 'true' });
  assert.equal(dry.statusCode, 200, dry.body);
  assert.deepEqual(dry.json(), { ok: true, rows: 4 });
  assert.equal(await count(p.id), 0);

  const res = await upload(p.gc, p.id, { name: '时长.xlsx', content: file });
  assert.equal(res.statusCode, 201, res.body);
  assert.equal(res.json().created, 4);
  assert.equal(await totals(a.id), 6.5);
  assert.equal(await totals(b.id), 2.5);
  const rows = await t.app.ctx.db.selectFrom('service_records').selectAll().where('project_id', '=', p.id).orderBy('service_date').orderBy('start_at').execute();
  const crossing = rows.find((r) => r.account_id === b.id)!;
  assert.equal(new Date(crossing.end_at).getTime() - new Date(crossing.start_at).getTime(), 4 * 3_600_000);
  const guide = rows.find((r) => Number(r.hours) === 1.5)!;
  assert.equal(guide.position_id, p.positions['引导']);
  assert.equal(new Date(guide.start_at).toISOString(), new Date(`${d3}T15:00:00+08:00`).toISOString());
  assert.equal(rows.find((r) => r.note === '上午')?.service_date, d1);
  const audit = await t.app.ctx.db.selectFrom('audit_log').select('detail').where('action', '=', 'group.hours_recorded').where('actor_id', '=', p.group.accountId).execute();
  assert.equal((audit[0]!.detail as any).source, 'import');
});

test('a file with bad rows names each by spreadsheet row and column and creates nothing, dryRun or not', async () => {
  const a = await volunteer();
  const outsider = await volunteer();
  const p = await project([a.id]);
  const d1 = dayFrom(t.app, -1);
  const header = ['志愿者编号', '证件号码', '岗位', '服务日期', '开始时间', '结束时间', '时长(小时)'];
  const file = await xlsx(header, [
    [a.number, null, null, excelDate(d1), excelTime(9), excelTime(12), 3], // row 2: fine on its own, overlapped by row 9
    ['99999999999999', null, null, excelDate(d1), excelTime(13), excelTime(14), 1], // 3 unknown number
    [],
    [a.number, null, null, excelDate(dayFrom(t.app, 1)), excelTime(9), excelTime(10), 1], // 5 future
    [a.number, null, null, excelDate(dayFrom(t.app, -4)), excelTime(9), excelTime(10), 1.5], // 6 more than the span
    [a.number, null, null, excelDate(dayFrom(t.app, -5)), '25:00', excelTime(10), 1], // 7 bad time
    [outsider.number, null, null, excelDate(d1), excelTime(9), excelTime(10), 1], // 8 not enrolled
    [a.number, null, '厨师', excelDate(d1), excelTime(11), excelTime(13), 2], // 9 unknown position
    [a.number, null, null, excelDate(d1), excelTime(11), excelTime(13), 2], // 10 overlaps row 2
    [null, null, null, excelDate(d1), excelTime(14), excelTime(15), null], // 11 no volunteer, no hours
    [null, 123456789012345680, null, excelDate(d1), excelTime(14), excelTime(15), 1], // 12 ID number stored as a number
  ]);
  for (const fields of [{ dryRun: 'true' }, {}] as Record<string, string>[]) {
    const res = await upload(p.gc, p.id, { name: 'bad.xlsx', content: file }, fields);
    assert.equal(res.statusCode, 422, res.body);
    const body = res.json();
    assert.equal(body.code, 'HOURS_INVALID');
    const has = (row: number, field: string, code: string) =>
      assert.ok(body.errors.some((e: any) => e.row === row && e.field === field && e.code === code && e.message), `${row} ${field} ${code}: ${res.body}`);
    has(2, '开始时间', 'OVERLAP');
    has(3, '志愿者编号', 'VOLUNTEER_NOT_FOUND');
    has(5, '服务日期', 'FUTURE_DATE');
    has(6, '时长(小时)', 'HOURS_EXCEED_SPAN');
    has(7, '开始时间', 'INVALID');
    has(8, '志愿者编号', 'NOT_ENROLLED');
    has(9, '岗位', 'UNKNOWN');
    has(10, '开始时间', 'OVERLAP');
    has(11, '志愿者编号', 'REQUIRED');
    has(11, '时长(小时)', 'REQUIRED');
    has(12, '证件号码', 'ID_NUMBER_AS_NUMBER');
    assert.equal(body.errors.some((e: any) => e.row === 4), false, 'the blank row is skipped');
    assert.deepEqual(body.errors.map((e: any) => e.row), [...body.errors.map((e: any) => e.row)].sort((x: number, y: number) => x - y));
  }
  assert.equal(await count(p.id), 0);
  assert.equal(await totals(a.id), 0);
});

test('a .csv (UTF-8 with BOM, quoted note, by ID number only) is recorded', async () => {
  const a = await volunteer();
  const p = await project([a.id]);
  const csv = `\uFEFF证件号码,服务日期,开始时间,结束时间,时长(小时),备注\r\n${a.idNumber},${dayFrom(t.app, -2)},08:30,11:45,3.25,"上午,协助体检"\r\n`
    + `${a.idNumber.toLowerCase()},${dayFrom(t.app, -1)},9:00,10:00,1,\r\n`;
  const res = await upload(p.gc, p.id, { name: 'hours.csv', content: csv });
  assert.equal(res.statusCode, 201, res.body);
  assert.equal(res.json().created, 2);
  assert.equal(await totals(a.id), 4.25);
  const notes = (await t.app.ctx.db.selectFrom('service_records').select('note').where('project_id', '=', p.id).execute()).map((r) => r.note);
  assert.ok(notes.includes('上午,协助体检'));
});

test('bad files are refused with 400 and a title saying what to do; another group gets 403', async () => {
  const a = await volunteer();
  const p = await project([a.id]);
  const refused = async (file: { name: string; content: Buffer | string } | null, code: string) => {
    const res = await upload(p.gc, p.id, file);
    assert.equal(res.statusCode, 400, `${code}: ${res.body}`);
    assert.equal(res.json().code, code);
    assert.match(res.json().title, /[\u4e00-\u9fff]/);
    return res.json();
  };
  await refused({ name: 'old.xls', content: Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 1, 2, 3]) }, 'IMPORT_FILE_TYPE');
  await refused({ name: 'broken.xlsx', content: Buffer.from([0x50, 0x4b, 0x03, 0x04, 9, 9, 9]) }, 'IMPORT_FILE_UNREADABLE');
  const missing = await refused({ name: 'h.csv', content: '姓名,服务日期,开始时间\r\n张三,2026-11-01,09:00\r\n' }, 'IMPORT_HEADER_MISSING');
  assert.match(missing.title, /志愿者编号或证件号码/);
  assert.match(missing.title, /时长\(小时\)/);
  await refused({ name: 'h.csv', content: '志愿者编号,服务日期,开始时间,结束时间,时长(小时)\r\n,,,,\r\n' }, 'IMPORT_FILE_EMPTY');
  await refused({ name: 'h.csv', content: '' }, 'IMPORT_FILE_EMPTY');
  await refused({ name: 'big.csv', content: Buffer.alloc(5 * 1024 * 1024 + 1, 0x41) }, 'IMPORT_FILE_TOO_LARGE');
  await refused(null, 'IMPORT_FILE_MISSING');
  const rows = Array.from({ length: 10_001 }, () => `${a.number},${dayFrom(t.app, -1)},09:00,10:00,1`).join('\n');
  await refused({ name: 'many.csv', content: `志愿者编号,服务日期,开始时间,结束时间,时长(小时)\n${rows}\n` }, 'IMPORT_TOO_MANY_ROWS');
  const json = await asUser(t.app, p.gc, { method: 'POST', url: `/api/v1/projects/${p.id}/hours/import`, payload: { file: 'x' } });
  assert.equal(json.statusCode, 400, json.body);

  const other = await seedGroup(t.app, { level: 'intermediate' });
  const good = `志愿者编号,服务日期,开始时间,结束时间,时长(小时)\n${a.number},${dayFrom(t.app, -1)},09:00,10:00,1\n`;
  const foreign = await upload(await other.signIn(), p.id, { name: 'h.csv', content: good });
  assert.equal(foreign.statusCode, 403, foreign.body);
  assert.equal(foreign.json().code, 'NOT_ORGANISER');
  assert.equal(await count(p.id), 0);
});

test('the template is a real .xlsx with the columns and an example row; filled in, it imports', async () => {
  const a = await volunteer();
  const p = await project([a.id]);
  const res = await asUser(t.app, p.gc, { method: 'GET', url: `/api/v1/projects/${p.id}/hours/template.xlsx` });
  assert.equal(res.statusCode, 200, res.body);
  assert.match(String(res.headers['content-type']), /spreadsheetml/);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0]!;
  assert.deepEqual((sheet.getRow(1).values as unknown[]).slice(1), ['志愿者编号', '证件号码', '岗位', '服务日期', '开始时间', '结束时间', '时长(小时)', '备注']);
  assert.equal(sheet.getRow(2).getCell(5).value, '09:00');
  // Replace the example with a real row, keeping the template's text cells.
  sheet.getRow(2).getCell(1).value = a.number;
  sheet.getRow(2).getCell(4).value = dayFrom(t.app, -1);
  sheet.getRow(2).getCell(8).value = null;
  const filled = Buffer.from(await workbook.xlsx.writeBuffer());
  const created = await upload(p.gc, p.id, { name: 'template.xlsx', content: filled });
  assert.equal(created.statusCode, 201, created.body);
  assert.equal(await totals(a.id), 3);
  const volunteerView = await asUser(t.app, a.cookie, { method: 'GET', url: `/api/v1/projects/${p.id}/hours/template.xlsx` });
  assert.equal(volunteerView.statusCode, 404);
});
