import type { Kysely } from 'kysely';
import type { AccountType, DB } from '../../platform/database/schema.js';
import { AppError } from '../../platform/errors.js';
import { checkPassword, DEFAULT_RULES, messageFor, type PasswordRules, type RuleViolation } from './rules.js';

/** The national default row; a site's own row, when present, replaces it for that site. */
export const NATIONAL = '00';
const CACHE_MS = 30_000;
const cache = new Map<string, { rules: PasswordRules; until: number }>();

export async function ensureDefaultPolicies(db: Kysely<DB>): Promise<void> {
  await db
    .insertInto('password_policies')
    .values(Object.entries(DEFAULT_RULES).map(([type, rules]) => ({
      site_code: NATIONAL,
      account_type: type as AccountType,
      rules: JSON.stringify(rules),
    })))
    .onConflict((oc) => oc.columns(['site_code', 'account_type']).doNothing())
    .execute();
}

/** The rules in force for an account type on a site (cached briefly: every sign-in asks). */
export async function policyFor(db: Kysely<DB>, siteCode: string, accountType: AccountType): Promise<PasswordRules> {
  const key = `${siteCode}:${accountType}`;
  const hit = cache.get(key);
  if (hit && hit.until > Date.now()) return hit.rules;
  const rows = await db
    .selectFrom('password_policies')
    .select(['site_code', 'rules'])
    .where('account_type', '=', accountType)
    .where('site_code', 'in', [siteCode, NATIONAL])
    .execute();
  const row = rows.find((r) => r.site_code === siteCode) ?? rows.find((r) => r.site_code === NATIONAL);
  const rules = (row?.rules as PasswordRules | undefined) ?? DEFAULT_RULES[accountType];
  cache.set(key, { rules, until: Date.now() + CACHE_MS });
  return rules;
}

export function forgetCachedPolicies(): void {
  cache.clear();
}

export function violationsWithMessages(violations: RuleViolation[], rules: PasswordRules) {
  return violations.map((v) => ({ code: v.code, message: messageFor(v, rules) }));
}

/** Throws 422 PASSWORD_POLICY listing every broken rule, for every place a password is set. */
export async function enforcePasswordPolicy(
  db: Kysely<DB>,
  input: { siteCode: string; accountType: AccountType; password: string; username?: string; field?: string },
): Promise<void> {
  const rules = await policyFor(db, input.siteCode, input.accountType);
  const violations = checkPassword(input.password, rules, { username: input.username });
  if (violations.length === 0) return;
  throw new AppError(422, 'PASSWORD_POLICY', '密码不符合安全要求，请按提示修改', {
    errors: violations.map((v) => ({ field: input.field ?? 'password', code: v.code, message: messageFor(v, rules) })),
  });
}

/** Whether a password that was accepted once still meets today's policy (seed 000 §一: else reset first). */
export async function meetsCurrentPolicy(db: Kysely<DB>, siteCode: string, accountType: AccountType, password: string, username: string) {
  const rules = await policyFor(db, siteCode, accountType);
  return checkPassword(password, rules, { username }).length === 0;
}
