import { sql } from 'kysely';
import type { AppContext } from '../../platform/context.js';
import type { SessionAccount } from '../../platform/sessions.js';
import { AppError } from '../../platform/errors.js';
import { audit } from '../../platform/audit.js';
import { normalizePhone } from '../identity/documents.js';
import { accountIdByLookup, classifyIdentifier, lookupKey } from '../accounts/lookups.js';
import { checkPerson, generateUsername, insertPeople, personKeys, unusablePasswordHash, type PersonCells } from '../imports/people.js';
import { enqueueActivationNotice } from '../activation/notice.js';
import { requireUnitAdmin } from './access.js';
import { TEXT } from './text.js';

export interface PostView {
  id: string;
  unitId: string;
  unitName: string;
  kind: 'main' | 'part_time';
  positionTitle: string | null;
  staffingCategory: string | null;
  rank: string | null;
  staffRole: string | null;
  complete: boolean;
}

export interface StaffView {
  accountId: string;
  username: string;
  name: string;
  phone: string | null;
  idNumber: string;
  status: string;
  profileComplete: boolean;
  unitAdmin: boolean;
  posts: PostView[];
}

const postComplete = (p: { staffing_category: string | null; rank: string | null; staff_role: string | null }) =>
  Boolean(p.staffing_category && p.rank && p.staff_role);

function staffQuery(ctx: AppContext) {
  return ctx.db.selectFrom('accounts as a').innerJoin('people as p', 'p.account_id', 'a.id')
    .select(['a.id', 'a.username', 'a.status', 'p.name', 'p.phone_masked', 'p.id_number_masked']);
}

async function views(ctx: AppContext, unitId: string, rows: { id: string; username: string; status: string; name: string; phone_masked: string | null; id_number_masked: string }[]): Promise<StaffView[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [posts, admins] = await Promise.all([
    ctx.db.selectFrom('staff_posts as s').innerJoin('units as u', 'u.id', 's.unit_id')
      .select(['s.id', 's.account_id', 's.unit_id', 'u.name as unit_name', 's.kind', 's.position_title', 's.staffing_category', 's.rank', 's.staff_role'])
      .where('s.account_id', 'in', ids).orderBy('s.kind').orderBy('s.created_at').execute(),
    ctx.db.selectFrom('unit_admins').select('account_id').where('unit_id', '=', unitId).where('account_id', 'in', ids).execute(),
  ]);
  const adminSet = new Set(admins.map((a) => a.account_id));
  return rows.map((r) => {
    const mine = posts.filter((p) => p.account_id === r.id).map((p): PostView => ({
      id: p.id, unitId: p.unit_id, unitName: p.unit_name, kind: p.kind, positionTitle: p.position_title,
      staffingCategory: p.staffing_category, rank: p.rank, staffRole: p.staff_role, complete: postComplete(p),
    }));
    return {
      accountId: r.id, username: r.username, name: r.name, phone: r.phone_masked, idNumber: r.id_number_masked, status: r.status,
      profileComplete: mine.length > 0 && mine.every((p) => p.complete), unitAdmin: adminSet.has(r.id), posts: mine,
    };
  });
}

/** One staff member of a unit as its administrators see them (phone and ID number masked); null when not in the unit. */
export async function loadStaffView(ctx: AppContext, unitId: string, accountId: string, _actor: SessionAccount): Promise<StaffView | null> {
  const row = await staffQuery(ctx).where('a.id', '=', accountId).where('a.type', '=', 'staff')
    .where((eb) => eb.exists(eb.selectFrom('staff_posts as s').select('s.id').whereRef('s.account_id', '=', 'a.id').where('s.unit_id', '=', unitId)))
    .executeTakeFirst();
  return row ? (await views(ctx, unitId, [row]))[0]! : null;
}

export async function getStaff(ctx: AppContext, actor: SessionAccount, unitId: string, accountId: string): Promise<StaffView> {
  await requireUnitAdmin(ctx.db, actor, unitId);
  const view = await loadStaffView(ctx, unitId, accountId, actor);
  if (!view) throw new AppError(404, 'STAFF_NOT_FOUND', TEXT.staffNotFound);
  return view;
}

/**
 * 工作人员管理: the unit's staff, searched by phone number (exact: phones are stored encrypted and found through
 * their keyed hash), ID number (exact), username, or part of the name; `incomplete` lists only people whose
 * record still lacks 人员编制 / 职级 / 人员角色 somewhere.
 */
