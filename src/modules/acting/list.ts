import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import type { ActingRolesTable } from '../../platform/database/schema-groups.js';
import { AppError } from '../../platform/errors.js';
import { requireManager } from './roles.js';
import { TEXT } from './text.js';

type ActingStatus = ActingRolesTable['status'];

/** The group's acting people, newest request first; numbers are only ever shown masked here. */
export async function listActingPeople(
  ctx: AppContext,
  request: FastifyRequest,
  groupId: string,
  query: { status?: ActingStatus; page?: number; pageSize?: number },
) {
  const manager = await requireManager(ctx, request, groupId);
  // Operators do business only; who holds which authority is for those who can change it.
  if (manager.role === 'operator') throw new AppError(403, 'ACTING_ROLE_INSUFFICIENT', TEXT.listForbidden);
  const page = query.page ?? 1;
  const pageSize = query.pageSize ?? 20;
  let base = ctx.db
    .selectFrom('acting_roles as r')
    .innerJoin('accounts as a', 'a.id', 'r.person_account_id')
    .leftJoin('people as p', 'p.account_id', 'r.person_account_id')
    .where('r.site_code', '=', manager.group.siteCode)
    .where('r.group_id', '=', manager.group.id);
  if (query.status) base = base.where('r.status', '=', query.status);
  const [{ total }] = await base.select((eb) => eb.fn.countAll<string>().as('total')).execute();
  const rows = await base
    .select(['r.person_account_id', 'r.role', 'r.status', 'r.requested_at', 'r.decided_at', 'r.decided_by', 'a.username', 'a.display_name', 'p.name', 'p.id_number_masked', 'p.phone_masked'])
    .orderBy('r.requested_at', 'desc')
    .orderBy('r.person_account_id')
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .execute();
  return {
    items: rows.map((r) => ({
      personAccountId: r.person_account_id,
      username: r.username,
      name: r.name ?? r.display_name,
      idNumber: r.id_number_masked ?? null,
      phone: r.phone_masked ?? null,
      role: r.role,
      status: r.status,
      requestedAt: r.requested_at.toISOString(),
      decidedAt: r.decided_at ? r.decided_at.toISOString() : null,
      decidedBy: r.decided_by,
    })),
    total: Number(total),
    page,
    pageSize,
  };
}
