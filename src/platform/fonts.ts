import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import * as fontkit from 'fontkit';

export type CjkWeight = 'regular' | 'bold';

const FILES: Record<CjkWeight, string> = { regular: 'NotoSansHans-Regular.otf', bold: 'NotoSansHans-Bold.otf' };
const loaded = new Map<CjkWeight, fontkit.Font>();

/**
 * The Simplified Chinese Noto Sans that ships in the @embedpdf/fonts-sc package, parsed once per process. Drawing
 * from this file rather than from system fonts gives the same glyphs on every machine, fontconfig or not.
 */
export function cjkFont(weight: CjkWeight = 'regular'): fontkit.Font {
  let font = loaded.get(weight);
  if (!font) {
    const dir = path.join(path.dirname(createRequire(import.meta.url).resolve('@embedpdf/fonts-sc')), '..', 'fonts');
    font = fontkit.create(fs.readFileSync(path.join(dir, FILES[weight]))) as fontkit.Font;
    loaded.set(weight, font);
  }
  return font;
}
