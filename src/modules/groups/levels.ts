import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import { AppError, errors } from '../../platform/errors.js';
import { audit } from '../../platform/audit.js';
import { requireAccount } from '../../platform/auth-guard.js';
import { getRegion, provinceCodeOf } from '../places/divisions.js';
import { SERVICE_FIELD_CODES } from '../meta/catalog.js';
import type { GroupLevel } from './permissions.js';
import { jurisdictionOf } from './jurisdiction.js';
import { actorOf, canSee, loadGroup, refuse, relationTo } from './access.js';
import { invalid } from './register.js';
import { TEXT } from './text.js';

/**
 * 团体升降级 (seed 002 §2.2.5.12): by a system administrator or an advanced group over the group. Only system
 * administrators grant or take away the advanced level. The row is locked, so two changes cannot both read
 * the same old level.
 */
export async function changeLevel(ctx: AppContext, request: FastifyRequest, id: string, input: { level: Exclude<GroupLevel, 'pending'>; reason: string }) {
  if (!request.auth) throw errors.unauthenticated();
  const group = await loadGroup(ctx.db, id);
  const rel = await relationTo(ctx, request, group);
  if (rel.self && !rel.authority) throw new AppError(403, 'FORBIDDEN', TEXT.ownGroup);
  if (!rel.authority) refuse(group, rel, TEXT.notGroupAuthority);
  const reason = input.reason.trim();
  if (!reason) throw new AppError(422, 'REASON_REQUIRED', '请填写调整等级的原因', { errors: [{ field: 'reason', code: 'REQUIRED' }] });
  const who = actorOf(request, rel);
  const now = ctx.now();
  return ctx.db.transaction().execute(async (trx) => {
    const current = await trx.selectFrom('groups').select(['level', 'status']).where('site_code', '=', group.site_code).where('id', '=', id).forUpdate().executeTakeFirstOrThrow();
    if (current.status !== 'approved') throw new AppError(409, 'GROUP_NOT_APPROVED', TEXT.notApproved);
    if (who.by !== 'admin' && (input.level === 'advanced' || current.level === 'advanced')) {
      throw new AppError(403, 'ADVANCED_ADMIN_ONLY', TEXT.advancedAdminOnly);
    }
    if (current.level === input.level) throw new AppError(409, 'LEVEL_UNCHANGED', TEXT.levelUnchanged);
    await trx.updateTable('groups').set({ level: input.level, updated_at: now }).where('site_code', '=', group.site_code).where('id', '=', id).execute();
    await audit(trx, {
      actor: who.actor, action: 'group.level', target: { type: 'group', id }, siteCode: group.site_code, ip: request.ip, outcome: 'success',
      detail: { groupId: id, role: who.role, by: who.by, from: current.level, to: input.level, reason },
    }, now);
    return { id, level: input.level, previousLevel: current.level };
  });
}

export async function getJurisdiction(ctx: AppContext, request: FastifyRequest, id: string) {
  const group = await loadGroup(ctx.db, id);
  if (!canSee(group, await relationTo(ctx, request, group))) throw errors.notFound(TEXT.groupNotFound);
  return jurisdictionOf(ctx.db, group.site_code, id);
}

/** Sets an advanced group's jurisdiction (system administrators only): regions inside its site, service fields, universities. */
export async function setJurisdiction(ctx: AppContext, request: FastifyRequest, id: string, input: { regions: string[]; fields: string[]; universities: string[] }) {
  const admin = requireAccount(request, 'admin');
  const group = await loadGroup(ctx.db, id);
  if (group.level !== 'advanced') throw new AppError(409, 'GROUP_NOT_ADVANCED', TEXT.notAdvanced);
  input.regions.forEach((code, i) => {
    if (!getRegion(code) || provinceCodeOf(code) !== group.site_code) throw invalid('REGION_INVALID', TEXT.regionInvalid, `regions.${i}`);
  });
  input.fields.forEach((code, i) => {
    if (!SERVICE_FIELD_CODES.includes(code)) throw invalid('FIELD_INVALID', TEXT.fieldInvalid, `fields.${i}`);
  });
  const universities = [...new Set(input.universities.map((u) => u.trim()).filter(Boolean))];
  const now = ctx.now();
  const before = await jurisdictionOf(ctx.db, group.site_code, id);
  await ctx.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('group_jurisdictions').where('site_code', '=', group.site_code).where('group_id', '=', id).execute();
    const rows = [
      ...input.regions.map((value) => ({ kind: 'region' as const, value })),
      ...input.fields.map((value) => ({ kind: 'field' as const, value })),
      ...universities.map((value) => ({ kind: 'university' as const, value })),
    ].map((r) => ({ site_code: group.site_code, group_id: id, ...r }));
    if (rows.length > 0) await trx.insertInto('group_jurisdictions').values(rows).onConflict((oc) => oc.doNothing()).execute();
    await audit(trx, {
      actor: admin, action: 'group.jurisdiction', target: { type: 'group', id }, siteCode: group.site_code, ip: request.ip, outcome: 'success',
      detail: { groupId: id, role: 'admin', before, after: { regions: input.regions, fields: input.fields, universities } },
    }, now);
  });
  return jurisdictionOf(ctx.db, group.site_code, id);
}
