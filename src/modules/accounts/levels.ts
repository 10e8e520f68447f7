import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { requireAccount } from '../../platform/auth-guard.js';
import { loadMe, type RealNameLevel } from './me.js';

export const LEVEL_ORDER: RealNameLevel[] = ['none', 'basic', 'intermediate', 'advanced'];

const LEVEL_NAMES: Record<RealNameLevel, string> = { none: '未实名', basic: '初级实名', intermediate: '中级实名', advanced: '高级实名' };

const NEXT_STEP: Record<RealNameLevel, string> = {
  none: '请先验证手机号',
  basic: '请等待实名认证通过（一般需要1-2个工作日）',
  intermediate: '请通过自助服务完成人脸核验',
  advanced: '',
};

export const levelAtLeast = (level: RealNameLevel, minimum: RealNameLevel) => LEVEL_ORDER.indexOf(level) >= LEVEL_ORDER.indexOf(minimum);

/**
 * The signed-in account, provided its real-name level (seed 004 §四) is at least `minimum`; otherwise
 * 403 REALNAME_LEVEL_REQUIRED naming the level needed and the next step.
 */
export async function requireRealNameLevel(ctx: AppContext, request: FastifyRequest, minimum: RealNameLevel) {
  const account = requireAccount(request);
  const me = await loadMe(ctx.db, account.id);
  const level = me?.realNameLevel ?? 'none';
  if (!levelAtLeast(level, minimum)) {
    const missing = LEVEL_ORDER.slice(LEVEL_ORDER.indexOf(level) + 1).find((l) => levelAtLeast(l, minimum)) ?? minimum;
    throw new AppError(403, 'REALNAME_LEVEL_REQUIRED', `此功能需要${LEVEL_NAMES[minimum]}，${NEXT_STEP[LEVEL_ORDER[LEVEL_ORDER.indexOf(missing) - 1] ?? 'none']}`, {
      extra: { requiredLevel: minimum, currentLevel: level },
    });
  }
  return { account, me: me! };
}
