import type { Kysely } from 'kysely';
import type { AccountType, DB, RealNameStatus } from '../../platform/database/schema.js';
import { prepared } from '../../platform/database/prepared.js';

export type RealNameLevel = 'none' | 'basic' | 'intermediate' | 'advanced';

export interface MeView {
  id: string;
  type: AccountType;
  username: string;
  name: string;
  realNameStatus: RealNameStatus;
  realNameLevel: RealNameLevel;
  volunteerNumber: string | null;
  siteCode: string;
  /** For a group account: its group. */
  groupId: string | null;
}

/** Seed 004 §四: basic = phone confirmed by SMS, intermediate = identity verified, advanced = face check passed too. */
export function realNameLevel(p: { realname_status: RealNameStatus | null; phone_verified_at: Date | null; face_checked_at: Date | null }): RealNameLevel {
  if (p.realname_status === 'verified' && p.face_checked_at) return 'advanced';
  if (p.realname_status === 'verified') return 'intermediate';
  if (p.phone_verified_at) return 'basic';
  return 'none';
}

/** The columns GET /me shows, joined from the account, its person and its volunteer profile. */
export function meQuery(db: Kysely<DB>) {
  return db
    .selectFrom('accounts as a')
    .leftJoin('people as p', 'p.account_id', 'a.id')
    .leftJoin('volunteer_profiles as v', 'v.account_id', 'a.id')
    .leftJoin('groups as g', 'g.account_id', 'a.id')
    .select([
      'a.id', 'a.type', 'a.username', 'a.display_name', 'a.site_code', 'a.status', 'a.password_hash',
      'p.name', 'p.realname_status', 'p.phone_verified_at', 'p.face_checked_at', 'v.volunteer_number', 'g.id as group_id',
    ]);
}

export type MeRow = Awaited<ReturnType<ReturnType<typeof meQuery>['executeTakeFirstOrThrow']>>;

export function toMeView(row: MeRow): MeView {
  return {
    id: row.id,
    type: row.type,
    username: row.username,
    name: row.name ?? row.display_name,
    realNameStatus: row.realname_status ?? 'pending',
    realNameLevel: realNameLevel(row),
    volunteerNumber: row.volunteer_number ?? null,
    siteCode: row.site_code,
    groupId: row.group_id ?? null,
  };
}

export async function loadMe(db: Kysely<DB>, accountId: string): Promise<MeView | null> {
  const row = await meQuery(db).where('a.id', '=', accountId).modifyEnd(prepared).executeTakeFirst();
  return row ? toMeView(row) : null;
}
