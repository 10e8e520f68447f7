import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import { audit } from '../../platform/audit.js';
import { requireAccount } from '../../platform/auth-guard.js';
import { errors } from '../../platform/errors.js';
import { loadProjectRow, loadShift, requireProjectGroup } from './access.js';
import { freePlace, takePlace } from './shifts.js';
import { TEXT } from './text.js';

/** The group puts an enrolled volunteer of the shift's position into the shift. */
export async function assignByGroup(ctx: AppContext, request: FastifyRequest, shiftId: string, accountId: string): Promise<void> {
  const shift = await loadShift(ctx, shiftId);
  const project = await loadProjectRow(ctx, shift.project_id);
  const actor = await requireProjectGroup(ctx, request, project.group_id).catch(() => { throw errors.notFound(TEXT.shiftNotFound); });
  const now = ctx.now();
  await ctx.db.transaction().execute(async (trx) => {
    await takePlace(trx, shift, accountId, 'group', now);
    await audit(trx, {
      actor: actor.actor, action: 'group.shift.assign', target: { type: 'account', id: accountId }, siteCode: shift.site_code, ip: request.ip,
      outcome: 'success', detail: { groupId: actor.group.id, role: actor.role, shiftId: shift.id },
    }, now);
  });
}

export async function unassignByGroup(ctx: AppContext, request: FastifyRequest, shiftId: string, accountId: string): Promise<void> {
  const shift = await loadShift(ctx, shiftId);
  const project = await loadProjectRow(ctx, shift.project_id);
  const actor = await requireProjectGroup(ctx, request, project.group_id).catch(() => { throw errors.notFound(TEXT.shiftNotFound); });
  const now = ctx.now();
  await ctx.db.transaction().execute(async (trx) => {
    await freePlace(trx, shift, accountId);
    await audit(trx, {
      actor: actor.actor, action: 'group.shift.unassign', target: { type: 'account', id: accountId }, siteCode: shift.site_code, ip: request.ip,
      outcome: 'success', detail: { groupId: actor.group.id, role: actor.role, shiftId: shift.id },
    }, now);
  });
}

/** The volunteer picks a shift of the position they are enrolled in. */
export async function pickShift(ctx: AppContext, request: FastifyRequest, shiftId: string): Promise<void> {
  const account = requireAccount(request, 'volunteer');
  const shift = await loadShift(ctx, shiftId);
  const now = ctx.now();
  await ctx.db.transaction().execute(async (trx) => {
    await takePlace(trx, shift, account.id, 'self', now);
    await audit(trx, {
      actor: account, action: 'shift.pick', target: { type: 'shift', id: shift.id }, siteCode: shift.site_code, ip: request.ip, outcome: 'success',
    }, now);
  });
}

export async function dropShift(ctx: AppContext, request: FastifyRequest, shiftId: string): Promise<void> {
  const account = requireAccount(request, 'volunteer');
  const shift = await loadShift(ctx, shiftId);
  const now = ctx.now();
  await ctx.db.transaction().execute(async (trx) => {
    await freePlace(trx, shift, account.id);
    await audit(trx, {
      actor: account, action: 'shift.drop', target: { type: 'shift', id: shift.id }, siteCode: shift.site_code, ip: request.ip, outcome: 'success',
    }, now);
  });
}
