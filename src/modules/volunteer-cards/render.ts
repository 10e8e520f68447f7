import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import sharp from 'sharp';
import type * as fontkit from 'fontkit';
import { cjkFont, type CjkWeight } from '../../platform/fonts.js';
import { CARD_TEXT } from './text.js';

/** What a card shows, read when it is drawn. */
export interface CardContent {
  siteName: string;
  name: string;
  volunteerNumber: string;
  regionName: string | null;
  registeredOn: string;
  stars: number;
  totalHours: number;
  /** The China date the card is drawn, for "hours as of". */
  today: string;
  checkUrl: string;
  /** The stored ID photo (JPEG). */
  photo: Buffer;
}

export type CardSide = 'front' | 'back';

/** CR80 (ISO/IEC 7810 ID-1), 85.6 × 54 mm, drawn at 300 dpi for the PNG. */
export const CARD_PX = { width: 1011, height: 638 } as const;
const MM = 72 / 25.4;
export const CARD_PT = { width: 85.6 * MM, height: 54 * MM } as const;

const RED = '#b71c1c';
const INK = '#1f1f1f';
const GREY = '#6b6b6b';
const LIGHT = '#d9d9d9';
const GOLD = '#e0a000';
const WHITE = '#ffffff';

type Anchor = 'start' | 'middle' | 'end';
/**
 * One drawing step in card pixels (origin top left, text y is the baseline). Both the PNG (through SVG) and the
 * PDF (through pdfkit) are drawn from the same list, so the two downloads cannot drift apart.
 */
type Op =
  | { kind: 'rect'; x: number; y: number; w: number; h: number; fill?: string; stroke?: string; lineWidth?: number }
  | { kind: 'text'; x: number; y: number; size: number; text: string; color: string; weight: CjkWeight; anchor: Anchor }
  | { kind: 'star'; cx: number; cy: number; r: number; fill: string }
  | { kind: 'qr'; x: number; y: number; size: number; cells: boolean[][] }
  | { kind: 'photo'; x: number; y: number; w: number; h: number };

// Each character is drawn from its own glyph: Chinese needs no shaping, and one glyph per code point keeps
// measuring and drawing identical in both outputs.
function glyphs(font: fontkit.Font, text: string) {
  return [...text].map((ch) => font.glyphForCodePoint(ch.codePointAt(0)!));
}
function widthOf(text: string, weight: CjkWeight, size: number): number {
  const font = cjkFont(weight);
  return (glyphs(font, text).reduce((sum, g) => sum + g.advanceWidth, 0) * size) / font.unitsPerEm;
}

/** A text step, shrunk until it fits in maxWidth: a long name or region stays whole rather than cut. */
function text(x: number, y: number, size: number, value: string, color: string, options: { weight?: CjkWeight; anchor?: Anchor; maxWidth?: number } = {}): Op {
  const weight = options.weight ?? 'regular';
  const width = widthOf(value, weight, size);
  const fitted = options.maxWidth && width > options.maxWidth ? (size * options.maxWidth) / width : size;
  return { kind: 'text', x, y, size: fitted, text: value, color, weight, anchor: options.anchor ?? 'start' };
}

function qrCells(value: string): boolean[][] {
  const { modules } = QRCode.create(value, { errorCorrectionLevel: 'M' });
  return Array.from({ length: modules.size }, (_, r) => Array.from({ length: modules.size }, (_, c) => Boolean(modules.get(r, c))));
}

