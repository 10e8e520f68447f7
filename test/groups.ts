import type { FastifyInstance } from 'fastify';
import { randomBytes } from 'node:crypto';
import { hashPassword } from '../src/platform/passwords.js';
import { uuidv7 } from '../src/platform/ids.js';
import { claimLookup, lookupKey } from '../src/modules/accounts/lookups.js';
import type { GroupLevel } from '../src/platform/database/schema-groups.js';
import { makeIdNumber, makePhone, signIn } from './helper.js';

export const GROUP_PASSWORD = 'Group2468xy';

/**
 * A group written straight into the database, for tests of features that need one before the registration
 * flow is under test: its own sign-in account (type group), approved at `level`, contact phone verified.
 */
export async function seedGroup(
  app: FastifyInstance,
  options: { siteCode?: string; regionCode?: string; level?: GroupLevel; status?: 'pending' | 'approved' | 'rejected'; name?: string; jurisdiction?: { regions?: string[]; fields?: string[] }; exemptPassword?: string; serviceCategories?: string[] } = {},
) {
  const { db, cipher } = app.ctx;
  const siteCode = options.siteCode ?? '11';
  const regionCode = options.regionCode ?? '110105';
  const level = options.level ?? 'intermediate';
  const now = new Date();
  const accountId = uuidv7();
  const id = uuidv7();
  const username = `grp_${randomBytes(4).toString('hex')}`;
  const leaderId = makeIdNumber();
  const phone = makePhone();
  await db.insertInto('accounts').values({
    id: accountId, type: 'group', site_code: siteCode, username, display_name: options.name ?? `测试团体${username}`,
    password_hash: await hashPassword(GROUP_PASSWORD), password_changed_at: now, status: 'active', created_at: now, updated_at: now,
  }).execute();
  await claimLookup(db, 'username', lookupKey(cipher, 'username', username), accountId);
  await db.insertInto('groups').values({
    site_code: siteCode, id, account_id: accountId, name: options.name ?? `测试团体${username}`, legal_person: false, credit_code: null,
    region_code: regionCode, service_categories: options.serviceCategories ?? ['community'], leader_name: '王负责',
    leader_id_enc: cipher.encrypt(leaderId), leader_id_masked: `${leaderId.slice(0, 6)}********${leaderId.slice(14)}`,
    leader_id_lookup: lookupKey(cipher, 'id_number', leaderId), contact_name: '李联系', contact_phone_enc: cipher.encrypt(phone),
    contact_phone_masked: `${phone.slice(0, 3)}****${phone.slice(7)}`, contact_verified_at: now, email: `${username}@example.com`,
    level: options.status === 'pending' ? 'pending' : level, status: options.status ?? 'approved',
    exempt_password_hash: options.exemptPassword ? await hashPassword(options.exemptPassword) : null,
    created_at: now, updated_at: now,
  }).execute();
  for (const region of options.jurisdiction?.regions ?? []) {
    await db.insertInto('group_jurisdictions').values({ site_code: siteCode, group_id: id, kind: 'region', value: region }).execute();
  }
  for (const field of options.jurisdiction?.fields ?? []) {
    await db.insertInto('group_jurisdictions').values({ site_code: siteCode, group_id: id, kind: 'field', value: field }).execute();
  }
  const signedIn = async () => (await signIn(app, username, GROUP_PASSWORD)).cookie;
  return { id, accountId, siteCode, regionCode, username, password: GROUP_PASSWORD, leaderId, phone, signIn: signedIn };
}
