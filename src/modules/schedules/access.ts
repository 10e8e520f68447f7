import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import { errors } from '../../platform/errors.js';
import { currentGroupActor, requireGroupActor, type GroupActor } from '../groups/actor.js';
import { groupMay } from '../groups/permissions.js';
import { TEXT } from './text.js';

export async function loadShift(ctx: AppContext, shiftId: string) {
  const shift = await ctx.db.selectFrom('shifts').selectAll().where('id', '=', shiftId).executeTakeFirst();
  if (!shift) throw errors.notFound(TEXT.shiftNotFound);
  return shift;
}
export type ShiftRow = Awaited<ReturnType<typeof loadShift>>;

export async function loadProjectRow(ctx: AppContext, projectId: string) {
  const project = await ctx.db.selectFrom('projects').select(['site_code', 'id', 'group_id', 'name', 'start_date', 'end_date', 'status', 'address', 'lat', 'lng'])
    .where('id', '=', projectId).executeTakeFirst();
  if (!project) throw errors.notFound(TEXT.projectNotFound);
  return project;
}

/**
 * The project's own group, acting with record_hours or manage_members (谁组织谁记录); any other caller gets 404 so
 * another group's shifts and attendance stay invisible.
 */
export async function requireProjectGroup(ctx: AppContext, request: FastifyRequest, groupId: string): Promise<GroupActor> {
  if (!request.auth) throw errors.unauthenticated();
  const own = await currentGroupActor(ctx, request);
  if (!own || own.group.id !== groupId) throw errors.notFound(TEXT.projectNotFound);
  const action = groupMay(own.group.level, 'record_hours') ? 'record_hours' : 'manage_members';
  return requireGroupActor(ctx, request, action, groupId);
}
