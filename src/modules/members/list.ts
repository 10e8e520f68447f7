import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import type { AppContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import type { MemberStatus } from '../../platform/database/schema-groups.js';
import { accountIdByLookup, classifyIdentifier, lookupKey } from '../accounts/lookups.js';
import type { MemberGroup } from './access.js';
import { EXPORT_HEADER, EXPORT_SHEET_NAME, GENDER_NAMES, STATUS_NAMES, TEXT, VIA_NAMES } from './text.js';

export const EXPORT_MAX_ROWS = 50_000;

export interface MemberFilter {
  status?: MemberStatus;
  q?: string;
}

export interface MemberView {
  accountId: string;
  name: string;
  username: string;
  volunteerNumber: string | null;
  gender: 'male' | 'female' | null;
  phone: string | null;
  status: MemberStatus;
  via: 'application' | 'exempt_password' | 'import';
  reason: string | null;
  appliedAt: string;
  decidedAt: string | null;
}

const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * The group's memberships matching a filter. `q` is one box for name, username, volunteer number or phone:
 * phone and ID numbers are found through their keyed look-up hashes (never stored readable), the rest by text.
 */
async function filtered(ctx: AppContext, group: MemberGroup, filter: MemberFilter) {
  let query = ctx.db
    .selectFrom('group_members as gm')
    .innerJoin('accounts as a', 'a.id', 'gm.account_id')
    .leftJoin('people as p', 'p.account_id', 'gm.account_id')
    .leftJoin('volunteer_profiles as vp', 'vp.account_id', 'gm.account_id')
    .where('gm.site_code', '=', group.siteCode)
    .where('gm.group_id', '=', group.id);
  if (filter.status) query = query.where('gm.status', '=', filter.status);
  const raw = filter.q?.trim();
  if (raw) {
    const { kind, value } = classifyIdentifier(raw);
    if (kind === 'phone' || kind === 'id_number') {
      const accountId = await accountIdByLookup(ctx.db, kind, lookupKey(ctx.cipher, kind, value));
      query = accountId ? query.where('gm.account_id', '=', accountId) : query.where(sql<boolean>`false`);
    } else if (kind === 'volunteer_number') {
      query = query.where('vp.volunteer_number', '=', value);
    } else {
      const pattern = likePattern(raw);
      query = query.where((eb) => eb.or([eb('p.name', 'ilike', pattern), eb('a.username', 'ilike', pattern), eb('a.display_name', 'ilike', pattern)]));
    }
  }
  return query;
}

type Row = {
  account_id: string; status: MemberStatus; via: MemberView['via']; reason: string | null; applied_at: Date; decided_at: Date | null;
  username: string; display_name: string; name: string | null; gender: 'male' | 'female' | null; phone_masked: string | null; volunteer_number: string | null;
};

const toView = (r: Row): MemberView => ({
  accountId: r.account_id,
  name: r.name ?? r.display_name,
  username: r.username,
  volunteerNumber: r.volunteer_number,
  gender: r.gender,
  phone: r.phone_masked,
  status: r.status,
  via: r.via,
  reason: r.reason,
  appliedAt: new Date(r.applied_at).toISOString(),
  decidedAt: r.decided_at ? new Date(r.decided_at).toISOString() : null,
});

const columns = [
  'gm.account_id', 'gm.status', 'gm.via', 'gm.reason', 'gm.applied_at', 'gm.decided_at',
  'a.username', 'a.display_name', 'p.name', 'p.gender', 'p.phone_masked', 'vp.volunteer_number',
] as const;

export async function listMembers(ctx: AppContext, group: MemberGroup, filter: MemberFilter, page: number, pageSize: number) {
  const query = await filtered(ctx, group, filter);
  const [rows, count] = await Promise.all([
    query.select([...columns]).orderBy('gm.applied_at', 'desc').orderBy('gm.account_id').limit(pageSize).offset((page - 1) * pageSize).execute(),
    query.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map((r) => toView(r as Row)), total: Number(count.n), page, pageSize };
}

const shanghai = (iso: string | null) =>
  iso ? new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false }) : '';

/** The member list as an .xlsx workbook, built in memory (at most EXPORT_MAX_ROWS rows, a few MB). */
export async function exportMembers(ctx: AppContext, group: MemberGroup, filter: MemberFilter): Promise<{ buffer: Buffer; rows: number }> {
  const query = await filtered(ctx, group, filter);
  const rows = await query.select([...columns]).orderBy('gm.applied_at', 'desc').orderBy('gm.account_id').limit(EXPORT_MAX_ROWS + 1).execute();
  if (rows.length > EXPORT_MAX_ROWS) {
    throw new AppError(422, 'EXPORT_TOO_LARGE', TEXT.exportTooLarge, { extra: { maxRows: EXPORT_MAX_ROWS } });
  }
  const workbook = new ExcelJS.Workbook();
  workbook.creator = group.name;
  const sheet = workbook.addWorksheet(EXPORT_SHEET_NAME, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = [{ width: 12 }, { width: 20 }, { width: 20 }, { width: 6 }, { width: 14 }, { width: 8 }, { width: 10 }, { width: 20 }, { width: 20 }, { width: 30 }];
  sheet.addRow(EXPORT_HEADER).font = { bold: true };
  for (const r of rows) {
    const v = toView(r as Row);
    // Every cell is a string so that a name beginning with '=' is never taken for a formula.
    sheet.addRow([
      v.name, v.username, v.volunteerNumber ?? '', v.gender ? GENDER_NAMES[v.gender] : '', v.phone ?? '',
      STATUS_NAMES[v.status], VIA_NAMES[v.via], shanghai(v.appliedAt), shanghai(v.decidedAt), v.reason ?? '',
    ]);
  }
  const buffer = Buffer.from(await workbook.xlsx.writeBuffer());
  return { buffer, rows: rows.length };
}
