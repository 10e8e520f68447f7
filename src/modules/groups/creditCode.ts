/**
 * 统一社会信用代码 (GB 32100-2015): 18 characters from a 31-character alphabet without I, O, Z, S, V; the
 * last one is a check character over the first 17.
 */
export const CREDIT_CODE_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** The check character for the first 17 characters, or null when one of them is outside the alphabet. */
export function creditCodeCheckChar(first17: string): string | null {
  if (first17.length !== 17) return null;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = CREDIT_CODE_CHARSET.indexOf(first17[i]);
    if (value < 0) return null;
    sum += value * WEIGHTS[i];
  }
  const check = 31 - (sum % 31);
  return CREDIT_CODE_CHARSET[check === 31 ? 0 : check];
}

export type CreditCodeProblem = 'LENGTH' | 'CHARACTERS' | 'CHECK_CHAR';

/**
 * Checks a credit code as typed: surrounding spaces are dropped and lower case is accepted (people copy codes
 * from licences and phones capitalise inconsistently); the normalised form is upper case.
 */
export function checkCreditCode(raw: string): { ok: true; normalized: string } | { ok: false; problem: CreditCodeProblem } {
  const value = (typeof raw === 'string' ? raw : '').trim().toUpperCase();
  if (value.length !== 18) return { ok: false, problem: 'LENGTH' };
  if ([...value].some((c) => !CREDIT_CODE_CHARSET.includes(c))) return { ok: false, problem: 'CHARACTERS' };
  if (creditCodeCheckChar(value.slice(0, 17)) !== value[17]) return { ok: false, problem: 'CHECK_CHAR' };
  return { ok: true, normalized: value };
}
