import fs from 'node:fs';

/**
 * The `registry` real-name provider's data: a CSV file of `name,idNumber` rows (a header line naming the two
 * columns, in either order, is optional; blank lines and lines starting with '#' are ignored; a UTF-8 BOM,
 * CRLF line ends and double-quoted fields are accepted). A check answers:
 *   the number is listed with this name        → verified
 *   the number is listed with another name     → failed
 *   the number is not listed                   → no_result
 *
 * Built for a national-size file (bench/realname.ts loads 1,000,000 rows): the file is streamed in 1 MiB
 * chunks and parsed from the bytes; nothing per row becomes a JavaScript object. Each resident ID number is
 * packed into two 32-bit integers (first 8 digits × 11 + check character; digits 9–17) kept in typed arrays,
 * names are stored once as normalised UTF-8 in one buffer, and an open-addressing hash table (typed array,
 * load ≤ 0.5) maps a number to its row. About 30 bytes per row plus the name bytes, against ~100 bytes for a
 * Map of strings (figures in docs/benchmarks.md). Rows whose number is not a well-formed resident ID (18
 * characters, 17 digits and a digit or X) are skipped and counted; for a number listed twice the first row
 * counts. Nothing here logs or keeps the file's text.
 */

export type RegistryVerdict = 'verified' | 'failed' | 'no_result';

export interface RegistryStats {
  rows: number;
  skipped: number;
  duplicates: number;
  bytes: number;
  loadMs: number;
}

/**
 * A name in the form it is compared: NFKC (full-width letters, compatibility forms), spaces trimmed and
 * collapsed, the middle-dot variants people type in minority and foreign names (• ‧ ・ . and others) as '·',
 * Latin letters in upper case.
 */
export function normaliseName(name: string): string {
  // The common case, a name of CJK unified ideographs only, is already in normal form.
  if (/^[\u4e00-\u9fff]{1,20}$/.test(name)) return name;
  return name
    .normalize('NFKC')
    .replace(/[\u00B7\u2022\u2027\u30FB\u2219\u22C5\u0387\uFF65.]/g, '·')
    .replace(/\s+/g, ' ')
    .replace(/\s*·\s*/g, '·')
    .trim()
    .toUpperCase();
}

const DIGIT0 = 48;
const X_UPPER = 88;
const X_LOWER = 120;

/**
 * Packs bytes [start, start+18) holding a resident ID number into `out` ([hi, lo]); false when they are not
 * 17 digits and a digit or X. hi = first 8 digits × 11 + check value (X = 10) < 2^31, lo = digits 9–17 < 10^9.
 */
function packIdBytes(buf: Uint8Array, start: number, out: Uint32Array): boolean {
  let hi = 0;
  for (let i = start; i < start + 8; i++) {
    const d = buf[i] - DIGIT0;
    if (d < 0 || d > 9) return false;
    hi = hi * 10 + d;
  }
  let lo = 0;
  for (let i = start + 8; i < start + 17; i++) {
    const d = buf[i] - DIGIT0;
    if (d < 0 || d > 9) return false;
    lo = lo * 10 + d;
  }
  const c = buf[start + 17];
  const check = c === X_UPPER || c === X_LOWER ? 10 : c - DIGIT0;
  if (check < 0 || check > 10) return false;
  out[0] = hi * 11 + check;
  out[1] = lo;
  return true;
}

const packScratch = new Uint32Array(2);

/** packIdBytes for a string (no encoding, no allocation). */
function packIdString(idNumber: string): boolean {
  const value = idNumber.length === 18 ? idNumber : idNumber.trim();
  if (value.length !== 18) return false;
  let hi = 0;
  for (let i = 0; i < 8; i++) {
    const d = value.charCodeAt(i) - DIGIT0;
    if (d < 0 || d > 9) return false;
    hi = hi * 10 + d;
  }
  let lo = 0;
  for (let i = 8; i < 17; i++) {
    const d = value.charCodeAt(i) - DIGIT0;
    if (d < 0 || d > 9) return false;
    lo = lo * 10 + d;
  }
  const c = value.charCodeAt(17);
  const check = c === X_UPPER || c === X_LOWER ? 10 : c - DIGIT0;
  if (check < 0 || check > 10) return false;
  packScratch[0] = hi * 11 + check;
  packScratch[1] = lo;
  return true;
}

/** Where a candidate name is encoded for comparison (names are at most 50 characters: ≤ 200 bytes). */
const nameScratch = Buffer.alloc(1024);

function slotOf(hi: number, lo: number, mask: number): number {
  let h = Math.imul(hi ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(lo + 0x7f4a7c15, 0xc2b2ae35);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return h & mask;
}

class Growable {
  hi = new Uint32Array(1 << 14);
  lo = new Uint32Array(1 << 14);
  nameStart = new Uint32Array(1 << 14);
  names = Buffer.allocUnsafe(1 << 18);
  namesLength = 0;
  rows = 0;

  add(hi: number, lo: number, name: string) {
    if (this.rows === this.hi.length) {
      const grow = (a: Uint32Array) => {
        const b = new Uint32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.hi = grow(this.hi);
      this.lo = grow(this.lo);
      this.nameStart = grow(this.nameStart);
    }
    if (this.namesLength + name.length * 3 > this.names.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.names.length * 2, this.namesLength + name.length * 3));
      this.names.copy(bigger, 0, 0, this.namesLength);
      this.names = bigger;
    }
    this.hi[this.rows] = hi;
    this.lo[this.rows] = lo;
    this.nameStart[this.rows] = this.namesLength;
    this.namesLength += this.names.write(name, this.namesLength, 'utf8');
    this.rows += 1;
  }
}

