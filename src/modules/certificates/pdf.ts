import PDFDocument from 'pdfkit';
import type * as fontkit from 'fontkit';
import { cjkFont as sharedCjkFont } from '../../platform/fonts.js';
import QRCode from 'qrcode';
import type { CertificateIssuer, CertificateKind, CertificateProjectRow, CertificateTrainingRow, CertificateVolunteer } from '../../platform/database/schema-certificates.js';
import { PDF_TEXT } from './text.js';

/** Everything a certificate PDF says: the stored snapshot plus where it can be checked. */
export interface CertificateContent {
  number: string;
  kind: CertificateKind;
  issuedAt: Date;
  /** The China date of issue, 'YYYY-MM-DD'. */
  issueDate: string;
  volunteer: CertificateVolunteer;
  issuer: CertificateIssuer;
  totalHours: number;
  projects: CertificateProjectRow[];
  /** Completed trainings, listed after the hours (platform certificates; none otherwise). */
  trainings?: CertificateTrainingRow[];
  checkUrl: string;
}

// One CJK font for every glyph (Latin and digits included): one subset, one ToUnicode map, a small file.
let font: fontkit.Font | null = null;
function cjkFont(): fontkit.Font {
  // Chinese needs no shaping: one glyph per code point with its advance. fontkit's full OpenType layout (GSUB
  // feature lookups on every string) was most of the time of a 200-project certificate.
  font ??= Object.create(sharedCjkFont('regular'), { layout: { value: simpleLayout } }) as fontkit.Font;
  return font;
}

const advances = new Map<string, number>();
/** Advance of a string in font units, from a per-character cache kept across documents. */
function advance(f: fontkit.Font, text: string): number {
  let sum = 0;
  for (const ch of text) {
    let a = advances.get(ch);
    if (a === undefined) {
      a = f.glyphForCodePoint(ch.codePointAt(0)!).advanceWidth;
      advances.set(ch, a);
    }
    sum += a;
  }
  return sum;
}

function simpleLayout(this: fontkit.Font, text: string) {
  const glyphs: fontkit.Glyph[] = [];
  const positions: { xAdvance: number; yAdvance: number; xOffset: number; yOffset: number }[] = [];
  for (const ch of text) {
    const glyph = this.glyphForCodePoint(ch.codePointAt(0)!);
    glyphs.push(glyph);
    positions.push({ xAdvance: glyph.advanceWidth, yAdvance: 0, xOffset: 0, yOffset: 0 });
  }
  // pdfkit scales the positions in place after layout, so the width is read from them when asked.
  return { glyphs, positions, get advanceWidth() { return positions.reduce((sum, p) => sum + p.xAdvance, 0); } };
}

const A4 = { width: 595.28, height: 841.89 };
const MARGIN = 62;
const RED = '#9e1b1b';
const INK = '#1f1f1f';
const GREY = '#666666';
const ROW = 18;
const FOOTER = 64;
const COLUMNS = [28, 118, 167, 100.28, 58];
const TRAINING_COLUMNS = [28, 70, 58, 157, 100.28, 58];

const hours = (h: number) => (Math.round(h * 100) / 100).toString();
const chineseDate = (d: string) => `${Number(d.slice(0, 4))}年${Number(d.slice(5, 7))}月${Number(d.slice(8, 10))}日`;
const span = (r: CertificateProjectRow) => (r.from === r.to ? r.from : `${r.from} 至 ${r.to}`);

/**
 * Lays out the certificate on A4 and returns the PDF with an empty signature field: /ByteRange and /Contents
 * placeholders that signing.ts fills. Table cells are cut to their width by measuring rather than by pdfkit's
 * line wrapper, which is what keeps 200 projects fast.
 */
