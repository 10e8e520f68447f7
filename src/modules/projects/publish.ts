import type { FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import type { AppContext } from '../../platform/context.js';
import { AppError, errors, type FieldProblem } from '../../platform/errors.js';
import { audit } from '../../platform/audit.js';
import { uuidv7 } from '../../platform/ids.js';
import { hashPassword } from '../../platform/passwords.js';
import { getRegion, provinceCodeOf } from '../places/divisions.js';
import { requireGroupActor, type GroupActor } from '../groups/actor.js';
import { chinaToday, inChina, isDate } from './status.js';
import { TEXT } from './text.js';

export interface PublishInput {
  name: string;
  siteCode: string;
  regionCode: string;
  category: string;
  serviceTarget: string;
  enrollmentScope: 'public' | 'members';
  startDate: string;
  endDate: string;
  recruitFrom?: string;
  recruitTo?: string;
  address: string;
  location?: { lat: number; lng: number };
  description?: string;
  positions: { name: string; quota: number; requirements?: string }[];
  exemptPassword?: string;
}

/** The group publishing: directly when its level allows it, otherwise for review (seed 002 §1.2); neither is 403. */
export async function publishingActor(ctx: AppContext, request: FastifyRequest): Promise<{ actor: GroupActor; direct: boolean }> {
  try {
    return { actor: await requireGroupActor(ctx, request, 'publish_project_direct'), direct: true };
  } catch (e) {
    if (!(e instanceof AppError) || e.code !== 'GROUP_LEVEL_INSUFFICIENT') throw e;
  }
  return { actor: await requireGroupActor(ctx, request, 'publish_project_reviewed'), direct: false };
}

/**
 * A project's region may be a city or anything below it inside the group's site: projects often serve a whole
 * city (a marathon, a city-wide campaign), unlike a volunteer's service region, which is a county or lower.
 */
export function checkRegion(siteCode: string, regionCode: string): string | null {
  const region = getRegion(regionCode);
  if (!region) return 'UNKNOWN_REGION';
  if (provinceCodeOf(regionCode) !== siteCode) return 'NOT_IN_SITE';
  return region.level === 'province' ? 'TOO_BROAD' : null;
}

/** Recruitment may open before the project and must close by its last day. */
export function checkRecruitment(problems: FieldProblem[], recruitFrom: string, recruitTo: string, endDate: string) {
  if (!isDate(recruitFrom)) problems.push({ field: 'recruitFrom', code: 'BAD_DATE' });
  if (!isDate(recruitTo)) problems.push({ field: 'recruitTo', code: 'BAD_DATE' });
  else if (recruitTo < recruitFrom) problems.push({ field: 'recruitTo', code: 'BEFORE_FROM' });
  else if (recruitTo > endDate) problems.push({ field: 'recruitTo', code: 'AFTER_END' });
}

export async function publishProject(ctx: AppContext, request: FastifyRequest, input: PublishInput) {
  const { actor, direct } = await publishingActor(ctx, request);
  const now = ctx.now();
  const today = chinaToday(now);
  const problems: FieldProblem[] = [];
  const name = input.name.trim();
  if (name.length < 2) problems.push({ field: 'name', code: 'TOO_SHORT' });
  if (input.siteCode !== actor.group.siteCode) problems.push({ field: 'siteCode', code: 'NOT_GROUP_SITE' });
  const regionProblem = checkRegion(actor.group.siteCode, input.regionCode);
  if (regionProblem) problems.push({ field: 'regionCode', code: regionProblem });
  if (!isDate(input.startDate)) problems.push({ field: 'startDate', code: 'BAD_DATE' });
  else if (input.startDate < today) problems.push({ field: 'startDate', code: 'IN_PAST' });
  if (!isDate(input.endDate)) problems.push({ field: 'endDate', code: 'BAD_DATE' });
  else if (input.endDate < input.startDate) problems.push({ field: 'endDate', code: 'BEFORE_START' });
  const recruitFrom = input.recruitFrom ?? today;
  const recruitTo = input.recruitTo ?? input.endDate;
  checkRecruitment(problems, recruitFrom, recruitTo, input.endDate);
  const address = input.address.trim();
  if (!address) problems.push({ field: 'address', code: 'REQUIRED' });
  if (input.location && !inChina(input.location)) problems.push({ field: 'location', code: 'OUTSIDE_CHINA' });
  input.positions.forEach((p, i) => {
    if (!p.name.trim()) problems.push({ field: `positions.${i}.name`, code: 'REQUIRED' });
  });
  const names = input.positions.map((p) => p.name.trim());
  names.forEach((n, i) => {
    if (n && names.indexOf(n) !== i) problems.push({ field: `positions.${i}.name`, code: 'DUPLICATE' });
  });
  if (problems.length > 0) throw errors.validation(TEXT.invalid, problems);

  const id = uuidv7(now.getTime());
  const status = direct ? ('recruiting' as const) : ('pending_review' as const);
  const exemptHash = input.exemptPassword ? await hashPassword(input.exemptPassword) : null;
  const totalQuota = input.positions.reduce((sum, p) => sum + p.quota, 0);
  const siteCode = actor.group.siteCode;
  await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto('projects').values({
      site_code: siteCode, id, group_id: actor.group.id, name, region_code: input.regionCode, category: input.category,
      service_target: input.serviceTarget, enrollment_scope: input.enrollmentScope, start_date: input.startDate, end_date: input.endDate,
      recruit_from: recruitFrom, recruit_to: recruitTo, address, lat: input.location?.lat ?? null, lng: input.location?.lng ?? null,
      description: input.description?.trim() ?? '', cover: null, exempt_password_hash: exemptHash, status,
      review_reason: null, reviewed_at: null, reviewed_by: null, cancel_reason: null, created_by: actor.actor.id,
      created_at: now, updated_at: now, total_quota: totalQuota,
    }).execute();
    await trx.insertInto('positions').values(input.positions.map((p) => ({
      site_code: siteCode, project_id: id, id: uuidv7(now.getTime()), name: p.name.trim(), quota: p.quota, requirements: p.requirements?.trim() ?? '',
    }))).execute();
    await trx.updateTable('groups').set({ project_count: sql`project_count + 1` })
      .where('site_code', '=', siteCode).where('id', '=', actor.group.id).execute();
    await audit(trx, {
      actor: actor.actor, action: 'project.publish', target: { type: 'project', id }, siteCode, ip: request.ip, outcome: 'success',
      detail: { groupId: actor.group.id, role: actor.role, status, positions: input.positions.length, totalQuota },
    }, now);
  });
  return { id, status };
}
