import type { AppContext } from '../../platform/context.js';
import { AppError, errors } from '../../platform/errors.js';
import { audit } from '../../platform/audit.js';
import { hitWindow } from '../../platform/rate-limit.js';
import { checkDocument } from '../identity/documents.js';
import { lookupKey } from '../accounts/lookups.js';
import { TEXT } from './text.js';

async function throttle(ctx: AppContext, key: string, limit: number) {
  const hit = await hitWindow(ctx.db, key, 3600, limit, ctx.now());
  if (!hit.allowed) throw errors.tooMany('TOO_MANY_ATTEMPTS', TEXT.tooMany, hit.retryAfter);
}

/**
 * 志愿团体找回用户名 (seed 000): group name (any site) + leader name + leader ID number. Throttled with the
 * volunteer branch's keys (per address, per ID number), so the two forms together cannot test ID numbers.
 */
export async function recoverGroupUsername(ctx: AppContext, input: { groupName: string; leaderName: string; leaderIdNumber: string }, ip: string) {
  await throttle(ctx, `recover-username-ip:${ip}`, 30);
  const document = checkDocument('resident_id', input.leaderIdNumber, ctx.now());
  const idNumber = document.ok ? document.normalized : input.leaderIdNumber.trim().toUpperCase();
  const idKey = lookupKey(ctx.cipher, 'id_number', idNumber);
  await throttle(ctx, `recover-username-id:${idKey}`, 5);
  const row = await ctx.db
    .selectFrom('groups as g')
    .innerJoin('accounts as a', 'a.id', 'g.account_id')
    .select(['a.id', 'a.username', 'g.site_code', 'g.id as group_id'])
    .where('g.name', '=', input.groupName.trim())
    .where('g.leader_id_lookup', '=', idKey)
    .where('g.leader_name', '=', input.leaderName.trim())
    .orderBy('g.created_at', 'desc')
    .executeTakeFirst();
  await audit(ctx.db, {
    actor: null, action: 'recovery.username', target: row ? { type: 'account', id: row.id } : null, siteCode: row?.site_code, ip,
    outcome: row ? 'success' : 'failure', detail: { accountType: 'group', ...(row ? { groupId: row.group_id } : {}) },
  }, ctx.now());
  if (!row) throw new AppError(404, 'NO_MATCH', TEXT.noMatch);
  return { username: row.username };
}