export async function renderCertificatePdf(c: CertificateContent): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4', margin: MARGIN, bufferPages: true, autoFirstPage: true, compress: true,
    info: { Title: PDF_TEXT.title, Author: c.issuer.name, Subject: `${PDF_TEXT.title} ${c.number}`, Creator: 'Zhiyuan', CreationDate: c.issuedAt },
  });
  (doc.info as unknown as Record<string, string>).CertificateNumber = c.number;
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => { doc.on('end', () => resolve(Buffer.concat(chunks))); doc.on('error', reject); });
  const cjk = cjkFont();
  doc.registerFont('cjk', cjk as never);
  doc.font('cjk');

  const contentWidth = A4.width - 2 * MARGIN;
  const frame = () => {
    doc.save().lineWidth(2.2).strokeColor(RED).rect(26, 26, A4.width - 52, A4.height - 52).stroke()
      .lineWidth(0.6).rect(32, 32, A4.width - 64, A4.height - 64).stroke().restore();
  };
  const fit = (text: string, width: number, size: number) => {
    doc.fontSize(size);
    const limit = (width * cjk.unitsPerEm) / size;
    if (advance(cjk, text) <= limit) return text;
    const room = limit - advance(cjk, '…');
    let used = 0;
    let out = '';
    for (const ch of text) {
      used += advance(cjk, ch);
      if (used > room) break;
      out += ch;
    }
    return `${out}…`;
  };
  const cell = (text: string, x: number, y: number, width: number, align: 'left' | 'center' | 'right' = 'left', size = 8.5) => {
    const t = fit(text, width - 6, size);
    const w = (advance(cjk, t) * size) / cjk.unitsPerEm;
    const dx = align === 'center' ? (width - w) / 2 : align === 'right' ? width - 3 - w : 3;
    doc.text(t, x + dx, y + (ROW - size) / 2 - 1.5, { lineBreak: false });
  };
  const tableHeader = (y: number, titles: readonly string[] = PDF_TEXT.columns, columns = COLUMNS) => {
    doc.save().rect(MARGIN, y, contentWidth, ROW).fill('#f3e6e6').restore();
    doc.fillColor(INK);
    let x = MARGIN;
    titles.forEach((title, i) => { cell(title, x, y, columns[i], 'center', 8.5); x += columns[i]; });
    return y + ROW;
  };
  const rowLines = (top: number, bottom: number, columns = COLUMNS) => {
    doc.save().lineWidth(0.5).strokeColor('#b9a3a3');
    doc.rect(MARGIN, top, contentWidth, bottom - top).stroke();
    let x = MARGIN;
    for (const w of columns.slice(0, -1)) { x += w; doc.moveTo(x, top).lineTo(x, bottom); }
    for (let y = top + ROW; y < bottom - 0.1; y += ROW) doc.moveTo(MARGIN, y).lineTo(MARGIN + contentWidth, y);
    doc.stroke().restore();
  };

  frame();
  doc.fillColor(RED).fontSize(26).text(PDF_TEXT.title, MARGIN, 72, { width: contentWidth, align: 'center', characterSpacing: 10, stroke: true, fill: true, lineWidth: 0.4 } as never);
  doc.fillColor(GREY).fontSize(9).text(PDF_TEXT.subtitle, MARGIN, 108, { width: contentWidth, align: 'center' });
  doc.fillColor(INK).fontSize(9).text(`证书编号：${c.number}`, MARGIN, 128, { width: contentWidth, align: 'right' });

  const v = c.volunteer;
  const first = c.projects.reduce((m, r) => (r.from < m ? r.from : m), c.projects[0]?.from ?? c.issueDate);
  const last = c.projects.reduce((m, r) => (r.to > m ? r.to : m), c.projects[0]?.to ?? c.issueDate);
  const scope = c.kind === 'project'
    ? `参加本组织开展的志愿服务项目“${c.projects[0]?.name ?? ''}”`
    : `参加志愿服务项目 ${c.projects.length} 个`;
  const body = `兹证明 ${v.name}（证件类型：${PDF_TEXT.idTypes[v.idType] ?? v.idType}，证件号码：${v.idNumberMasked}，志愿者编号：${v.volunteerNumber}）` +
    `于 ${chineseDate(first)} 至 ${chineseDate(last)} 期间${scope}，经记录并生效的志愿服务时长累计 ${hours(c.totalHours)} 小时。具体如下：`;
  doc.fontSize(11.5).text(body, MARGIN, 156, { width: contentWidth, lineGap: 7, indent: 23 });

  let y = tableHeader(doc.y + 12);
  let top = y - ROW;
  const bottomLimit = A4.height - FOOTER - 20;
  c.projects.forEach((r, i) => {
    if (y + ROW > bottomLimit) {
      rowLines(top, y);
      doc.addPage();
      frame();
      y = tableHeader(MARGIN);
      top = MARGIN;
    }
    let x = MARGIN;
    const values = [String(i + 1), span(r), r.name, r.organiser, hours(r.hours)];
    const aligns = ['center', 'center', 'left', 'left', 'right'] as const;
    values.forEach((value, k) => { cell(value, x, y, COLUMNS[k], aligns[k]); x += COLUMNS[k]; });
    y += ROW;
  });
  if (y + ROW > bottomLimit) { rowLines(top, y); doc.addPage(); frame(); y = MARGIN; top = MARGIN; }
  cell('合计', MARGIN, y, COLUMNS[0] + COLUMNS[1] + COLUMNS[2] + COLUMNS[3], 'center', 9);
  cell(hours(c.totalHours), MARGIN + contentWidth - COLUMNS[4], y, COLUMNS[4], 'right', 9);
  y += ROW;
  doc.save().lineWidth(0.5).strokeColor('#b9a3a3').rect(MARGIN, y - ROW, contentWidth, ROW).stroke().restore();
  rowLines(top, y - ROW);

  const trainings = c.trainings ?? [];
  if (trainings.length > 0) {
    // A heading, the column titles and at least one row stay together.
    if (y + 36 + 2 * ROW > bottomLimit) { doc.addPage(); frame(); y = MARGIN - 14; }
    doc.fillColor(INK).fontSize(11.5).text(PDF_TEXT.trainingsHeading(trainings.length), MARGIN + 23, y + 14, { lineBreak: false });
    y = tableHeader(y + 36, PDF_TEXT.trainingColumns, TRAINING_COLUMNS);
    top = y - ROW;
    trainings.forEach((r, i) => {
      if (y + ROW > bottomLimit) {
        rowLines(top, y, TRAINING_COLUMNS);
        doc.addPage();
        frame();
        y = tableHeader(MARGIN, PDF_TEXT.trainingColumns, TRAINING_COLUMNS);
        top = MARGIN;
      }
      let x = MARGIN;
      const values = [String(i + 1), r.completedOn, PDF_TEXT.trainingKinds[r.kind], r.title, r.provider, r.score === null ? '—' : `${r.score} 分`];
      const aligns = ['center', 'center', 'center', 'left', 'left', 'right'] as const;
      values.forEach((value, k) => { cell(value, x, y, TRAINING_COLUMNS[k], aligns[k]); x += TRAINING_COLUMNS[k]; });
      y += ROW;
    });
    rowLines(top, y, TRAINING_COLUMNS);
  }

  // The closing block (issuer, QR, notes) stays together on one page.
  const closingHeight = 200;
  if (y + 16 + closingHeight > A4.height - FOOTER) { doc.addPage(); frame(); y = MARGIN; }
  doc.fillColor(INK).fontSize(11.5).text(PDF_TEXT.closing, MARGIN + 23, y + 14, { lineBreak: false });
  const blockTop = y + 44;
  const qrSize = 84;
  drawQr(doc, `${c.checkUrl}`, MARGIN, blockTop, qrSize);
  doc.fillColor(GREY).fontSize(7.5).text('扫码查验真伪', MARGIN, blockTop + qrSize + 4, { width: qrSize, align: 'center' });
  const lines = [
    `出具单位：${c.issuer.name}`,
    `负 责 人：${c.issuer.personInCharge}`,
    `联系方式：${c.issuer.contact}`,
    `出具日期：${chineseDate(c.issueDate)}`,
  ];
  const textX = MARGIN + qrSize + 120;
  doc.fillColor(INK).fontSize(11);
  lines.forEach((line, i) => doc.text(fit(line, A4.width - MARGIN - textX, 11), textX, blockTop + 6 + i * 22, { lineBreak: false }));
  doc.fillColor(GREY).fontSize(7.5);
  const notes = PDF_TEXT.notes(c.checkUrl);
  doc.text(notes.join('\n'), MARGIN, blockTop + qrSize + 26, { width: contentWidth, lineGap: 2.5 });

  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    doc.fillColor(GREY).fontSize(8).text(`证书编号 ${c.number}　　第 ${i + 1} 页 / 共 ${range.count} 页`, MARGIN, A4.height - 50,
      { width: contentWidth, align: 'center', lineBreak: false, height: 10 });
  }
  doc.switchToPage(range.start);
  addSignaturePlaceholder(doc, c);
  doc.end();
  return done;
}

