import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import { AppError, errors } from '../../platform/errors.js';
import { audit } from '../../platform/audit.js';
import { requireAccount } from '../../platform/auth-guard.js';
import { uuidv7 } from '../../platform/ids.js';
import type { CommendationLevel } from '../../platform/database/schema-transfers.js';
import { chinaToday, isDate } from '../projects/status.js';
import { requireCommendationManager } from './access.js';
import { LEVEL_NAMES, TEXT } from './text.js';

const bad = (code: string, title: string, field: string) => new AppError(422, code, title, { errors: [{ field, code }] });

export interface GrantInput { accountId: string; title: string; level: CommendationLevel; grantedOn: string; note?: string }

/**
 * Grants a commendation (表彰) under a group: to one of its joined members or a volunteer with a service record in
 * one of its projects. The group itself grants group-level honours only; higher levels are entered by an authority
 * (system administrator or the advanced group over the group's region), still under the group they served with.
 */
export async function grantCommendation(ctx: AppContext, request: FastifyRequest, groupId: string, input: GrantInput) {
  const manager = await requireCommendationManager(ctx, request, groupId);
  const { group } = manager;
  if (manager.as === 'group' && input.level !== 'group') throw bad('LEVEL_NOT_ALLOWED', TEXT.levelNotAllowed, 'level');
  const title = input.title.trim();
  if (!title) throw bad('TITLE_REQUIRED', TEXT.titleRequired, 'title');
  const now = ctx.now();
  if (!isDate(input.grantedOn) || input.grantedOn > chinaToday(now)) throw bad('DATE_INVALID', TEXT.dateInvalid, 'grantedOn');

  const volunteer = await ctx.db.selectFrom('accounts').select(['id', 'type']).where('id', '=', input.accountId).executeTakeFirst();
  if (volunteer?.type !== 'volunteer') throw bad('VOLUNTEER_NOT_FOUND', TEXT.volunteerNotFound, 'accountId');
  const [member, record] = await Promise.all([
    ctx.db.selectFrom('group_members').select('status')
      .where('site_code', '=', group.siteCode).where('group_id', '=', group.id).where('account_id', '=', volunteer.id)
      .where('status', '=', 'joined').executeTakeFirst(),
    ctx.db.selectFrom('service_records').select('id')
      .where('site_code', '=', group.siteCode).where('group_id', '=', group.id).where('account_id', '=', volunteer.id)
      .where('status', '<>', 'deleted').limit(1).executeTakeFirst(),
  ]);
  if (!member && !record) throw bad('NOT_RELATED', TEXT.notRelated, 'accountId');

  const id = uuidv7(now.getTime());
  const note = input.note?.trim() || null;
  await ctx.db.transaction().execute(async (trx) => {
    const inserted = await trx.insertInto('commendations').values({
      site_code: group.siteCode, id, group_id: group.id, account_id: volunteer.id, title, level: input.level, granted_on: input.grantedOn,
      note, granted_as: manager.as, granted_by: manager.actor.id, authority_group_id: manager.authorityGroupId, created_at: now,
    }).onConflict((oc) => oc.doNothing()).returning('id').executeTakeFirst();
    if (!inserted) throw new AppError(409, 'COMMENDATION_EXISTS', TEXT.exists);
    await audit(trx, {
      actor: manager.actor, action: 'commendation.grant', target: { type: 'commendation', id }, siteCode: group.siteCode, ip: request.ip,
      outcome: 'success', detail: { groupId: group.id, accountId: volunteer.id, level: input.level, grantedOn: input.grantedOn, as: manager.as, authorityGroupId: manager.authorityGroupId },
    }, now);
  });
  return { id, status: 'active' as const };
}

