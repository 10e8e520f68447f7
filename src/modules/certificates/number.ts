import { randomInt } from 'node:crypto';

/** Crockford base32: no I, L, O, U, so a number read aloud or typed is not mistaken. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const RANDOM_CHARS = 8;

/** Luhn mod 32 over the Crockford values: catches any single mistyped character and most swaps. */
function checkChar(body: string): string {
  let factor = 2;
  let sum = 0;
  for (let i = body.length - 1; i >= 0; i--) {
    let addend = factor * ALPHABET.indexOf(body[i]);
    factor = factor === 2 ? 1 : 2;
    addend = Math.floor(addend / 32) + (addend % 32);
    sum += addend;
  }
  return ALPHABET[(32 - (sum % 32)) % 32];
}

/**
 * A certificate number: 'ZY', the site code, the China issue date, 40 random bits and a check character, e.g.
 * ZY1120261121K7Q3M9X2P. Random rather than sequential, so numbers cannot be enumerated through the public check.
 */
export function newCertificateNumber(siteCode: string, chinaDate: string): string {
  let random = '';
  for (let i = 0; i < RANDOM_CHARS; i++) random += ALPHABET[randomInt(32)];
  const body = `ZY${siteCode}${chinaDate.replaceAll('-', '')}${random}`;
  return body + checkChar(body);
}

export const CERTIFICATE_NUMBER_PATTERN = '^[Zz][Yy][0-9]{2}[0-9]{8}[0-9A-Za-z]{9}$';

/** Normalises a typed number (case, Crockford look-alikes) and checks its check character; null when it cannot be one. */
export function parseCertificateNumber(input: string): string | null {
  const s = input.trim().toUpperCase().replace(/[IL]/g, '1').replace(/O/g, '0');
  if (!new RegExp(CERTIFICATE_NUMBER_PATTERN).test(s) || /U/.test(s)) return null;
  const body = s.slice(0, -1);
  return checkChar(body) === s.at(-1) ? s : null;
}
