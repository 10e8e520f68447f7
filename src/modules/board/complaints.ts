import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { DB } from '../../platform/database/schema.js';
import type { AppContext } from '../../platform/context.js';
import type { SessionAccount } from '../../platform/sessions.js';
import { audit, auditMany } from '../../platform/audit.js';
import { AppError, errors } from '../../platform/errors.js';
import { uuidv7 } from '../../platform/ids.js';
import { currentGroupActor, isAuthorityOver, requireGroupActor, type GroupActor } from '../groups/actor.js';
import { maskName } from './names.js';
import { cleanText, findApprovedGroup, findGroupRow, offsetOf, throttle, type ApprovedGroup, type Page } from './shared.js';
import { TEXT } from './text.js';

export const COMPLAINT_MAX = 1000;
export const NOTE_MAX = 500;
/** 5 complaints per hour per account: a real grievance needs few, and each one lands in a person's inbox. */
export const COMPLAINT_WINDOW_SECONDS = 3600;
export const COMPLAINT_LIMIT = 5;
export const HIDE_BATCH_MAX = 100;

export interface ComplaintInput {
  groupId: string;
  targetType: 'group' | 'volunteer';
  targetAccountId?: string;
  body: string;
}

/**
 * A volunteer complains about a group, or about a volunteer to the group where it happened (seed 002 §2.1.6.7):
 * the group receives it either way, so the volunteer complained about must be a member of that group.
 */
export async function submitComplaint(ctx: AppContext, complainant: SessionAccount, input: ComplaintInput, ip: string) {
  const body = cleanText('body', input.body, COMPLAINT_MAX, TEXT.complaintTooLong);
  if (input.targetType === 'volunteer' && !input.targetAccountId) {
    throw errors.validation(TEXT.targetRequired, [{ field: 'targetAccountId', code: 'REQUIRED' }]);
  }
  if (input.targetType === 'group' && input.targetAccountId) {
    throw errors.validation(TEXT.targetNotAllowed, [{ field: 'targetAccountId', code: 'NOT_ALLOWED' }]);
  }
  if (input.targetAccountId === complainant.id) {
    throw new AppError(422, 'CANNOT_COMPLAIN_SELF', TEXT.targetSelf, { errors: [{ field: 'targetAccountId', code: 'SELF' }] });
  }
  const group = await findApprovedGroup(ctx, input.groupId);
  if (input.targetType === 'volunteer') {
    const member = await ctx.db
      .selectFrom('group_members')
      .select('status')
      .where('site_code', '=', group.siteCode)
      .where('group_id', '=', group.id)
      .where('account_id', '=', input.targetAccountId!)
      .where('status', '=', 'joined')
      .executeTakeFirst();
    if (!member) {
      throw new AppError(422, 'TARGET_NOT_MEMBER', TEXT.targetNotMember, { errors: [{ field: 'targetAccountId', code: 'NOT_MEMBER' }] });
    }
  }
  await throttle(ctx, `board.complaint:${complainant.id}`, COMPLAINT_WINDOW_SECONDS, COMPLAINT_LIMIT, 'COMPLAINT_RATE_LIMITED', TEXT.complaintTooMany);
  const now = ctx.now();
  const id = uuidv7(now.getTime());
  await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto('complaints').values({
      site_code: group.siteCode, id, group_id: group.id, target_type: input.targetType,
      target_account_id: input.targetAccountId ?? null, complainant_account_id: complainant.id, body, created_at: now,
    }).execute();
    await audit(trx, {
      actor: complainant, action: 'complaint.submit', target: { type: 'complaint', id }, siteCode: group.siteCode, ip, outcome: 'success',
      detail: { groupId: group.id, targetType: input.targetType },
    }, now);
  });
  return { id, status: 'new' as const };
}

type InboxViewer = { kind: 'group'; actor: GroupActor } | { kind: 'authority' };

/**
 * Who reads a group's inbox: the group itself (its account or a person acting for it), or an authority over
 * the group (a system administrator, or an advanced group whose jurisdiction covers it), read-only. Anyone else
 * learns nothing, not even that the group has an inbox: 404.
 */
async function inboxViewer(ctx: AppContext, request: FastifyRequest, group: ApprovedGroup): Promise<InboxViewer> {
  if (!request.auth) throw errors.unauthenticated();
  const own = await currentGroupActor(ctx, request);
  if (own && own.group.id === group.id) return { kind: 'group', actor: await requireGroupActor(ctx, request, 'moderate_board', group.id) };
  const authority = await isAuthorityOver(ctx, request, { siteCode: group.siteCode, regionCode: group.regionCode, fields: group.serviceCategories });
  if (authority) return { kind: 'authority' };
  throw errors.notFound(TEXT.groupNotFound);
}

