import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import { errors } from '../../platform/errors.js';
import { requireGroupActor } from '../groups/actor.js';
import { loadProject, relationToProject, type ProjectRow } from '../projects/detail.js';
import { TEXT } from './text.js';

/** Who manages a project's enrolments in this request; `actor` is what the audit log records. */
export interface EnrollmentManager {
  project: ProjectRow;
  actor: { id: string; username: string };
  role: string;
  authorityGroupId: string | null;
}

/**
 * The project's own group (level permitting manage_members), a system administrator, or an advanced group whose
 * jurisdiction covers the project; anyone else gets 404, so another group's applicants stay invisible.
 */
export async function requireEnrollmentManager(ctx: AppContext, request: FastifyRequest, projectId: string): Promise<EnrollmentManager> {
  if (!request.auth) throw errors.unauthenticated();
  const project = await loadProject(ctx.db, projectId).catch(() => { throw errors.notFound(TEXT.projectNotFound); });
  const { owner, authority } = await relationToProject(ctx, request, project);
  if (owner) {
    const actor = await requireGroupActor(ctx, request, 'manage_members', project.group_id);
    return { project, actor: actor.actor, role: actor.role, authorityGroupId: null };
  }
  if (!authority) throw errors.notFound(TEXT.projectNotFound);
  if (authority.kind === 'admin') return { project, actor: request.auth.account, role: 'admin', authorityGroupId: null };
  return { project, actor: authority.actor.actor, role: `authority:${authority.actor.role}`, authorityGroupId: authority.actor.group.id };
}
