import { PassThrough, type Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { AppContext } from '../../platform/context.js';
import type { ImportKind, ImportRowProblem } from '../../platform/database/schema.js';
import type { SessionAccount } from '../../platform/sessions.js';
import { AppError } from '../../platform/errors.js';
import { columnsFor } from './columns.js';
import { recoverIfStale, STALE_MS } from './job.js';
import { TEXT } from './text.js';

/** What GET /imports/{id} shows: the job, its progress and its summary. */
export interface ImportView {
  id: string;
  kind: ImportKind;
  mode: string;
  fileName: string;
  format: string;
  siteCode: string;
  unitId: string | null;
  status: string;
  phase: string | null;
  rowsRead: number;
  total: number | null;
  processed: number;
  created: number;
  refused: number;
  percent: number;
  error: { code: string; message: string } | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  reportUrls: { xlsx: string; csv: string } | null;
}

const notFound = () => new AppError(404, 'IMPORT_NOT_FOUND', TEXT.notFound);
const FINISHED = ['done', 'rejected', 'failed'];

function percentOf(row: { status: string; phase: string | null; total: number | null; processed: number }): number {
  if (FINISHED.includes(row.status)) return 100;
  if (row.status === 'queued') return 0;
  switch (row.phase) {
    case 'reading': return 2;
    case 'checking': return 10;
    case 'writing': return row.total ? 10 + Math.floor((85 * row.processed) / row.total) : 10;
    case 'notifying': return 95;
    default: return 0;
  }
}

/** The job if `account` started it (system administrators see every job); otherwise 404. */
async function loadJob(ctx: AppContext, account: SessionAccount, id: string) {
  const read = () => ctx.db.selectFrom('import_jobs').selectAll().where('id', '=', id).executeTakeFirst();
  let row = await read();
  if (!row || (account.type !== 'admin' && row.created_by !== account.id)) throw notFound();
  if ((row.status === 'queued' || row.status === 'running') && ctx.now().getTime() - row.heartbeat_at.getTime() > STALE_MS) {
    await recoverIfStale(ctx, id);
    row = (await read())!;
  }
  return row;
}

type JobRow = Awaited<ReturnType<typeof loadJob>>;

function toView(row: JobRow): ImportView {
  const finished = row.status === 'done' || row.status === 'rejected' || (row.status === 'failed' && row.total !== null);
  return {
    id: row.id, kind: row.kind, mode: row.mode, fileName: row.file_name, format: row.format, siteCode: row.site_code, unitId: row.unit_id,
    status: row.status, phase: row.phase, rowsRead: row.rows_read, total: row.total, processed: row.processed,
    created: row.created_count, refused: row.refused_count, percent: percentOf(row),
    error: row.error_code ? { code: row.error_code, message: row.error ?? '' } : null,
    createdAt: row.created_at.toISOString(), startedAt: row.started_at?.toISOString() ?? null, finishedAt: row.finished_at?.toISOString() ?? null,
    reportUrls: finished ? { xlsx: `/api/v1/imports/${row.id}/report.xlsx`, csv: `/api/v1/imports/${row.id}/report.csv` } : null,
  };
}

export async function getImport(ctx: AppContext, account: SessionAccount, id: string): Promise<ImportView> {
  return toView(await loadJob(ctx, account, id));
}

export async function listImports(ctx: AppContext, account: SessionAccount, page: number, pageSize: number) {
  const base = ctx.db.selectFrom('import_jobs').where('created_by', '=', account.id);
  const [rows, count] = await Promise.all([
    base.selectAll().orderBy('created_at', 'desc').limit(pageSize).offset((page - 1) * pageSize).execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(toView), total: Number(count.n), page, pageSize };
}

export interface ReportRow {
  row: number;
  status: 'created' | 'refused' | 'not_created';
  statusText: string;
  name: string | null;
  username: string | null;
  reasons: ImportRowProblem[];
}

const toReportRow = (r: { row_number: number; status: ReportRow['status']; name: string | null; username: string | null; reasons: ImportRowProblem[] }): ReportRow => ({
  row: r.row_number, status: r.status, statusText: TEXT.status[r.status], name: r.name, username: r.username, reasons: r.reasons,
});

/** One page of the row report (the page in the web app; the files below hold all of it). */
export async function listImportRows(ctx: AppContext, account: SessionAccount, id: string, filter: { status?: ReportRow['status']; page: number; pageSize: number }) {
  await loadJob(ctx, account, id);
  let base = ctx.db.selectFrom('import_rows').where('job_id', '=', id);
  if (filter.status) base = base.where('status', '=', filter.status);
  const [rows, count] = await Promise.all([
    base.select(['row_number', 'status', 'name', 'username', 'reasons']).orderBy('row_number').limit(filter.pageSize).offset((filter.page - 1) * filter.pageSize).execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(toReportRow), total: Number(count.n), page: filter.page, pageSize: filter.pageSize };
}

/** Every report row in order, read in pages by row number so a 100,000-row report is never in memory whole. */
async function* allReportRows(ctx: AppContext, id: string): AsyncGenerator<ReportRow> {
  let after = 0;
  for (;;) {
    const rows = await ctx.db.selectFrom('import_rows').select(['row_number', 'status', 'name', 'username', 'reasons'])
      .where('job_id', '=', id).where('row_number', '>', after).orderBy('row_number').limit(2000).execute();
    if (rows.length === 0) return;
    for (const r of rows) yield toReportRow(r);
    after = rows[rows.length - 1]!.row_number;
  }
}

const REPORT_HEADER = ['行号', '结果', '姓名', '用户名', '原因'];
const reasonsText = (r: ReportRow) => r.reasons.map((p) => p.message).join('；');

/** A report may be downloaded once the job has finished reading and checking. */
export async function reportJob(ctx: AppContext, account: SessionAccount, id: string) {
  const job = await loadJob(ctx, account, id);
  if (!['done', 'rejected', 'failed'].includes(job.status)) throw new AppError(409, 'IMPORT_NOT_FINISHED', TEXT.notFinished);
  return job;
}

export function reportFileName(fileName: string, ext: 'xlsx' | 'csv') {
  return `${fileName.replace(/\.(xlsx|csv|txt)$/i, '')}-导入结果.${ext}`;
}

/** RFC 6266 attachment header with a UTF-8 file name (and an ASCII fallback). */
export function attachment(name: string) {
  return `attachment; filename="import-report.${name.split('.').pop()}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** The row report as a real .xlsx, written by exceljs' streaming writer straight into the response. */
export function reportXlsx(ctx: AppContext, id: string, summary: { fileName: string; status: string; created: number; refused: number; total: number | null; error: string | null }): Readable {
  const out = new PassThrough();
  void (async () => {
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
    const sheet = workbook.addWorksheet('导入结果', { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.columns = [{ width: 8 }, { width: 10 }, { width: 14 }, { width: 16 }, { width: 80 }];
    const header = sheet.addRow(REPORT_HEADER);
    header.font = { bold: true };
    header.commit();
    for await (const r of allReportRows(ctx, id)) {
      sheet.addRow([r.row, r.statusText, r.name ?? '', r.username ?? '', reasonsText(r)]).commit();
    }
    sheet.commit();
    const info = workbook.addWorksheet('汇总');
    info.addRow(['文件', summary.fileName]).commit();
    info.addRow(['结果', { done: '已完成', rejected: '未导入（有未通过的行）', failed: '失败' }[summary.status] ?? summary.status]).commit();
    info.addRow(['数据行数', summary.total ?? 0]).commit();
    info.addRow(['已创建', summary.created]).commit();
    info.addRow(['未通过', summary.refused]).commit();
    if (summary.error) info.addRow(['说明', summary.error]).commit();
    info.commit();
    await workbook.commit();
  })().catch((error) => {
    ctx.log.error({ err: error, importId: id }, 'import report failed');
    out.destroy(error instanceof Error ? error : new Error(String(error)));
  });
  return out;
}

/** A CSV cell: quoted when needed, and a leading = + - @ neutralised so a spreadsheet never runs it as a formula. */
export function csvCell(value: string | number | null): string {
  let text = value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The row report as UTF-8 CSV with a byte-order mark (so Excel shows the Chinese text correctly). */
export function reportCsv(ctx: AppContext, id: string): Readable {
  const out = new PassThrough();
  void (async () => {
    out.write('\uFEFF' + REPORT_HEADER.join(',') + '\r\n');
    let chunk = '';
    for await (const r of allReportRows(ctx, id)) {
      chunk += [r.row, r.statusText, r.name, r.username, reasonsText(r)].map(csvCell).join(',') + '\r\n';
      if (chunk.length > 64 * 1024) {
        if (!out.write(chunk)) await new Promise((resolve) => out.once('drain', resolve));
        chunk = '';
      }
    }
    out.end(chunk);
  })().catch((error) => {
    ctx.log.error({ err: error, importId: id }, 'import report failed');
    out.destroy(error instanceof Error ? error : new Error(String(error)));
  });
  return out;
}

/** An empty file to fill in: the header row and one example row. */
export async function templateXlsx(kind: ImportKind): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(kind === 'staff' ? '工作人员' : '志愿者');
  const columns = columnsFor(kind);
  sheet.columns = columns.map((c) => ({ header: c.header, width: Math.max(12, c.example.length * 2), style: { numFmt: '@' } }));
  sheet.getRow(1).font = { bold: true };
  // Examples go to the notes sheet only: an example row left in the data sheet would be imported.
  const notes = workbook.addWorksheet('填写说明');
  notes.addRow(['列名', '是否必填', '示例']);
  for (const c of columns) notes.addRow([c.header, c.required.includes(kind) ? '必填' : '选填', c.example]);
  notes.addRow([]);
  notes.addRow(['证件号码、手机号请使用“文本”格式，以免 Excel 把长数字改成科学计数法。']);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export function templateCsv(kind: ImportKind): string {
  const columns = columnsFor(kind);
  return '\uFEFF' + columns.map((c) => csvCell(c.header)).join(',') + '\r\n';
}