function drawQr(doc: PDFKit.PDFDocument, text: string, x: number, y: number, size: number) {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const cellSize = size / (n + 2);
  doc.save().fillColor('#000000');
  for (let r = 0; r < n; r++) {
    for (let col = 0; col < n; col++) {
      if (qr.modules.get(r, col)) doc.rect(x + (col + 1) * cellSize, y + (r + 1) * cellSize, cellSize + 0.05, cellSize + 0.05);
    }
  }
  doc.fill().restore();
}

/** Signature length reserved in /Contents: a 2048- or 4096-bit signer with a short certificate chain fits. */
export const SIGNATURE_BYTES = 8192;

/**
 * An invisible signature field on the first page. ByteRange comes before Contents in the dictionary (what
 * @signpdf/signpdf looks for), and the placeholder names (/**********) keep their width when filled.
 */
function addSignaturePlaceholder(doc: PDFKit.PDFDocument, c: CertificateContent) {
  const d = doc as unknown as {
    ref(data: Record<string, unknown>): { end(): void };
    page: { dictionary: { data: Record<string, unknown> } };
    _root: { data: Record<string, unknown> };
  };
  const placeholder = '**********';
  const signature = d.ref({
    Type: 'Sig',
    Filter: 'Adobe.PPKLite',
    SubFilter: 'adbe.pkcs7.detached',
    ByteRange: [0, placeholder, placeholder, placeholder],
    Contents: Buffer.alloc(SIGNATURE_BYTES),
    Reason: new String(`${PDF_TEXT.title} ${c.number}`),
    Name: new String(c.issuer.name),
    ContactInfo: new String(c.checkUrl),
    M: c.issuedAt,
  });
  const widget = d.ref({
    Type: 'Annot', Subtype: 'Widget', FT: 'Sig', Rect: [0, 0, 0, 0], V: signature, T: new String(`Signature ${c.number}`), F: 4,
    P: d.page.dictionary,
  });
  const page = d.page.dictionary.data;
  page.Annots = [...((page.Annots as unknown[]) ?? []), widget];
  // pdfkit's own AcroForm (it ends the form object itself at doc.end()); no NeedAppearances, which would
  // invite a reader to rewrite a signed file.
  doc.initForm();
  const form = d._root.data.AcroForm as { data: Record<string, unknown> };
  delete form.data.NeedAppearances;
  form.data.SigFlags = 3;
  (form.data.Fields as unknown[]).push(widget);
  signature.end();
  widget.end();
}
