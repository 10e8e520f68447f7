import { Readable, Transform } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import ExcelJS from 'exceljs';

/**
 * Reading an uploaded sheet row by row. `.xlsx` goes through exceljs' streaming WorkbookReader (first worksheet
 * only), so a 100,000-row file is never held as a whole workbook; `.csv` (RFC 4180: quotes, doubled quotes,
 * line breaks inside quotes) is decoded as UTF-8, or as GB18030 when it is not valid UTF-8 (what Excel on a
 * Chinese Windows writes when it saves "CSV").
 *
 * Cells come back as text, or as a number when the sheet stored a number: an 18-digit ID number typed into
 * Excel without text formatting has already lost its last digits, and the row check says so.
 */
export type Cell = string | number | null;

// exceljs 4.4's streaming reader decodes every zip chunk on its own (utils/parse-sax.js), so a Chinese character
// whose UTF-8 bytes straddle two chunks turns into U+FFFD: names in a large sheet came out as '汪鹏\uFFFD'.
// Its XML parser takes strings as they are, so the worksheet and shared-string streams are handed over as text
// decoded with a StringDecoder, which carries partial characters over to the next chunk.
async function* utf8Text(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  for await (const chunk of chunks) {
    const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    if (text) yield text;
  }
  const rest = decoder.end();
  if (rest) yield rest;
}

function utf8Stream(entry: NodeJS.ReadableStream): Transform {
  const decoder = new StringDecoder('utf8');
  return entry.pipe(new Transform({
    readableObjectMode: true,
    transform(chunk: Buffer, _encoding, done) { done(null, decoder.write(chunk) || undefined); },
    flush(done) { done(null, decoder.end() || undefined); },
  }));
}

{
  const proto = ExcelJS.stream.xlsx.WorkbookReader.prototype as unknown as Record<string, (...args: unknown[]) => unknown> & { __utf8Fixed?: boolean };
  if (!proto.__utf8Fixed) {
    const parseWorksheet = proto._parseWorksheet!;
    const parseSharedStrings = proto._parseSharedStrings!;
    proto._parseWorksheet = function (this: unknown, iterator: unknown, sheetNo: unknown) {
      return parseWorksheet.call(this, utf8Text(iterator as AsyncIterable<Buffer>), sheetNo);
    };
    proto._parseSharedStrings = function (this: unknown, entry: unknown) {
      return parseSharedStrings.call(this, utf8Stream(entry as NodeJS.ReadableStream));
    };
    proto.__utf8Fixed = true;
  }
}

export interface SheetRow {
  /** The row number a person sees in Excel (the header is row 1). */
  rowNumber: number;
  cells: Cell[];
}

export class UnreadableFileError extends Error {}

export type FileFormat = 'xlsx' | 'csv';

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0]);

/** xlsx or csv, from the file name and the first bytes; null when neither (e.g. an old .xls). */
export function detectFormat(fileName: string, content: Buffer): FileFormat | null {
  const lower = fileName.toLowerCase();
  const zip = content.subarray(0, 4).equals(ZIP_MAGIC);
  if (content.subarray(0, 4).equals(OLE_MAGIC)) return null;
  if (lower.endsWith('.xlsx')) return zip ? 'xlsx' : null;
  if (lower.endsWith('.csv') || lower.endsWith('.txt')) return zip ? null : 'csv';
  if (lower.endsWith('.xls')) return null;
  return zip ? 'xlsx' : 'csv';
}

function dateText(date: Date): string {
  return Number.isNaN(date.getTime()) ? '' : date.toISOString().slice(0, 10);
}

/** An exceljs cell value as text or number. */
export function cellOf(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return dateText(value);
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (Array.isArray(v.richText)) return (v.richText as { text?: string }[]).map((r) => r.text ?? '').join('');
    if ('result' in v) return cellOf(v.result);
    if ('text' in v) return cellOf(v.text);
    if ('error' in v) return null;
  }
  return String(value);
}

async function* readXlsx(content: Buffer): AsyncGenerator<SheetRow> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([content]), {
    worksheets: 'emit', sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'ignore', entries: 'ignore',
  });
  let sheets = 0;
  try {
    for await (const worksheet of reader) {
      sheets += 1;
      if (sheets > 1) continue; // only the first worksheet; the rest is read past, not kept
      for await (const row of worksheet) {
        const values = row.values as unknown[];
        const cells: Cell[] = [];
        for (let i = 1; i < values.length; i++) cells.push(cellOf(values[i]));
        yield { rowNumber: row.number, cells };
      }
    }
  } catch (error) {
    if (error instanceof UnreadableFileError) throw error;
    throw new UnreadableFileError(error instanceof Error ? error.message : String(error));
  }
  if (sheets === 0) throw new UnreadableFileError('no worksheet');
}

/** UTF-8 (BOM dropped) when valid, else GB18030. */
export function decodeText(content: Buffer): string {
  let bytes = content;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}

/** RFC 4180 records of a text; a record's number is the line it starts on, as Excel numbers rows. */
export function* parseCsv(text: string): Generator<SheetRow> {
  let i = 0;
  let line = 1;
  const n = text.length;
  while (i < n) {
    const startLine = line;
    const cells: Cell[] = [];
    let field = '';
    let atRecordEnd = false;
    while (!atRecordEnd) {
      if (text[i] === '"') {
        i += 1;
        for (;;) {
          if (i >= n) throw new UnreadableFileError('unterminated quoted field');
          const ch = text[i];
          if (ch === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i += 1;
            break;
          }
          if (ch === '\n') line += 1;
          field += ch;
          i += 1;
        }
      }
      // Unquoted text (or text after a closing quote, kept as Excel does).
      while (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') field += text[i++];
      cells.push(field);
      field = '';
      if (i >= n) atRecordEnd = true;
      else if (text[i] === ',') i += 1;
      else {
        if (text[i] === '\r') i += 1;
        if (text[i] === '\n') i += 1;
        line += 1;
        atRecordEnd = true;
      }
    }
    yield { rowNumber: startLine, cells };
  }
}

async function* readCsv(content: Buffer): AsyncGenerator<SheetRow> {
  const text = decodeText(content);
  let count = 0;
  for (const row of parseCsv(text)) {
    yield row;
    // Give other requests a turn now and then on a long file.
    if (++count % 2000 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
}

export function readRows(format: FileFormat, content: Buffer): AsyncGenerator<SheetRow> {
  return format === 'xlsx' ? readXlsx(content) : readCsv(content);
}

export const isBlankRow = (cells: Cell[]) => cells.every((c) => c === null || (typeof c === 'string' && c.trim() === ''));
