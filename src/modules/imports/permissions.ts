import type { Kysely } from 'kysely';
import type { DB } from '../../platform/database/schema.js';
import type { SessionAccount } from '../../platform/sessions.js';
import { isUnitAdmin } from '../units/access.js';

export type ImportTarget =
  | { kind: 'volunteers'; siteCode: string }
  | { kind: 'staff'; siteCode: string; unitId: string };

/**
 * Who may bring people in by file. Today: system administrators anything; a unit's administrators staff into
 * that unit. Groups, schools, events and communities (seed 001) registering volunteers in bulk will be added
 * here with the groups work (e.g. a group's administrator, volunteers of the group's site).
 */
export async function mayImport(db: Kysely<DB>, account: SessionAccount, target: ImportTarget): Promise<boolean> {
  if (account.type === 'admin') return true;
  if (target.kind === 'staff' && account.type === 'staff') return isUnitAdmin(db, account.id, target.unitId);
  return false;
}