/** A group's commendations for the group and its authorities, full names (the group's own volunteers). */
export async function groupCommendations(ctx: AppContext, request: FastifyRequest, groupId: string, status: 'active' | 'revoked' | undefined, page: number, pageSize: number) {
  const { group } = await requireCommendationManager(ctx, request, groupId);
  let base = ctx.db.selectFrom('commendations as c').where('c.site_code', '=', group.siteCode).where('c.group_id', '=', group.id);
  if (status) base = base.where('c.status', '=', status);
  const [rows, count] = await Promise.all([
    base.innerJoin('accounts as a', 'a.id', 'c.account_id').leftJoin('people as p', 'p.account_id', 'c.account_id')
      .leftJoin('volunteer_profiles as v', 'v.account_id', 'c.account_id')
      .select(['c.id', 'c.account_id', 'p.name', 'a.display_name', 'v.volunteer_number', 'c.title', 'c.level', 'c.granted_on', 'c.note',
        'c.granted_as', 'c.status', 'c.revoked_at', 'c.revoked_reason', 'c.created_at'])
      .orderBy('c.granted_on', 'desc').orderBy('c.id', 'desc').limit(pageSize).offset((page - 1) * pageSize).execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    items: rows.map((r) => ({
      id: r.id, accountId: r.account_id, volunteerName: r.name ?? r.display_name, volunteerNumber: r.volunteer_number ?? null,
      title: r.title, level: r.level, levelName: LEVEL_NAMES[r.level], grantedOn: r.granted_on, note: r.note, grantedAs: r.granted_as,
      status: r.status, revokedAt: r.revoked_at ? new Date(r.revoked_at).toISOString() : null, revokedReason: r.revoked_reason,
      createdAt: new Date(r.created_at).toISOString(),
    })),
    total: Number(count.n), page, pageSize,
  };
}

/** 我的表彰 (seed 002 §2.1.6.8): the signed-in volunteer's commendations in force, newest first. */
export async function myCommendations(ctx: AppContext, request: FastifyRequest, page: number, pageSize: number) {
  const account = requireAccount(request, 'volunteer');
  const base = ctx.db.selectFrom('commendations as c').where('c.account_id', '=', account.id).where('c.status', '=', 'active');
  const [rows, count] = await Promise.all([
    base.innerJoin('groups as g', (j) => j.onRef('g.site_code', '=', 'c.site_code').onRef('g.id', '=', 'c.group_id'))
      .select(['c.id', 'c.title', 'c.level', 'c.granted_on', 'c.note', 'c.granted_as', 'c.group_id', 'g.name as group_name', 'c.site_code', 'c.created_at'])
      .orderBy('c.granted_on', 'desc').orderBy('c.id', 'desc').limit(pageSize).offset((page - 1) * pageSize).execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    items: rows.map((r) => ({
      id: r.id, title: r.title, level: r.level, levelName: LEVEL_NAMES[r.level], grantedOn: r.granted_on, note: r.note,
      grantedAs: r.granted_as, groupId: r.group_id, groupName: r.group_name, siteCode: r.site_code, createdAt: new Date(r.created_at).toISOString(),
    })),
    total: Number(count.n), page, pageSize,
  };
}

/**
 * Revokes a commendation with a reason (kept on the row and audited; the volunteer no longer sees it). The group may
 * revoke what it granted itself; what an authority granted only an authority over the group may revoke.
 */
export async function revokeCommendation(ctx: AppContext, request: FastifyRequest, id: string, reason: string) {
  if (!request.auth) throw errors.unauthenticated();
  const row = await ctx.db.selectFrom('commendations').select(['site_code', 'id', 'group_id', 'account_id', 'granted_as', 'status'])
    .where('id', '=', id).executeTakeFirst();
  if (!row) throw errors.notFound(TEXT.notFound);
  const manager = await requireCommendationManager(ctx, request, row.group_id);
  if (manager.as === 'group' && row.granted_as !== 'group') throw new AppError(403, 'GRANTOR_ONLY', TEXT.grantorOnly);
  const why = reason.trim();
  if (!why) throw errors.validation(TEXT.reasonRequired, [{ field: 'reason', code: 'REQUIRED' }]);
  const now = ctx.now();
  await ctx.db.transaction().execute(async (trx) => {
    const updated = await trx.updateTable('commendations')
      .set({ status: 'revoked', revoked_at: now, revoked_by: manager.actor.id, revoked_reason: why })
      .where('site_code', '=', row.site_code).where('id', '=', row.id).where('status', '=', 'active')
      .returning('id').executeTakeFirst();
    if (!updated) throw new AppError(409, 'ALREADY_REVOKED', TEXT.alreadyRevoked);
    await audit(trx, {
      actor: manager.actor, action: 'commendation.revoke', target: { type: 'commendation', id: row.id }, siteCode: row.site_code, ip: request.ip,
      outcome: 'success', detail: { groupId: row.group_id, accountId: row.account_id, reason: why, as: manager.as },
    }, now);
  });
}
