import type { AppContext } from '../../platform/context.js';
import { AppError, errors } from '../../platform/errors.js';
import { hashPassword, verifyPassword } from '../../platform/passwords.js';
import { hitWindow } from '../../platform/rate-limit.js';
import { audit } from '../../platform/audit.js';
import type { SessionAccount } from '../../platform/sessions.js';
import { siteSettings } from '../places/site-settings.js';
import { lookupKey } from '../accounts/lookups.js';
import { setPasswordHash } from '../accounts/set-password.js';
import { enforcePasswordPolicy } from '../password-policy/service.js';
import { TEXT } from './text.js';

/**
 * Security questions exist because seed 004 (a provincial identity platform) offers them, but they are
 * off unless a site switches them on: answers are guessable or findable (OWASP ASVS 2.5.6). Answers are
 * normalised (case, spaces, full-width forms) and stored as argon2id hashes, like passwords.
 */
const normalise = (answer: string) => answer.normalize('NFKC').toLowerCase().replace(/\s+/g, '');

const disabled = () => new AppError(403, 'SECURITY_QUESTIONS_DISABLED', TEXT.disabled);

export async function setSecurityQuestions(ctx: AppContext, account: SessionAccount, items: { question: string; answer: string }[], ip: string) {
  if (!(await siteSettings(ctx.db, account.siteCode)).securityQuestions) throw disabled();
  if (items.some((i) => normalise(i.answer).length < 2 || normalise(i.answer) === account.username.toLowerCase())) {
    throw new AppError(422, 'ANSWER_TOO_WEAK', TEXT.weakAnswer, { errors: [{ field: 'questions', code: 'ANSWER_TOO_WEAK' }] });
  }
  const hashes = await Promise.all(items.map((i) => hashPassword(normalise(i.answer))));
  const now = ctx.now();
  await ctx.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('security_answers').where('account_id', '=', account.id).execute();
    await trx.insertInto('security_answers').values(items.map((item, position) => ({
      account_id: account.id, position, question: item.question.trim(), answer_hash: hashes[position], updated_at: now,
    }))).execute();
    await audit(trx, { actor: account, action: 'security_questions.set', target: { type: 'account', id: account.id }, siteCode: account.siteCode, ip, outcome: 'success' }, now);
  });
}

async function accountByUsername(ctx: AppContext, username: string) {
  return ctx.db
    .selectFrom('account_lookups as l')
    .innerJoin('accounts as a', 'a.id', 'l.account_id')
    .select(['a.id', 'a.username', 'a.site_code', 'a.type'])
    .where('l.kind', '=', 'username').where('l.lookup', '=', lookupKey(ctx.cipher, 'username', username.trim()))
    .executeTakeFirst();
}

/** The questions of an account on a site that uses them (404 NO_MATCH when there are none to show). */
export async function questionsFor(ctx: AppContext, username: string, ip: string): Promise<string[]> {
  const hit = await hitWindow(ctx.db, `secq-ip:${ip}`, 3600, 60, ctx.now());
  if (!hit.allowed) throw errors.tooMany('TOO_MANY_ATTEMPTS', TEXT.tooMany, hit.retryAfter);
  const account = await accountByUsername(ctx, username);
  if (!account || !(await siteSettings(ctx.db, account.site_code)).securityQuestions) throw new AppError(404, 'NO_MATCH', TEXT.notSet);
  const rows = await ctx.db.selectFrom('security_answers').select('question').where('account_id', '=', account.id).orderBy('position').execute();
  if (rows.length === 0) throw new AppError(404, 'NO_MATCH', TEXT.notSet);
  return rows.map((r) => r.question);
}

/** Resets the password when every answer matches; five tries per account per hour. */
export async function resetWithAnswers(ctx: AppContext, input: { username: string; answers: string[]; newPassword: string }, ip: string) {
  const account = await accountByUsername(ctx, input.username);
  if (!account || !(await siteSettings(ctx.db, account.site_code)).securityQuestions) throw new AppError(404, 'NO_MATCH', TEXT.notSet);
  const hit = await hitWindow(ctx.db, `secq-account:${account.id}`, 3600, 5, ctx.now());
  if (!hit.allowed) throw errors.tooMany('TOO_MANY_ATTEMPTS', TEXT.tooMany, hit.retryAfter);
  const rows = await ctx.db.selectFrom('security_answers').select('answer_hash').where('account_id', '=', account.id).orderBy('position').execute();
  if (rows.length === 0) throw new AppError(404, 'NO_MATCH', TEXT.notSet);
  const checks = await Promise.all(rows.map((r, i) => verifyPassword(r.answer_hash, normalise(input.answers[i] ?? ''))));
  const now = ctx.now();
  if (input.answers.length !== rows.length || checks.some((ok) => !ok)) {
    await audit(ctx.db, { actor: null, action: 'recovery.security_questions', target: { type: 'account', id: account.id }, siteCode: account.site_code, ip, outcome: 'failure' }, now);
    throw new AppError(422, 'ANSWERS_WRONG', TEXT.wrong, { errors: [{ field: 'answers', code: 'ANSWERS_WRONG' }] });
  }
  await enforcePasswordPolicy(ctx.db, { siteCode: account.site_code, accountType: account.type, password: input.newPassword, username: account.username, field: 'newPassword' });
  const passwordHash = await hashPassword(input.newPassword);
  await ctx.db.transaction().execute((trx) => setPasswordHash(ctx, trx, {
    account: { id: account.id, username: account.username, siteCode: account.site_code },
    hash: passwordHash, action: 'recovery.password_reset', ip, actor: null, detail: { by: 'security_questions' },
  }));
}