function layout(c: CardContent, side: CardSide): Op[] {
  const { width: W, height: H } = CARD_PX;
  const ops: Op[] = [{ kind: 'rect', x: 0, y: 0, w: W, h: H, fill: WHITE }];
  if (side === 'front') {
    ops.push(
      { kind: 'rect', x: 0, y: 0, w: W, h: 140, fill: RED },
      text(40, 56, 30, CARD_TEXT.platform(c.siteName), WHITE, { maxWidth: W - 80 }),
      text(40, 118, 50, CARD_TEXT.title, WHITE, { weight: 'bold' }),
      text(W - 40, 118, 24, CARD_TEXT.titleEn, WHITE, { anchor: 'end' }),
      { kind: 'rect', x: 38, y: 170, w: 284, h: 411, fill: LIGHT },
      { kind: 'photo', x: 40, y: 172, w: 280, h: 407 },
    );
    const rows: [string, string, number, CjkWeight][] = [
      [CARD_TEXT.name, c.name, 40, 'bold'],
      [CARD_TEXT.number, c.volunteerNumber, 34, 'regular'],
      [CARD_TEXT.site, c.siteName, 32, 'regular'],
      [CARD_TEXT.region, c.regionName ?? CARD_TEXT.noRegion, 32, 'regular'],
    ];
    rows.forEach(([label, value, size, weight], i) => {
      const y = 226 + i * 80;
      ops.push(text(356, y, 26, label, GREY), text(520, y, size, value, INK, { weight, maxWidth: W - 40 - 520 }));
    });
    const starsY = 226 + rows.length * 80;
    ops.push(text(356, starsY, 26, CARD_TEXT.stars, GREY));
    for (let i = 0; i < 5; i++) ops.push({ kind: 'star', cx: 542 + i * 50, cy: starsY - 10, r: 21, fill: i < c.stars ? GOLD : LIGHT });
  } else {
    const qr = { x: 671, y: 140, size: 300 };
    ops.push(
      { kind: 'rect', x: 0, y: 0, w: W, h: 100, fill: RED },
      text(40, 64, 34, CARD_TEXT.platform(c.siteName), WHITE, { weight: 'bold', maxWidth: W - 80 }),
      text(40, 172, 34, CARD_TEXT.backTitle, INK, { weight: 'bold' }),
      ...CARD_TEXT.notes(c.registeredOn, c.totalHours, c.today).map((line, i) => text(40, 236 + i * 62, 26, line, INK, { maxWidth: qr.x - 70 })),
      { kind: 'rect', x: qr.x, y: qr.y, w: qr.size, h: qr.size, fill: WHITE, stroke: LIGHT, lineWidth: 2 },
      { kind: 'qr', ...qr, cells: qrCells(c.checkUrl) },
      text(qr.x + qr.size / 2, qr.y + qr.size + 40, 26, CARD_TEXT.scan, GREY, { anchor: 'middle' }),
      text(W / 2, 580, 20, c.checkUrl, GREY, { anchor: 'middle', maxWidth: W - 80 }),
    );
  }
  ops.push({ kind: 'rect', x: 0, y: H - 28, w: W, h: 28, fill: RED });
  return ops;
}

function starPoints(cx: number, cy: number, r: number): [number, number][] {
  return Array.from({ length: 10 }, (_, i) => {
    const radius = i % 2 === 0 ? r : r * 0.42;
    const angle = -Math.PI / 2 + (i * Math.PI) / 5;
    return [cx + radius * Math.cos(angle), cy + radius * Math.sin(angle)];
  });
}

/** Dark modules of a QR code with a two-module quiet zone inside its square. */
function qrModules(op: Extract<Op, { kind: 'qr' }>) {
  const n = op.cells.length;
  const cell = op.size / (n + 4);
  const out: { x: number; y: number; s: number }[] = [];
  op.cells.forEach((row, r) => row.forEach((dark, col) => {
    if (dark) out.push({ x: op.x + (col + 2) * cell, y: op.y + (r + 2) * cell, s: cell });
  }));
  return out;
}

const anchorShift = (op: Extract<Op, { kind: 'text' }>) => {
  const w = widthOf(op.text, op.weight, op.size);
  return op.anchor === 'middle' ? w / 2 : op.anchor === 'end' ? w : 0;
};

const pathCache = new Map<string, string>();
const n2 = (v: number) => Math.round(v * 100) / 100;

/**
 * The side as SVG with every character drawn as a glyph outline from the bundled font: the rasteriser needs no
 * system font, so the card looks the same on every server. The photo is composited afterwards.
 */
function svgOf(ops: Op[]): string {
  const parts: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${CARD_PX.width}" height="${CARD_PX.height}" viewBox="0 0 ${CARD_PX.width} ${CARD_PX.height}">`];
  for (const op of ops) {
    if (op.kind === 'rect') {
      parts.push(`<rect x="${op.x}" y="${op.y}" width="${op.w}" height="${op.h}" fill="${op.fill ?? 'none'}"${op.stroke ? ` stroke="${op.stroke}" stroke-width="${op.lineWidth ?? 1}"` : ''}/>`);
    } else if (op.kind === 'star') {
      parts.push(`<polygon points="${starPoints(op.cx, op.cy, op.r).map(([x, y]) => `${n2(x)},${n2(y)}`).join(' ')}" fill="${op.fill}"/>`);
    } else if (op.kind === 'qr') {
      parts.push(`<path fill="${INK}" d="${qrModules(op).map((m) => `M${n2(m.x)} ${n2(m.y)}h${n2(m.s)}v${n2(m.s)}h${-n2(m.s)}z`).join('')}"/>`);
    } else if (op.kind === 'text') {
      const font = cjkFont(op.weight);
      const scale = op.size / font.unitsPerEm;
      let advance = 0;
      const glyphPaths: string[] = [];
      for (const g of glyphs(font, op.text)) {
        const key = `${op.weight}:${g.id}`;
        let d = pathCache.get(key);
        if (d === undefined) {
          d = g.path.toSVG();
          pathCache.set(key, d);
        }
        if (d) glyphPaths.push(`<path transform="translate(${advance} 0)" d="${d}"/>`);
        advance += g.advanceWidth;
      }
      parts.push(`<g fill="${op.color}" transform="translate(${n2(op.x - anchorShift(op))} ${n2(op.y)}) scale(${scale} ${-scale})">${glyphPaths.join('')}</g>`);
    }
  }
  parts.push('</svg>');
  return parts.join('');
}

