import type { AppContext } from '../../platform/context.js';
import type { SessionAccount } from '../../platform/sessions.js';
import { AppError, errors } from '../../platform/errors.js';
import { audit } from '../../platform/audit.js';
import { uuidv7 } from '../../platform/ids.js';
import { fullName, getRegion, getSite, provinceCodeOf } from '../places/divisions.js';
import { findUnit, requireUnitAdmin, unitNotFound, type UnitRow } from './access.js';
import { TEXT } from './text.js';

export interface UnitView {
  id: string;
  siteCode: string;
  name: string;
  parentId: string | null;
  regionCode: string | null;
  regionName: string | null;
}

const toView = (u: UnitRow): UnitView => ({
  id: u.id, siteCode: u.site_code, name: u.name, parentId: u.parent_id, regionCode: u.region_code,
  regionName: u.region_code ? fullName(u.region_code) || null : null,
});

const invalid = (code: string, title: string, field: string) => new AppError(422, code, title, { errors: [{ field, code }] });

/** 机构和单位管理: system administrators create units. */
export async function createUnit(
  ctx: AppContext, actor: SessionAccount, input: { siteCode: string; name: string; parentId?: string; regionCode?: string }, ip: string,
): Promise<UnitView> {
  if (actor.type !== 'admin') throw errors.forbidden();
  if (!getSite(input.siteCode)) throw invalid('SITE_UNKNOWN', TEXT.siteUnknown, 'siteCode');
  const name = input.name.normalize('NFKC').trim();
  if (!name) throw invalid('NAME_REQUIRED', TEXT.blank, 'name');
  if (input.parentId) {
    const parent = await findUnit(ctx.db, input.parentId);
    if (!parent || parent.site_code !== input.siteCode) throw invalid('PARENT_INVALID', TEXT.parentInvalid, 'parentId');
  }
  if (input.regionCode && (!getRegion(input.regionCode) || provinceCodeOf(input.regionCode) !== input.siteCode)) {
    throw invalid('REGION_INVALID', TEXT.regionInvalid, 'regionCode');
  }
  const now = ctx.now();
  const unit: UnitRow = { id: uuidv7(now.getTime()), site_code: input.siteCode, name, parent_id: input.parentId ?? null, region_code: input.regionCode ?? null };
  await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto('units').values({ ...unit, created_at: now, created_by: actor.id }).execute();
    await audit(trx, { actor: { id: actor.id, username: actor.username }, action: 'unit.create', target: { type: 'unit', id: unit.id }, siteCode: unit.site_code, ip, outcome: 'success', detail: { name } }, now);
  });
  return toView(unit);
}

/** Units the caller administers (system administrators: all), filtered by site and name. */
export async function listUnits(ctx: AppContext, actor: SessionAccount, filter: { siteCode?: string; q?: string; page: number; pageSize: number }) {
  if (actor.type !== 'admin' && actor.type !== 'staff') throw errors.forbidden();
  let base = ctx.db.selectFrom('units as u');
  if (actor.type === 'staff') {
    base = base.where((eb) => eb.exists(eb.selectFrom('unit_admins as ua').select('ua.unit_id').whereRef('ua.unit_id', '=', 'u.id').where('ua.account_id', '=', actor.id)));
  }
  if (filter.siteCode) base = base.where('u.site_code', '=', filter.siteCode);
  if (filter.q?.trim()) base = base.where('u.name', 'like', `%${filter.q.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  const [rows, count] = await Promise.all([
    base.select(['u.id', 'u.site_code', 'u.name', 'u.parent_id', 'u.region_code']).orderBy('u.site_code').orderBy('u.name')
      .limit(filter.pageSize).offset((filter.page - 1) * filter.pageSize).execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(toView), total: Number(count.n), page: filter.page, pageSize: filter.pageSize };
}

export async function getUnit(ctx: AppContext, actor: SessionAccount, unitId: string) {
  const unit = await requireUnitAdmin(ctx.db, actor, unitId);
  const [admins, counts] = await Promise.all([
    ctx.db.selectFrom('unit_admins as ua').innerJoin('accounts as a', 'a.id', 'ua.account_id').leftJoin('people as p', 'p.account_id', 'a.id')
      .select(['a.id', 'a.username', 'p.name']).where('ua.unit_id', '=', unit.id).orderBy('ua.created_at').execute(),
    ctx.db.selectFrom('staff_posts').where('unit_id', '=', unit.id)
      .select((eb) => [
        eb.fn.count<number>('account_id').distinct().as('staff'),
        eb.fn.count<number>('account_id').distinct()
          .filterWhere((w) => w.or([w('staffing_category', 'is', null), w('rank', 'is', null), w('staff_role', 'is', null)])).as('incomplete'),
      ]).executeTakeFirstOrThrow(),
  ]);
  return {
    ...toView(unit),
    admins: admins.map((a) => ({ accountId: a.id, username: a.username, name: a.name ?? a.username })),
    staffCount: Number(counts.staff),
    incompleteCount: Number(counts.incomplete),
  };
}

/** System administrators appoint (and remove) a unit's administrators from the unit's own staff. */
export async function setUnitAdmin(ctx: AppContext, actor: SessionAccount, unitId: string, accountId: string, appoint: boolean, ip: string): Promise<void> {
  if (actor.type !== 'admin') throw errors.forbidden();
  const unit = await findUnit(ctx.db, unitId);
  if (!unit) throw unitNotFound();
  const now = ctx.now();
  if (appoint) {
    const post = await ctx.db.selectFrom('staff_posts as s').innerJoin('accounts as a', 'a.id', 's.account_id')
      .select('s.id').where('s.unit_id', '=', unit.id).where('s.account_id', '=', accountId).where('a.type', '=', 'staff').executeTakeFirst();
    if (!post) throw new AppError(422, 'NOT_UNIT_STAFF', TEXT.notStaff, { errors: [{ field: 'accountId', code: 'NOT_UNIT_STAFF' }] });
  }
  await ctx.db.transaction().execute(async (trx) => {
    if (appoint) {
      await trx.insertInto('unit_admins').values({ unit_id: unit.id, account_id: accountId, created_at: now, created_by: actor.id })
        .onConflict((oc) => oc.columns(['unit_id', 'account_id']).doNothing()).execute();
    } else {
      await trx.deleteFrom('unit_admins').where('unit_id', '=', unit.id).where('account_id', '=', accountId).execute();
    }
    await audit(trx, {
      actor: { id: actor.id, username: actor.username }, action: appoint ? 'unit.admin_appoint' : 'unit.admin_remove',
      target: { type: 'account', id: accountId }, siteCode: unit.site_code, ip, outcome: 'success', detail: { unitId: unit.id },
    }, now);
  });
}
