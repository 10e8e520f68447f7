import { inflateSync } from 'node:zlib';

/**
 * The text a certificate PDF shows, read back the way a PDF reader does it: the glyph codes in the page
 * content streams mapped through the font's ToUnicode CMap. Enough for pdfkit's output (one embedded font,
 * hex strings in TJ arrays); used by tests and the verify command's --text option.
 */
export function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  const streams: string[] = [];
  const re = /(?<!end)stream\r?\n/g;
  for (let m = re.exec(raw); m; m = re.exec(raw)) {
    const start = m.index + m[0].length;
    const end = raw.indexOf('endstream', start);
    if (end < 0) break;
    try {
      streams.push(inflateSync(pdf.subarray(start, end)).toString('latin1'));
    } catch {
      streams.push(raw.slice(start, end));
    }
    re.lastIndex = end + 9;
  }
  const map = new Map<number, string>();
  for (const s of streams.filter((x) => x.includes('beginbfrange'))) {
    for (const r of s.matchAll(/<([0-9a-f]+)> <([0-9a-f]+)> \[([^\]]*)\]/gi)) {
      const first = parseInt(r[1], 16);
      [...r[3].matchAll(/<([0-9a-f ]+)>/gi)].forEach((e, i) => {
        map.set(first + i, String.fromCharCode(...e[1].split(' ').map((h) => parseInt(h, 16))));
      });
    }
  }
  const lines: string[] = [];
  for (const s of streams.filter((x) => / T[Jj]/.test(x))) {
    for (const op of s.matchAll(/\[([^\]]*)\] TJ|<([0-9a-f]*)> Tj/gi)) {
      const hex = op[1] !== undefined ? [...op[1].matchAll(/<([0-9a-f]*)>/gi)].map((h) => h[1]).join('') : op[2];
      let line = '';
      for (let i = 0; i + 4 <= hex.length; i += 4) line += map.get(parseInt(hex.slice(i, i + 4), 16)) ?? '\uFFFD';
      lines.push(line);
    }
  }
  return lines.join('\n');
}
