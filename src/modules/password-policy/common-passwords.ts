/**
 * The common-password list (common-passwords.txt beside this file): one lowercase password a line,
 * lines starting with '#' are comments. Loaded synchronously, once, on first use.
 *
 * `tsc` does not copy .txt files into dist/, so besides the file next to this module we also look in
 * the source tree: from dist/modules/password-policy/ (tsconfig.build.json) that is three levels up,
 * from dist/src/modules/password-policy/ (tsconfig.json) four levels up.
 */
import { readFileSync } from 'node:fs';

const CANDIDATES: readonly string[] = [
  './common-passwords.txt',
  '../../../src/modules/password-policy/common-passwords.txt',
  '../../../../src/modules/password-policy/common-passwords.txt',
];

let cache: ReadonlySet<string> | null = null;

/** Parses the list format: trims lines (CRLF-safe), skips blank and '#' lines, lowercases entries. */
export function parseCommonPasswords(text: string): Set<string> {
  const set = new Set<string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    set.add(line.toLowerCase());
  }
  return set;
}

function load(): ReadonlySet<string> {
  const tried: string[] = [];
  for (const rel of CANDIDATES) {
    const url = new URL(rel, import.meta.url);
    let text: string;
    try {
      text = readFileSync(url, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        tried.push(url.pathname);
        continue;
      }
      throw err;
    }
    return parseCommonPasswords(text);
  }
  // Failing loudly beats silently accepting every common password.
  throw new Error(`common-passwords.txt not found; looked in: ${tried.join(', ')}`);
}

/** The whole list (lowercase), loaded on first call. */
export function commonPasswords(): ReadonlySet<string> {
  cache ??= load();
  return cache;
}

/** True when `pw` is on the list, compared case-insensitively ('PassW0rd' matches 'passw0rd'). */
export function isCommonPassword(pw: string): boolean {
  return commonPasswords().has(pw.toLowerCase());
}
