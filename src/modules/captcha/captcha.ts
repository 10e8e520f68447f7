import svgCaptcha from 'svg-captcha';
import type { AppContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { sha256, safeEqual } from '../../platform/crypto.js';
import { uuidv7 } from '../../platform/ids.js';

const LIFETIME_MS = 5 * 60_000;

const answerHash = (id: string, answer: string) => sha256(`${id}:${answer.trim().toLowerCase()}`);

/** Keeps a captcha's answer, as a hash, for one check within 5 minutes. */
export async function storeCaptcha(ctx: AppContext, answer: string): Promise<string> {
  const now = ctx.now();
  const id = uuidv7(now.getTime());
  await ctx.db
    .insertInto('captchas')
    .values({ id, answer_hash: answerHash(id, answer), expires_at: new Date(now.getTime() + LIFETIME_MS) })
    .execute();
  return id;
}

/** A new image captcha, drawn here (no third-party service). */
export async function issueCaptcha(ctx: AppContext): Promise<{ captchaId: string; image: string }> {
  const drawn = svgCaptcha.create({ size: 4, noise: 3, color: true, ignoreChars: '0oO1lIi', background: '#f4f6f8' });
  const captchaId = await storeCaptcha(ctx, drawn.text);
  return { captchaId, image: `data:image/svg+xml;base64,${Buffer.from(drawn.data).toString('base64')}` };
}

export const captchaInvalid = () => new AppError(422, 'CAPTCHA_INVALID', '图形验证码错误或已过期，请刷新后重新输入', {
  errors: [{ field: 'captchaAnswer', code: 'CAPTCHA_INVALID' }],
});

/** Checks and consumes a captcha: whatever the outcome, the same captcha never answers twice. */
export async function checkCaptcha(ctx: AppContext, captchaId: string | undefined, answer: string | undefined): Promise<void> {
  if (ctx.config.captcha === 'off') return;
  if (!captchaId || !answer || !/^[0-9a-f-]{36}$/i.test(captchaId)) throw captchaInvalid();
  const row = await ctx.db.deleteFrom('captchas').where('id', '=', captchaId).returning(['answer_hash', 'expires_at']).executeTakeFirst();
  if (!row || row.expires_at <= ctx.now() || !safeEqual(row.answer_hash, answerHash(captchaId, answer))) throw captchaInvalid();
}
