import sharp, { type Sharp } from 'sharp';
import { AppError } from './errors.js';

// Each upload is decoded once; libvips' operation cache would only keep decoded images in memory.
sharp.cache(false);

export type ImageFormat = 'jpeg' | 'png' | 'webp';

/** What the first bytes say the upload is; the Content-Type header is never trusted. */
export function sniffImage(bytes: Buffer): ImageFormat | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  return null;
}

/** What an upload may be, and how its refusals read (`code` prefixes the problem codes: COVER → COVER_INVALID…). */
export interface UploadRules {
  code: string;
  formats: readonly ImageFormat[];
  maxBytes: number;
  maxPixels: number;
  /** Smallest width and height accepted, if any. */
  minSize?: { width: number; height: number };
  text: { empty: string; invalid: string; corrupt: string; tooLarge: string; tooManyPixels: string; tooSmall?: string };
}

/**
 * Decodes the upload and writes a new JPEG from its pixels alone: oriented, alpha on white, sRGB, no EXIF/XMP/ICC/
 * comments, and nothing that trailed or hid inside the original file (polyglots, appended archives, scripts in
 * metadata). `shape` sizes or crops the pixels. libvips warnings count as corruption (failOn 'warning'): a truncated
 * or damaged file is refused rather than shown half grey. The pixel limit is checked on the header, before decoding.
 */
export async function reencodeUpload(bytes: Buffer, rules: UploadRules, shape: (image: Sharp) => Sharp, quality = 82) {
  const invalid = (title: string) => new AppError(400, `${rules.code}_INVALID`, title, { errors: [{ field: 'body', code: `${rules.code}_INVALID` }] });
  if (bytes.length === 0) throw invalid(rules.text.empty);
  if (bytes.length > rules.maxBytes) throw new AppError(413, `${rules.code}_TOO_LARGE`, rules.text.tooLarge);
  const source = sniffImage(bytes);
  if (!source || !rules.formats.includes(source)) throw invalid(rules.text.invalid);
  const meta = await sharp(bytes, { failOn: 'warning', limitInputPixels: false }).metadata().catch(() => {
    throw invalid(rules.text.corrupt);
  });
  if (meta.format !== source || !meta.width || !meta.height) throw invalid(rules.text.corrupt);
  if (meta.width * meta.height > rules.maxPixels) throw new AppError(413, `${rules.code}_TOO_MANY_PIXELS`, rules.text.tooManyPixels);
  if (rules.minSize) {
    // Orientation 5–8 turns the picture a quarter: the stored width is the shown height.
    const turned = (meta.orientation ?? 1) >= 5;
    const [w, h] = turned ? [meta.height, meta.width] : [meta.width, meta.height];
    if (w < rules.minSize.width || h < rules.minSize.height) throw invalid(rules.text.tooSmall ?? rules.text.corrupt);
  }
  try {
    const pipeline = shape(sharp(bytes, { failOn: 'warning', limitInputPixels: rules.maxPixels, animated: false }).autoOrient());
    const { data, info } = await pipeline
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .jpeg({ quality, mozjpeg: true })
      .toBuffer({ resolveWithObject: true });
    return { image: data, width: info.width, height: info.height, source };
  } catch {
    throw invalid(rules.text.corrupt);
  }
}

/** Whether an If-None-Match header names this ETag (a list, weak tags and '*' included). */
export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || tag.replace(/^W\//, '') === `"${etag}"`;
  });
}

/** A bytea column as a Buffer, whichever driver read it. */
export const bytesOf = (value: Uint8Array) => (Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength));