export async function renderCardPng(c: CardContent, side: CardSide): Promise<Buffer> {
  const ops = layout(c, side);
  const photo = ops.find((op): op is Extract<Op, { kind: 'photo' }> => op.kind === 'photo');
  const composites = photo
    ? [{ input: await sharp(c.photo).resize(photo.w, photo.h, { fit: 'cover' }).toBuffer(), left: photo.x, top: photo.y }]
    : [];
  return sharp(Buffer.from(svgOf(ops))).composite(composites).png().toBuffer();
}

function drawPdf(doc: PDFKit.PDFDocument, ops: Op[], c: CardContent, left: number, top: number) {
  const k = CARD_PT.width / CARD_PX.width;
  const X = (x: number) => left + x * k;
  const Y = (y: number) => top + y * k;
  for (const op of ops) {
    if (op.kind === 'rect') {
      doc.rect(X(op.x), Y(op.y), op.w * k, op.h * k);
      if (op.fill && op.stroke) doc.lineWidth((op.lineWidth ?? 1) * k).fillAndStroke(op.fill, op.stroke);
      else if (op.stroke) doc.lineWidth((op.lineWidth ?? 1) * k).stroke(op.stroke);
      else doc.fill(op.fill ?? WHITE);
    } else if (op.kind === 'star') {
      doc.polygon(...starPoints(X(op.cx), Y(op.cy), op.r * k)).fill(op.fill);
    } else if (op.kind === 'qr') {
      for (const m of qrModules(op)) doc.rect(X(m.x), Y(m.y), m.s * k, m.s * k);
      doc.fill(INK);
    } else if (op.kind === 'photo') {
      doc.image(c.photo, X(op.x), Y(op.y), { width: op.w * k, height: op.h * k });
    } else {
      doc.font(op.weight).fontSize(op.size * k).fillColor(op.color)
        .text(op.text, X(op.x - anchorShift(op)), Y(op.y), { lineBreak: false, baseline: 'alphabetic' });
    }
  }
}

/** Short lines in the margin at each corner, a few points off the card so no ink lands on it. */
function cutMarks(doc: PDFKit.PDFDocument, left: number, top: number) {
  const gap = 4;
  const length = 14;
  const right = left + CARD_PT.width;
  const bottom = top + CARD_PT.height;
  doc.save().lineWidth(0.4).strokeColor('#000000');
  for (const [x, y, sx, sy] of [[left, top, -1, -1], [right, top, 1, -1], [left, bottom, -1, 1], [right, bottom, 1, 1]] as const) {
    doc.moveTo(x + sx * gap, y).lineTo(x + sx * (gap + length), y).stroke();
    doc.moveTo(x, y + sy * gap).lineTo(x, y + sy * (gap + length)).stroke();
  }
  doc.restore();
}

/** Front and back at their real size on one A4 page, with cut marks, Chinese in an embedded subset font. */
export async function renderCardPdf(c: CardContent, createdAt: Date): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4', margin: 0, compress: true,
    info: { Title: `${CARD_TEXT.pdfTitle} ${c.volunteerNumber}`, Author: CARD_TEXT.platform(c.siteName), Creator: 'Zhiyuan', CreationDate: createdAt },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => { doc.on('end', () => resolve(Buffer.concat(chunks))); doc.on('error', reject); });
  doc.registerFont('regular', cjkFont('regular') as never);
  doc.registerFont('bold', cjkFont('bold') as never);

  const pageWidth = doc.page.width;
  const left = (pageWidth - CARD_PT.width) / 2;
  doc.font('bold').fontSize(18).fillColor(INK).text(CARD_TEXT.pdfTitle, 0, 72, { width: pageWidth, align: 'center', lineBreak: false });
  doc.font('regular').fontSize(9).fillColor(GREY).text(CARD_TEXT.pdfHint, 60, 104, { width: pageWidth - 120, align: 'center' });
  const tops = { front: 170, back: 170 + CARD_PT.height + 70 };
  for (const side of ['front', 'back'] as const) {
    doc.font('regular').fontSize(9).fillColor(GREY).text(side === 'front' ? CARD_TEXT.front : CARD_TEXT.back, left, tops[side] - 26, { lineBreak: false });
    drawPdf(doc, layout(c, side), c, left, tops[side]);
    cutMarks(doc, left, tops[side]);
  }
  doc.end();
  return done;
}
