import type { FastifyRequest } from 'fastify';
import ExcelJS from 'exceljs';
import type { AppContext } from '../../platform/context.js';
import { AppError, type FieldProblem } from '../../platform/errors.js';
import { lookupKey } from '../accounts/lookups.js';
import { normaliseHeader } from '../imports/columns.js';
import { decodeText, detectFormat, parseCsv } from '../imports/read.js';
import { chinaToday } from '../projects/status.js';
import { organiserProject } from './from-attendance.js';
import { recordHours } from './record.js';
import type { RecordInput } from './rules.js';
import { IMPORT_TEXT } from './text.js';

export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;
export const MAX_IMPORT_ROWS = 10_000;
const DAY_MS = 86_400_000;
/** Excel's day 0 (1899-12-30, the 1900 leap-year bug included) in Unix milliseconds. */
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);

type Key = 'volunteerNumber' | 'idNumber' | 'position' | 'serviceDate' | 'startTime' | 'endTime' | 'hours' | 'note';
interface Column { key: Key; header: string; aliases: string[]; required: boolean }

/** The columns, matched by header text in any order; the identity is 志愿者编号 or 证件号码 (at least one of the two columns). */
export const HOUR_COLUMNS: Column[] = [
  { key: 'volunteerNumber', header: '志愿者编号', aliases: ['volunteerNumber', '编号'], required: false },
  { key: 'idNumber', header: '证件号码', aliases: ['idNumber', '身份证号', '身份证号码', '证件号'], required: false },
  { key: 'position', header: '岗位', aliases: ['position', '岗位名称'], required: false },
  { key: 'serviceDate', header: '服务日期', aliases: ['serviceDate', '日期'], required: true },
  { key: 'startTime', header: '开始时间', aliases: ['startTime'], required: true },
  { key: 'endTime', header: '结束时间', aliases: ['endTime'], required: true },
  { key: 'hours', header: '时长(小时)', aliases: ['hours', '时长', '服务时长', '服务时长(小时)', '小时数'], required: true },
  { key: 'note', header: '备注', aliases: ['note'], required: false },
];
const byHeader = new Map<string, Column>();
for (const c of HOUR_COLUMNS) for (const name of [c.header, ...c.aliases]) byHeader.set(normaliseHeader(name), c);
const headerOf = (key: Key) => HOUR_COLUMNS.find((c) => c.key === key)!.header;

/** A cell as the sheet holds it: exceljs gives dates and times as Date (UTC wall time), plain numbers as numbers. */
type Raw = string | number | Date | null;

function rawOf(value: unknown): Raw {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || value instanceof Date) return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (Array.isArray(v.richText)) return (v.richText as { text?: string }[]).map((r) => r.text ?? '').join('');
    if ('result' in v) return rawOf(v.result);
    if ('text' in v) return rawOf(v.text);
    if ('error' in v) return null;
  }
  return String(value);
}

const blank = (c: Raw) => c === null || (typeof c === 'string' && c.trim() === '');
const pad = (n: number) => String(n).padStart(2, '0');

function dateOf(c: Raw): string | null {
  if (c instanceof Date) return Number.isNaN(c.getTime()) ? null : c.toISOString().slice(0, 10);
  if (typeof c === 'number') return c >= 1 && c < 2_958_466 ? new Date(EXCEL_EPOCH_MS + Math.floor(c) * DAY_MS).toISOString().slice(0, 10) : null;
  const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec((c ?? '').trim());
  return m ? `${m[1]}-${pad(Number(m[2]))}-${pad(Number(m[3]))}` : null;
}