export async function listStaff(
  ctx: AppContext, actor: SessionAccount, unitId: string,
  filter: { q?: string; incomplete?: boolean; page: number; pageSize: number },
) {
  const unit = await requireUnitAdmin(ctx.db, actor, unitId);
  let base = ctx.db.selectFrom('accounts as a').innerJoin('people as p', 'p.account_id', 'a.id')
    .where('a.type', '=', 'staff')
    .where((eb) => eb.exists(eb.selectFrom('staff_posts as s').select('s.id').whereRef('s.account_id', '=', 'a.id').where('s.unit_id', '=', unit.id)));
  const q = filter.q?.trim();
  if (q) {
    const phone = normalizePhone(q);
    const { kind, value } = classifyIdentifier(q);
    if (phone || kind === 'id_number') {
      const key = phone ? lookupKey(ctx.cipher, 'phone', phone) : lookupKey(ctx.cipher, 'id_number', value);
      const id = await accountIdByLookup(ctx.db, phone ? 'phone' : 'id_number', key);
      base = base.where('a.id', '=', id ?? '00000000-0000-0000-0000-000000000000');
    } else {
      const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      base = base.where((eb) => eb.or([eb('p.name', 'like', like), eb(sql`lower(a.username)`, '=', q.toLowerCase())]));
    }
  }
  if (filter.incomplete) {
    base = base.where((eb) => eb.exists(eb.selectFrom('staff_posts as s2').select('s2.id').whereRef('s2.account_id', '=', 'a.id')
      .where((w) => w.or([w('s2.staffing_category', 'is', null), w('s2.rank', 'is', null), w('s2.staff_role', 'is', null)]))));
  }
  const [rows, count] = await Promise.all([
    base.select(['a.id', 'a.username', 'a.status', 'p.name', 'p.phone_masked', 'p.id_number_masked'])
      .orderBy('p.name').orderBy('a.id').limit(filter.pageSize).offset((filter.page - 1) * filter.pageSize).execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: await views(ctx, unit.id, rows), total: Number(count.n), page: filter.page, pageSize: filter.pageSize };
}

export interface AddStaffInput {
  name: string;
  idType?: string;
  idNumber: string;
  phone: string;
  email?: string;
  username?: string;
  post?: { kind?: 'main' | 'part_time'; positionTitle?: string; staffingCategory?: string; rank?: string; staffRole?: string };
}

const CONFLICT_STATUS: Record<string, number> = { ID_NUMBER_REGISTERED: 409, PHONE_REGISTERED: 409, USERNAME_TAKEN: 409 };

/**
 * 添加工作人员: the unit's administrator creates an inactive staff account with its main (or part-time) post,
 * checked exactly like an import row; the person gets an SMS telling them to activate (account + name → code →
 * own password).
 */
export async function addStaff(ctx: AppContext, actor: SessionAccount, unitId: string, input: AddStaffInput, ip: string) {
  const unit = await requireUnitAdmin(ctx.db, actor, unitId);
  const cells: PersonCells = {
    name: input.name, idType: input.idType ?? null, idNumber: input.idNumber, phone: input.phone, email: input.email ?? null,
    username: input.username ?? null, postKind: input.post?.kind ?? 'main', positionTitle: input.post?.positionTitle ?? null,
    staffingCategory: input.post?.staffingCategory ?? null, rank: input.post?.rank ?? null, staffRole: input.post?.staffRole ?? null,
  };
  const checked = checkPerson('staff', 0, cells, { siteCode: unit.site_code, now: ctx.now() });
  if (!checked.ok) throw new AppError(422, 'STAFF_INVALID', TEXT.addPersonInvalid, { errors: checked.problems });
  const record = checked.record;
  if (!record.username) {
    do record.username = generateUsername();
    while (await accountIdByLookup(ctx.db, 'username', lookupKey(ctx.cipher, 'username', record.username)));
  }
  const keys = personKeys(ctx, record);
  const passwordHash = await unusablePasswordHash();
  const now = ctx.now();
  const result = await ctx.db.transaction().execute(async (trx) => {
    const outcome = await insertPeople(ctx, trx, [{ record: record as typeof record & { username: string }, keys }], {
      kind: 'staff', siteCode: unit.site_code, unitId: unit.id, passwordHash, now,
    });
    if (outcome.lost.length > 0) return { lost: outcome.lost[0]!.problems, accountId: null };
    const accountId = outcome.created[0]!.accountId;
    await enqueueActivationNotice(ctx, trx, { username: record.username!, phone: record.phone }, unit.name);
    await audit(trx, {
      actor: { id: actor.id, username: actor.username }, action: 'unit.staff_add', target: { type: 'account', id: accountId }, siteCode: unit.site_code, ip,
      outcome: 'success', detail: { unitId: unit.id, postKind: record.post?.kind },
    }, now);
    return { lost: null, accountId };
  });
  if (result.lost) {
    const first = result.lost[0]!;
    throw new AppError(CONFLICT_STATUS[first.code] ?? 409, first.code, first.message, { errors: result.lost });
  }
  return { id: result.accountId!, username: record.username!, status: 'inactive' as const };
}