export async function listInbox(
  ctx: AppContext,
  request: FastifyRequest,
  groupId: string,
  query: Page & { status?: 'new' | 'read' | 'handled'; includeHidden?: boolean },
) {
  const group = await findGroupRow(ctx, groupId);
  const viewer = await inboxViewer(ctx, request, group);
  // What the group deleted is gone from its own view; the record stays for those who oversee the group.
  if (query.includeHidden && viewer.kind === 'group') throw errors.forbidden(TEXT.hiddenOnlyAuthority);
  let base = ctx.db
    .selectFrom('complaints as c')
    .where('c.site_code', '=', group.siteCode)
    .where('c.group_id', '=', group.id);
  if (query.status) base = base.where('c.status', '=', query.status);
  if (!query.includeHidden) base = base.where('c.hidden_at', 'is', null);
  const [rows, count] = await Promise.all([
    base
      .innerJoin('accounts as ca', 'ca.id', 'c.complainant_account_id')
      .leftJoin('people as cp', 'cp.account_id', 'c.complainant_account_id')
      .leftJoin('accounts as ta', 'ta.id', 'c.target_account_id')
      .leftJoin('people as tp', 'tp.account_id', 'c.target_account_id')
      .select((eb) => [
        'c.id', 'c.target_type', 'c.target_account_id', 'c.body', 'c.status', 'c.handled_note', 'c.hidden_at', 'c.created_at',
        'ca.username as complainant_username', eb.fn.coalesce('cp.name', 'ca.display_name').as('complainant_name'),
        'ta.username as target_username', eb.fn.coalesce('tp.name', 'ta.display_name').as('target_name'),
      ])
      .orderBy('c.created_at', 'desc').orderBy('c.id', 'desc')
      .limit(query.pageSize).offset(offsetOf(query))
      .execute(),
    base.select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  const authority = viewer.kind === 'authority';
  return {
    items: rows.map((r) => ({
      id: r.id,
      targetType: r.target_type,
      // The group knows its own members by name; the volunteer complained about is one of them.
      target: r.target_account_id ? { accountId: r.target_account_id, name: r.target_name ?? '', username: r.target_username ?? '' } : null,
      body: r.body,
      status: r.status,
      handledNote: r.handled_note,
      hidden: r.hidden_at !== null,
      createdAt: r.created_at.toISOString(),
      // A complainant may fear retaliation: the group sees a masked name, those overseeing the group see who it is.
      complainant: authority
        ? { name: r.complainant_name, username: r.complainant_username }
        : { name: maskName(r.complainant_name) },
    })),
    total: Number(count.n), page: query.page, pageSize: query.pageSize,
  };
}

export async function markRead(ctx: AppContext, request: FastifyRequest, groupId: string, complaintId: string) {
  const actor = await requireGroupActor(ctx, request, 'moderate_board', groupId);
  const now = ctx.now();
  return ctx.db.transaction().execute(async (trx) => {
    const row = await lockVisible(trx, actor, complaintId);
    if (row.status === 'new') {
      await trx.updateTable('complaints').set({ status: 'read' })
        .where('site_code', '=', actor.group.siteCode).where('id', '=', complaintId).execute();
      await audit(trx, groupAudit(actor, 'group.complaint_read', complaintId, request.ip), now);
    }
    return { id: complaintId, status: row.status === 'new' ? 'read' as const : row.status };
  });
}

export async function handleComplaint(ctx: AppContext, request: FastifyRequest, groupId: string, complaintId: string, rawNote: string) {
  const actor = await requireGroupActor(ctx, request, 'moderate_board', groupId);
  const note = cleanText('note', rawNote, NOTE_MAX, TEXT.noteEmpty, TEXT.noteEmpty);
  const now = ctx.now();
  return ctx.db.transaction().execute(async (trx) => {
    const row = await lockVisible(trx, actor, complaintId);
    if (row.status === 'handled') throw new AppError(409, 'COMPLAINT_ALREADY_HANDLED', TEXT.alreadyHandled);
    await trx.updateTable('complaints').set({ status: 'handled', handled_note: note, handled_by: actor.actor.id })
      .where('site_code', '=', actor.group.siteCode).where('id', '=', complaintId).execute();
    await audit(trx, groupAudit(actor, 'group.complaint_handle', complaintId, request.ip), now);
    return { id: complaintId, status: 'handled' as const, handledNote: note };
  });
}

/**
 * 批量删除 (seed 002 §2.1.6.7): hides the complaints from the group's inbox but keeps every row, with who hid it
 * and when. All ids must belong to the group, or nothing changes. Ids already hidden count as belonging and stay
 * as they were, so a retried request is harmless.
 */
export async function hideComplaints(ctx: AppContext, request: FastifyRequest, groupId: string, ids: string[]) {
  const actor = await requireGroupActor(ctx, request, 'moderate_board', groupId);
  const wanted = [...new Set(ids.map((id) => id.toLowerCase()))];
  const now = ctx.now();
  return ctx.db.transaction().execute(async (trx) => {
    const rows = await trx
      .selectFrom('complaints')
      .select(['id', 'hidden_at'])
      .where('site_code', '=', actor.group.siteCode)
      .where('group_id', '=', actor.group.id)
      .where('id', 'in', wanted)
      .forUpdate()
      .execute();
    const found = new Set(rows.map((r) => r.id));
    const missing = wanted.filter((id) => !found.has(id));
    if (missing.length > 0) {
      throw new AppError(404, 'COMPLAINT_NOT_FOUND', TEXT.someComplaintsNotFound, {
        errors: missing.map((id) => ({ field: `ids.${ids.findIndex((x) => x.toLowerCase() === id)}`, code: 'NOT_FOUND' })),
      });
    }
    const toHide = rows.filter((r) => r.hidden_at === null).map((r) => r.id);
    if (toHide.length > 0) {
      await trx.updateTable('complaints').set({ hidden_at: now, hidden_by: actor.actor.id })
        .where('site_code', '=', actor.group.siteCode).where('id', 'in', toHide).execute();
      await auditMany(trx, toHide.map((id) => groupAudit(actor, 'group.complaint_hide', id, request.ip)), now);
    }
    return { hidden: toHide.length };
  });
}

/** The complaints the caller submitted, with how far each has got. */
export async function listMyComplaints(ctx: AppContext, account: SessionAccount, query: Page) {
  const base = ctx.db.selectFrom('complaints as c').where('c.complainant_account_id', '=', account.id);
  const [rows, count] = await Promise.all([
    base
      .innerJoin('groups as g', (j) => j.onRef('g.site_code', '=', 'c.site_code').onRef('g.id', '=', 'c.group_id'))
      .leftJoin('people as tp', 'tp.account_id', 'c.target_account_id')
      .leftJoin('accounts as ta', 'ta.id', 'c.target_account_id')
      .select((eb) => [
        'c.id', 'c.group_id', 'g.name as group_name', 'c.target_type', 'c.target_account_id', 'c.body', 'c.status',
        'c.handled_note', 'c.created_at', eb.fn.coalesce('tp.name', 'ta.display_name').as('target_name'),
      ])
      .orderBy('c.created_at', 'desc').orderBy('c.id', 'desc')
      .limit(query.pageSize).offset(offsetOf(query))
      .execute(),
    base.select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    items: rows.map((r) => ({
      id: r.id, groupId: r.group_id, groupName: r.group_name, targetType: r.target_type,
      target: r.target_account_id ? { accountId: r.target_account_id, name: r.target_name ?? '' } : null,
      body: r.body, status: r.status, handledNote: r.handled_note, createdAt: r.created_at.toISOString(),
    })),
    total: Number(count.n), page: query.page, pageSize: query.pageSize,
  };
}

/** The complaint of the acting group, locked for the change; hidden ones are deleted as far as the group is concerned. */
async function lockVisible(trx: Kysely<DB>, actor: GroupActor, complaintId: string) {
  const row = await trx
    .selectFrom('complaints')
    .select(['id', 'status'])
    .where('site_code', '=', actor.group.siteCode)
    .where('group_id', '=', actor.group.id)
    .where('id', '=', complaintId)
    .where('hidden_at', 'is', null)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw errors.notFound(TEXT.complaintNotFound);
  return row;
}

function groupAudit(actor: GroupActor, action: string, complaintId: string, ip: string) {
  return {
    actor: actor.actor, action, target: { type: 'complaint', id: complaintId }, siteCode: actor.group.siteCode, ip, outcome: 'success' as const,
    detail: { groupId: actor.group.id, role: actor.role },
  };
}