function timeOf(c: Raw): string | null {
  let minutes: number;
  if (c instanceof Date) {
    if (Number.isNaN(c.getTime())) return null;
    minutes = Math.round((((c.getTime() % DAY_MS) + DAY_MS) % DAY_MS) / 60_000);
  } else if (typeof c === 'number') {
    if (c < 0) return null;
    minutes = Math.round((c - Math.floor(c)) * 1440);
  } else {
    const m = /^(\d{1,2})\s*[:：]\s*(\d{2})(?:\s*[:：]\s*\d{2})?$/.exec((c ?? '').trim());
    if (!m || Number(m[1]) > 24 || Number(m[2]) > 59 || (Number(m[1]) === 24 && Number(m[2]) > 0)) return null;
    minutes = Number(m[1]) * 60 + Number(m[2]);
  }
  minutes %= 1440; // 24:00 is midnight; an end at or before the start is the next day
  return `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

function hoursOf(c: Raw): number | null {
  if (typeof c === 'number') return c;
  if (typeof c === 'string' && /^\d+(\.\d+)?$/.test(c.trim())) return Number(c.trim());
  return null;
}

const textOf = (c: Raw) => (c === null ? '' : c instanceof Date ? c.toISOString() : String(c).trim());

const badFile = (code: string, title: string, field = 'file') => new AppError(400, code, title, { errors: [{ field, code }] });

interface SheetRow { rowNumber: number; cells: Raw[] }

async function readSheet(fileName: string, content: Buffer): Promise<SheetRow[]> {
  const format = detectFormat(fileName, content);
  if (!format) throw badFile('IMPORT_FILE_TYPE', IMPORT_TEXT.fileType);
  const rows: SheetRow[] = [];
  if (format === 'csv') {
    try {
      for (const row of parseCsv(decodeText(content))) rows.push(row);
    } catch {
      throw badFile('IMPORT_FILE_UNREADABLE', IMPORT_TEXT.fileUnreadable);
    }
    return rows;
  }
  // Whole-workbook reading: files are at most 5 MB, and the streaming reader's cells lose the time of day.
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(content as unknown as ArrayBuffer);
  } catch {
    throw badFile('IMPORT_FILE_UNREADABLE', IMPORT_TEXT.fileUnreadable);
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw badFile('IMPORT_FILE_EMPTY', IMPORT_TEXT.fileEmpty);
  if (sheet.actualRowCount > MAX_IMPORT_ROWS + 1) throw badFile('IMPORT_TOO_MANY_ROWS', IMPORT_TEXT.tooManyRows(MAX_IMPORT_ROWS));
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const values = row.values as unknown[];
    const cells: Raw[] = [];
    for (let i = 1; i < values.length; i++) cells.push(rawOf(values[i]));
    rows.push({ rowNumber, cells });
  });
  return rows;
}

interface ImportProblem extends FieldProblem { row: number; message: string }

/**
 * Hours from a spreadsheet, through the one batch path: every row is checked, and either all are recorded or
 * none, with each bad row named by its spreadsheet row number (the header is row 1) and column.
 */
export async function importHours(ctx: AppContext, request: FastifyRequest, projectId: string, file: { fileName: string; content: Buffer }, dryRun: boolean) {
  const project = await organiserProject(ctx, request, projectId);
  if (file.content.length === 0) throw badFile('IMPORT_FILE_EMPTY', IMPORT_TEXT.fileEmpty);
  if (file.content.length > MAX_IMPORT_BYTES) throw badFile('IMPORT_FILE_TOO_LARGE', IMPORT_TEXT.fileTooLarge(MAX_IMPORT_BYTES / 1024 / 1024));
  const sheet = await readSheet(file.fileName, file.content);
  const header = sheet.find((r) => r.rowNumber === 1);
  const at = new Map<Key, number>();
  for (const [i, cell] of (header?.cells ?? []).entries()) {
    const column = typeof cell === 'string' ? byHeader.get(normaliseHeader(cell)) : undefined;
    if (!column) continue;
    if (at.has(column.key)) throw badFile('IMPORT_HEADER_DUPLICATE', IMPORT_TEXT.headerDuplicate(column.header));
    at.set(column.key, i);
  }
  const missing = HOUR_COLUMNS.filter((c) => c.required && !at.has(c.key)).map((c) => c.header);
  if (!at.has('volunteerNumber') && !at.has('idNumber')) missing.unshift('志愿者编号或证件号码');
  if (missing.length > 0) throw badFile('IMPORT_HEADER_MISSING', IMPORT_TEXT.headerMissing(missing));
  const data = sheet.filter((r) => r.rowNumber > 1 && !r.cells.every(blank));
  if (data.length === 0) throw badFile('IMPORT_FILE_EMPTY', IMPORT_TEXT.fileEmpty);
  if (data.length > MAX_IMPORT_ROWS) throw badFile('IMPORT_TOO_MANY_ROWS', IMPORT_TEXT.tooManyRows(MAX_IMPORT_ROWS));

  const cell = (r: SheetRow, key: Key): Raw => (at.has(key) ? r.cells[at.get(key)!] ?? null : null);
  const problems: ImportProblem[] = [];
  const flag = (row: number, field: string, code: string) =>
    problems.push({ row, field, code, message: IMPORT_TEXT.rows[code] ?? IMPORT_TEXT.rows.INVALID! });

  // Volunteers by number or ID number (keyed hashes, as everywhere), in one lookup per kind.
  const wanted: { kind: 'volunteer_number' | 'id_number'; key: string }[] = [];
  const identity = data.map((r) => {
    const number = cell(r, 'volunteerNumber');
    const id = cell(r, 'idNumber');
    if (!blank(number)) {
      const value = typeof number === 'number' ? String(number) : textOf(number);
      const key = lookupKey(ctx.cipher, 'volunteer_number', value);
      wanted.push({ kind: 'volunteer_number', key });
      return { header: headerOf('volunteerNumber'), kind: 'volunteer_number' as const, key };
    }
    if (!blank(id)) {
      if (typeof id === 'number') return { header: headerOf('idNumber'), code: 'ID_NUMBER_AS_NUMBER' };
      const key = lookupKey(ctx.cipher, 'id_number', textOf(id).replace(/\s/g, ''));
      wanted.push({ kind: 'id_number', key });
      return { header: headerOf('idNumber'), kind: 'id_number' as const, key };
    }
    return { header: at.has('volunteerNumber') ? headerOf('volunteerNumber') : headerOf('idNumber'), code: 'REQUIRED' };
  });
  const accounts = new Map<string, string>();
  for (const kind of ['volunteer_number', 'id_number'] as const) {
    const keys = [...new Set(wanted.filter((w) => w.kind === kind).map((w) => w.key))];
    for (let i = 0; i < keys.length; i += 5000) {
      const rows = await ctx.db.selectFrom('account_lookups').select(['lookup', 'account_id'])
        .where('kind', '=', kind).where('lookup', 'in', keys.slice(i, i + 5000)).execute();
      for (const r of rows) accounts.set(`${kind}:${r.lookup}`, r.account_id);
    }
  }
  const positions = new Map((await ctx.db.selectFrom('positions').select(['id', 'name'])
    .where('site_code', '=', project.site_code).where('project_id', '=', project.id).execute()).map((p) => [normaliseHeader(p.name), p.id]));

  const records: RecordInput[] = [];
  const origin: { row: number; identity: string }[] = [];
  data.forEach((r, i) => {
    const before = problems.length;
    const who = identity[i]!;
    const volunteerId = 'key' in who ? accounts.get(`${who.kind}:${who.key}`) : undefined;
    if ('code' in who) flag(r.rowNumber, who.header, who.code!);
    else if (!volunteerId) flag(r.rowNumber, who.header, 'VOLUNTEER_NOT_FOUND');
    let positionId: string | undefined;
    if (!blank(cell(r, 'position'))) {
      positionId = positions.get(normaliseHeader(textOf(cell(r, 'position'))));
      if (!positionId) flag(r.rowNumber, headerOf('position'), 'UNKNOWN');
    }
    const value = <T>(key: Key, parse: (c: Raw) => T | null): T | null => {
      const c = cell(r, key);
      if (blank(c)) return (flag(r.rowNumber, headerOf(key), 'REQUIRED'), null);
      const v = parse(c);
      if (v === null) flag(r.rowNumber, headerOf(key), 'INVALID');
      return v;
    };
    const serviceDate = value('serviceDate', dateOf);
    const startTime = value('startTime', timeOf);
    const endTime = value('endTime', timeOf);
    const hours = value('hours', hoursOf);
    const note = textOf(cell(r, 'note'));
    if (note.length > 500) flag(r.rowNumber, headerOf('note'), 'TOO_LONG');
    if (problems.length > before) return;
    records.push({ volunteerId: volunteerId!, ...(positionId ? { positionId } : {}), serviceDate: serviceDate!, startTime: startTime!, endTime: endTime!, hours: hours!, ...(note ? { note } : {}) });
    origin.push({ row: r.rowNumber, identity: who.header });
  });

  const fieldHeader: Record<string, string> = {
    positionId: headerOf('position'), serviceDate: headerOf('serviceDate'), startTime: headerOf('startTime'), endTime: headerOf('endTime'),
    hours: headerOf('hours'), note: headerOf('note'),
  };
  try {
    const result = await recordHours(ctx, request, project.id, records, {
      problems: problems.map((p) => ({ field: `row ${p.row}`, code: p.code })), dryRun, source: 'import',
    });
    return dryRun ? { ok: true as const, rows: data.length } : result;
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'HOURS_INVALID') throw error;
    for (const p of error.options.errors ?? []) {
      const m = /^records\[(\d+)\]\.(\w+)$/.exec(p.field);
      if (!m) continue; // ours, already in `problems`
      const o = origin[Number(m[1])]!;
      flag(o.row, m[2] === 'volunteerId' ? o.identity : fieldHeader[m[2]!] ?? m[2]!, p.code);
    }
    problems.sort((a, b) => a.row - b.row);
    throw new AppError(422, 'HOURS_INVALID', error.title, { errors: problems });
  }
}

/** The template: the column names and one example row (to be replaced), with every column as text so Excel keeps long numbers. */
export async function hoursTemplate(ctx: AppContext, request: FastifyRequest, projectId: string): Promise<Buffer> {
  const project = await organiserProject(ctx, request, projectId);
  const position = await ctx.db.selectFrom('positions').select('name')
    .where('site_code', '=', project.site_code).where('project_id', '=', project.id).orderBy('name').executeTakeFirst();
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('服务时长');
  sheet.columns = HOUR_COLUMNS.map((c) => ({ header: c.header, width: c.key === 'note' ? 30 : 16, style: { numFmt: '@' } }));
  sheet.getRow(1).font = { bold: true };
  const example = project.start_date <= chinaToday(ctx.now()) ? chinaToday(ctx.now()) : project.start_date;
  sheet.addRow(['11000000000001', '', position?.name ?? '', example, '09:00', '12:00', '3', '示例行：请替换为实际记录']);
  const notes = workbook.addWorksheet('填写说明');
  for (const line of [
    ['第 1 行为列名，列的顺序可以调整；从第 2 行起每行一条服务时长，整个文件全部通过检查才会导入。'],
    ['志愿者编号、证件号码：填写其一即可（都填时以志愿者编号为准）；志愿者须已被录用到本项目。'],
    ['岗位：可不填，不填时使用志愿者被录用的岗位。'],
    ['服务日期：如 2026-11-20；开始时间、结束时间：如 09:00；结束时间早于开始时间视为次日结束。'],
    ['时长(小时)：大于 0、最多两位小数，且不超过开始到结束的时间；同一志愿者同一天最多 24 小时，时间不能重叠。'],
    [`每个文件最多 ${MAX_IMPORT_ROWS} 行、${MAX_IMPORT_BYTES / 1024 / 1024} MB。`],
  ]) notes.addRow(line);
  notes.getColumn(1).width = 100;
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
