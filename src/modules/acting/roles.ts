import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { AppContext } from '../../platform/context.js';
import type { DB } from '../../platform/database/schema.js';
import type { ActingRole } from '../../platform/database/schema-groups.js';
import { AppError, errors } from '../../platform/errors.js';
import { findGroup, requireGroupActor, type GroupActor, type GroupRef } from '../groups/actor.js';
import { lookupKey } from '../accounts/lookups.js';
import { TEXT } from './text.js';

/** Who is managing a group's acting people: a system administrator, or a group actor (its account or a person in its space). */
export type ManagerRole = 'system_admin' | GroupActor['role'];

export interface Manager {
  group: GroupRef;
  role: ManagerRole;
  actor: { id: string; username: string };
}

/**
 * Seed 004 §五: the legal representative grants administrators and operators, an administrator grants operators,
 * an operator only does business. The group's own account (and a system administrator) stands above them all,
 * because it is the registered organisation itself.
 */
const MAY_MANAGE: Record<ManagerRole, readonly ActingRole[]> = {
  system_admin: ['legal_representative', 'administrator', 'operator'],
  group_account: ['legal_representative', 'administrator', 'operator'],
  legal_representative: ['administrator', 'operator'],
  administrator: ['operator'],
  operator: [],
};

export function mayManage(manager: ManagerRole, role: ActingRole): boolean {
  return MAY_MANAGE[manager].includes(role);
}

export function insufficient(): AppError {
  return new AppError(403, 'ACTING_ROLE_INSUFFICIENT', TEXT.roleInsufficient);
}

/** 404 for a group the caller does not act for (another group's people are none of its business). */
export async function requireManager(ctx: AppContext, request: FastifyRequest, groupId: string): Promise<Manager> {
  const auth = request.auth;
  if (!auth) throw errors.unauthenticated();
  if (auth.account.type === 'admin') {
    const group = await findGroup(ctx, groupId);
    if (!group) throw errors.notFound(TEXT.groupNotFound);
    return { group, role: 'system_admin', actor: { id: auth.account.id, username: auth.account.username } };
  }
  const actor = await requireGroupActor(ctx, request, 'manage_acting_people', groupId);
  return { group: actor.group, role: actor.role, actor: { id: actor.actor.id, username: actor.actor.username } };
}

export interface PersonRecord {
  accountId: string;
  username: string;
  name: string;
  idNumberEnc: string;
  verified: boolean;
}

/** A natural person's account (volunteer or staff) with its real-name record, by username. */
export async function findPersonByUsername(ctx: AppContext, db: Kysely<DB>, username: string): Promise<PersonRecord | null> {
  const row = await db
    .selectFrom('account_lookups as l')
    .innerJoin('accounts as a', 'a.id', 'l.account_id')
    .innerJoin('people as p', 'p.account_id', 'a.id')
    .select(['a.id', 'a.username', 'a.type', 'a.status', 'p.name', 'p.id_number_enc', 'p.realname_status'])
    .where('l.kind', '=', 'username')
    .where('l.lookup', '=', lookupKey(ctx.cipher, 'username', username.trim()))
    .executeTakeFirst();
  if (!row || !['volunteer', 'staff'].includes(row.type) || row.status !== 'active') return null;
  return { accountId: row.id, username: row.username, name: row.name, idNumberEnc: row.id_number_enc, verified: row.realname_status === 'verified' };
}

export async function isVerifiedPerson(db: Kysely<DB>, accountId: string): Promise<boolean> {
  const row = await db.selectFrom('people').select('realname_status').where('account_id', '=', accountId).executeTakeFirst();
  return row?.realname_status === 'verified';
}

/** Sends a person's sessions back to personal space, so a revoked role cannot keep acting from a remembered space. */
export async function leaveSpace(db: Kysely<DB>, personAccountIds: string[], groupId: string): Promise<void> {
  if (personAccountIds.length === 0) return;
  await db
    .updateTable('sessions')
    .set({ acting_group_id: null })
    .where('account_id', 'in', personAccountIds)
    .where('acting_group_id', '=', groupId)
    .execute();
}
