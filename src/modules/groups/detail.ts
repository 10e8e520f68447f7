import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import { errors } from '../../platform/errors.js';
import { fullName } from '../places/divisions.js';
import { LEVEL_NAMES } from './permissions.js';
import { canSee, loadGroup, relationTo } from './access.js';
import { TEXT } from './text.js';

/**
 * A group's record. Everyone sees approved groups' public side (contact phone masked); the group itself, its
 * authorities and its liaison also see the leader (ID masked), e-mail and review. Pending and rejected
 * groups are 404 to everyone else.
 */
export async function groupDetail(ctx: AppContext, request: FastifyRequest, id: string) {
  const g = await loadGroup(ctx.db, id);
  const rel = await relationTo(ctx, request, g);
  if (!canSee(g, rel)) throw errors.notFound(TEXT.groupNotFound);
  const privileged = Boolean(rel.self || rel.authority || rel.liaison);
  return {
    id: g.id,
    siteCode: g.site_code,
    name: g.name,
    type: g.legal_person ? ('legal' as const) : ('non_legal' as const),
    creditCode: g.credit_code,
    regionCode: g.region_code,
    regionName: fullName(g.region_code),
    serviceCategories: g.service_categories,
    introduction: g.introduction,
    memberCount: g.member_count,
    projectCount: g.project_count,
    totalHours: Number(g.total_hours),
    level: g.level,
    levelName: LEVEL_NAMES[g.level],
    status: g.status,
    createdAt: g.created_at.toISOString(),
    contactName: g.contact_name,
    contactPhone: g.contact_phone_masked,
    liaisonGroupId: g.liaison_group_id,
    parentGroupId: g.parent_group_id,
    ...(privileged
      ? {
        leaderName: g.leader_name,
        leaderIdNumber: g.leader_id_masked,
        email: g.email,
        contactVerified: g.contact_verified_at !== null,
        hasExemptPassword: g.exempt_password_hash !== null,
        review: { reason: g.review_reason, reviewedAt: g.reviewed_at?.toISOString() ?? null },
      }
      : {}),
  };
}