export class RealnameRegistry {
  private constructor(
    private readonly hi: Uint32Array,
    private readonly lo: Uint32Array,
    /** rows + 1 entries: row r's name is names[nameStart[r], nameStart[r + 1]). */
    private readonly nameStart: Uint32Array,
    private readonly names: Buffer,
    /** row + 1 per slot, 0 = empty. */
    private readonly table: Uint32Array,
    readonly stats: RegistryStats,
  ) {}

  /** Streams and indexes a registry file. Throws when the file cannot be read. */
  static async load(file: string): Promise<RealnameRegistry> {
    const started = performance.now();
    const acc = new Growable();
    let skipped = 0;
    let bytes = 0;
    let lineNo = 0;
    /** Column order: name first (default) or number first, from the header line when there is one. */
    let nameFirst = true;

    const field = (buf: Buffer, start: number, end: number): [number, number] => {
      while (start < end && (buf[start] === 32 || buf[start] === 9)) start++;
      while (end > start && (buf[end - 1] === 32 || buf[end - 1] === 9)) end--;
      if (end - start >= 2 && buf[start] === 34 && buf[end - 1] === 34) return [start + 1, end - 1];
      return [start, end];
    };

    const line = (buf: Buffer, start: number, end: number) => {
      lineNo += 1;
      if (lineNo === 1 && end - start >= 3 && buf[start] === 0xef && buf[start + 1] === 0xbb && buf[start + 2] === 0xbf) start += 3;
      if (end > start && buf[end - 1] === 13) end--;
      if (end === start || buf[start] === 35 /* # */) return;
      let comma = -1;
      for (let i = start; i < end; i++) {
        if (buf[i] === 44) {
          comma = i;
          break;
        }
      }
      if (comma < 0) {
        skipped++;
        return;
      }
      const [aStart, aEnd] = field(buf, start, comma);
      const [bStart, bEnd] = field(buf, comma + 1, end);
      const [nStart, nEnd, iStart, iEnd] = nameFirst ? [aStart, aEnd, bStart, bEnd] : [bStart, bEnd, aStart, aEnd];
      if (iEnd - iStart !== 18 || !packIdBytes(buf, iStart, packScratch)) {
        if (acc.rows === 0 && skipped === 0) {
          // The first data-looking line that is not data: a header, which also tells the column order.
          const header = buf.toString('utf8', start, end).toLowerCase().replace(/["\s]/g, '');
          if (/^(idnumber|id_number|idcard|id|证件号码|身份证号码?),/.test(header)) nameFirst = false;
          if (/(name|姓名)/.test(header)) return;
        }
        skipped++;
        return;
      }
      const name = normaliseName(buf.toString('utf8', nStart, nEnd));
      if (!name) {
        skipped++;
        return;
      }
      acc.add(packScratch[0], packScratch[1], name);
    };

    const stream = fs.createReadStream(file, { highWaterMark: 1 << 20 });
    let carry: Buffer | null = null;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      const buf: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
      let start = 0;
      for (let nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
        line(buf, start, nl);
        start = nl + 1;
      }
      carry = start < buf.length ? Buffer.from(buf.subarray(start)) : null;
    }
    if (carry) line(carry, 0, carry.length);

    // Exact-size copies, so the growth slack is released.
    const rows = acc.rows;
    const hi = acc.hi.slice(0, rows);
    const lo = acc.lo.slice(0, rows);
    const nameStart = new Uint32Array(rows + 1);
    nameStart.set(acc.nameStart.subarray(0, rows));
    nameStart[rows] = acc.namesLength;
    const names = Buffer.alloc(acc.namesLength);
    acc.names.copy(names, 0, 0, acc.namesLength);

    let capacity = 16;
    while (capacity < rows * 2) capacity *= 2;
    const table = new Uint32Array(capacity);
    const mask = capacity - 1;
    let duplicates = 0;
    for (let r = 0; r < rows; r++) {
      let slot = slotOf(hi[r], lo[r], mask);
      for (;;) {
        const held = table[slot];
        if (held === 0) {
          table[slot] = r + 1;
          break;
        }
        if (hi[held - 1] === hi[r] && lo[held - 1] === lo[r]) {
          duplicates++;
          break;
        }
        slot = (slot + 1) & mask;
      }
    }
    return new RealnameRegistry(hi, lo, nameStart, names, table, {
      rows: rows - duplicates, skipped, duplicates, bytes, loadMs: performance.now() - started,
    });
  }

  private rowOf(idNumber: string): number {
    if (!packIdString(idNumber)) return -1;
    const hi = packScratch[0];
    const lo = packScratch[1];
    const mask = this.table.length - 1;
    let slot = slotOf(hi, lo, mask);
    for (;;) {
      const held = this.table[slot];
      if (held === 0) return -1;
      if (this.hi[held - 1] === hi && this.lo[held - 1] === lo) return held - 1;
      slot = (slot + 1) & mask;
    }
  }

  /** verified / failed / no_result for a name and a resident ID number (X in either case). */
  check(name: string, idNumber: string): RegistryVerdict {
    const row = this.rowOf(idNumber);
    if (row < 0) return 'no_result';
    const normalised = normaliseName(name);
    if (normalised.length * 3 > nameScratch.length) return 'failed';
    const length = nameScratch.write(normalised, 0, 'utf8');
    const start = this.nameStart[row];
    const end = this.nameStart[row + 1];
    return end - start === length && this.names.compare(nameScratch, 0, length, start, end) === 0 ? 'verified' : 'failed';
  }

  /** Bytes held by the index (typed arrays and the name buffer). */
  get memoryBytes(): number {
    return this.hi.byteLength + this.lo.byteLength + this.nameStart.byteLength + this.names.byteLength + this.table.byteLength;
  }
}
