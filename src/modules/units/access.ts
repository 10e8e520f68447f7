import type { Kysely } from 'kysely';
import type { DB } from '../../platform/database/schema.js';
import type { SessionAccount } from '../../platform/sessions.js';
import { AppError } from '../../platform/errors.js';
import { TEXT } from './text.js';

export interface UnitRow {
  id: string;
  site_code: string;
  name: string;
  parent_id: string | null;
  region_code: string | null;
}

export const unitNotFound = () => new AppError(404, 'UNIT_NOT_FOUND', TEXT.unitNotFound);

export async function findUnit(db: Kysely<DB>, unitId: string): Promise<UnitRow | null> {
  const row = await db.selectFrom('units').select(['id', 'site_code', 'name', 'parent_id', 'region_code']).where('id', '=', unitId).executeTakeFirst();
  return row ?? null;
}

export async function isUnitAdmin(db: Kysely<DB>, accountId: string, unitId: string): Promise<boolean> {
  const row = await db.selectFrom('unit_admins').select('account_id').where('unit_id', '=', unitId).where('account_id', '=', accountId).executeTakeFirst();
  return Boolean(row);
}

/**
 * The unit, when `account` may administer it: system administrators any unit, staff the units they are listed
 * as administrators of. Anyone else gets 404, the same answer as for a unit that does not exist, so one
 * unit's administrators cannot learn about another unit's people or requests.
 */
export async function requireUnitAdmin(db: Kysely<DB>, account: SessionAccount, unitId: string): Promise<UnitRow> {
  const unit = await findUnit(db, unitId);
  if (!unit) throw unitNotFound();
  if (account.type === 'admin') return unit;
  if (account.type === 'staff' && (await isUnitAdmin(db, account.id, unitId))) return unit;
  throw unitNotFound();
}
