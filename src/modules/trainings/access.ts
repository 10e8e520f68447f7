import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import { AppError, errors } from '../../platform/errors.js';
import { currentGroupActor, requireGroupActor } from '../groups/actor.js';
import { TEXT } from './text.js';

/** Who provides (or manages) a training in this request; `actor` is what the audit log records. */
export interface Provider {
  groupId: string | null;
  groupSiteCode: string | null;
  name: string;
  actor: { id: string; username: string };
  role: string;
}

/**
 * A group whose level allows manage_members (its account or a person acting for it), or a system administrator.
 * Seed 002 §1.2 names no training permission; a group trains its volunteers, so the approved levels that manage them may.
 */
export async function requireProvider(ctx: AppContext, request: FastifyRequest): Promise<Provider> {
  const auth = request.auth;
  if (!auth) throw errors.unauthenticated();
  if (auth.account.type === 'admin') return { groupId: null, groupSiteCode: null, name: TEXT.platformName, actor: auth.account, role: 'admin' };
  if (!(await currentGroupActor(ctx, request))) throw new AppError(403, 'FORBIDDEN', TEXT.providerOnly);
  const actor = await requireGroupActor(ctx, request, 'manage_members');
  return { groupId: actor.group.id, groupSiteCode: actor.group.siteCode, name: actor.group.name, actor: actor.actor, role: actor.role };
}

export async function loadTraining(ctx: AppContext, id: string) {
  const row = await ctx.db.selectFrom('trainings').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw errors.notFound(TEXT.notFound);
  return row;
}
export type TrainingRow = Awaited<ReturnType<typeof loadTraining>>;

/**
 * The training's own group or a system administrator. Trainings are public, so anyone else learns nothing from a 403
 * (unlike a project's applicants, which answer 404).
 */
export async function requireTrainingProvider(ctx: AppContext, request: FastifyRequest, training: TrainingRow): Promise<Provider> {
  const auth = request.auth;
  if (!auth) throw errors.unauthenticated();
  if (auth.account.type === 'admin') return { groupId: training.group_id, groupSiteCode: null, name: training.provider_name, actor: auth.account, role: 'admin' };
  const own = await currentGroupActor(ctx, request);
  if (!own || training.group_id === null || own.group.id !== training.group_id) throw new AppError(403, 'NOT_PROVIDER', TEXT.notProvider);
  const actor = await requireGroupActor(ctx, request, 'manage_members', training.group_id);
  return { groupId: actor.group.id, groupSiteCode: actor.group.siteCode, name: actor.group.name, actor: actor.actor, role: actor.role };
}
