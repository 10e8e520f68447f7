import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestApp, type TestApp } from '../../../test/helper.js';
import { uuidv7 } from '../../platform/ids.js';
import { maskIdNumber } from '../identity/documents.js';
import { claimLookup, classifyIdentifier, lookupKey } from '../accounts/lookups.js';
import { countyCodeOf, formatVolunteerNumber, isVolunteerNumber } from './numbers.js';
import { issueNumberIfDue, lockPerson } from './results.js';
import { createRegistryProvider } from './providers.js';
import { syntheticIdentities } from './synthetic.js';

/**
 * Volunteer numbers: format, and uniqueness under parallel issuance. On PostgreSQL (DATABASE_URL) the
 * transactions really run at the same time and take turns on the county's counter row; PGlite serialises.
 */

let t: TestApp;
let dir: string;
before(async () => {
  t = await createTestApp();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zy-numbers-'));
});
after(async () => {
  await t.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

let serial = 0;
/** A volunteer inserted directly (no argon2, no API): fast fixtures for many people. */
async function insertVolunteer(p: { name: string; idNumber: string; region: string | null; status: 'pending' | 'verified'; phone?: string }) {
  serial += 1;
  const id = uuidv7();
  const now = new Date();
  const { db, cipher } = t.app.ctx;
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('accounts').values({
      id, type: 'volunteer', site_code: (p.region ?? '11').slice(0, 2), username: `num_${process.pid}_${serial}`, display_name: p.name,
      password_hash: 'x', password_changed_at: now, created_at: now, updated_at: now,
    }).execute();
    await trx.insertInto('people').values({
      account_id: id, name: p.name, id_type: 'resident_id', id_number_enc: cipher.encrypt(p.idNumber), id_number_masked: maskIdNumber(p.idNumber),
      birth_date: null, gender: null, phone_enc: p.phone ? cipher.encrypt(p.phone) : null, phone_masked: null, email: null, realname_status: p.status,
    }).execute();
    await trx.insertInto('volunteer_profiles').values({ account_id: id, volunteer_number: null, service_region_code: p.region, skills: '{}', other: '{}', event: '{}' }).execute();
  });
  return id;
}

const numbersOf = async (ids: string[]) => {
  const rows = await t.app.ctx.db.selectFrom('volunteer_profiles').select(['account_id', 'volunteer_number']).where('account_id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.account_id, r.volunteer_number]));
};

test('format: 6-digit county + 8-digit sequence; towns belong to their county; never shaped like a phone or an ID number', () => {
  assert.equal(countyCodeOf('110105'), '110105');
  assert.equal(countyCodeOf('110108004'), '110108');
  assert.equal(countyCodeOf('441900'), '441900', 'a city without counties (东莞) is its own county');
  assert.equal(countyCodeOf('110000'), null, 'a province is not a service region');
  assert.equal(countyCodeOf('999999'), null);
  assert.equal(countyCodeOf('130100'), null, 'a city with counties is not precise enough');
  assert.equal(countyCodeOf(null), null);
  assert.equal(countyCodeOf('11010'), null);
  const number = formatVolunteerNumber('110105', 123);
  assert.equal(number, '11010500000123');
  for (const n of [number, formatVolunteerNumber('130102', 99_999_999), formatVolunteerNumber('150102', 1)]) {
    assert.ok(isVolunteerNumber(n), n);
    assert.equal(n.length, 14);
    assert.deepEqual(classifyIdentifier(n), { kind: 'volunteer_number', value: n });
  }
  assert.ok(!isVolunteerNumber('13812345678'));
  assert.ok(!isVolunteerNumber('11010500000000'), 'sequence 0 is never issued');
});

test('many parallel issuances: every number unique and well-formed, each county counts 1…n without gaps', async () => {
  const counties = ['110105', '110108'];
  const ids: string[] = [];
  let i = 0;
  for (const identity of syntheticIdentities(60, { seed: 11 })) {
    ids.push(await insertVolunteer({ ...identity, region: i % 3 === 0 ? `${counties[1]}004` : counties[i % 2], status: 'verified', phone: i % 2 ? `1390000${String(i).padStart(4, '0')}` : undefined }));
    i++;
  }
  const { db } = t.app.ctx;
  const issued = await Promise.all(ids.map((id) => db.transaction().execute(async (trx) => {
    await lockPerson(trx, id);
    return issueNumberIfDue(trx, t.app.ctx, id);
  })));
  assert.equal(issued.filter(Boolean).length, 60);
  assert.equal(new Set(issued).size, 60);
  const stored = await numbersOf(ids);
  for (const [k, id] of ids.entries()) assert.equal(stored.get(id), issued[k]);
  for (const county of counties) {
    const sequences = issued.filter((n) => n!.startsWith(county)).map((n) => Number(n!.slice(6))).sort((a, b) => a - b);
    assert.deepEqual(sequences, sequences.map((_, k) => k + 1), county);
    const counter = await db.selectFrom('volunteer_number_counters').select('last_value').where('region_code', '=', county).executeTakeFirstOrThrow();
    assert.equal(Number(counter.last_value), sequences.length);
  }
  for (const n of issued) assert.ok(isVolunteerNumber(n!), n!);
  const lookups = await db.selectFrom('account_lookups').select(['account_id', 'lookup']).where('kind', '=', 'volunteer_number').where('account_id', 'in', ids).execute();
  assert.equal(lookups.length, 60);
  for (const row of lookups) assert.equal(row.lookup, lookupKey(t.app.ctx.cipher, 'volunteer_number', stored.get(row.account_id)!));
  // Issuing again changes nothing: a number is never replaced.
  const again = await db.transaction().execute(async (trx) => {
    await lockPerson(trx, ids[0]);
    return issueNumberIfDue(trx, t.app.ctx, ids[0]);
  });
  assert.equal(again, null);
  assert.equal((await numbersOf([ids[0]])).get(ids[0]), issued[0]);
});

test('parallel job passes (several workers) verify each person once and never share a number', async () => {
  const identities = [...syntheticIdentities(80, { seed: 23, counties: ['120101', '120102', '120103'] })];
  const file = path.join(dir, 'parallel.csv');
  fs.writeFileSync(file, ['name,idNumber', ...identities.map((p) => `${p.name},${p.idNumber}`)].join('\n'));
  const ids: string[] = [];
  for (const identity of identities) ids.push(await insertVolunteer({ ...identity, region: identity.idNumber.slice(0, 6), status: 'pending' }));
  const provider = createRegistryProvider(file);
  let verified = 0;
  for (let round = 0; round < 20; round++) {
    const passes = await Promise.all(Array.from({ length: 4 }, () => t.runRealname({ provider, batchSize: 7, concurrency: 3 })));
    verified += passes.reduce((sum, p) => sum + p.verified, 0);
    if (passes.every((p) => p.claimed === 0)) break;
  }
  assert.equal(verified, 80);
  const stored = await numbersOf(ids);
  const numbers = [...stored.values()];
  assert.equal(new Set(numbers).size, 80);
  for (const id of ids) assert.equal(stored.get(id)!.slice(0, 6), (await t.app.ctx.db.selectFrom('volunteer_profiles').select('service_region_code').where('account_id', '=', id).executeTakeFirstOrThrow()).service_region_code);
  const results = await t.app.ctx.db.selectFrom('audit_log').select('target_id').where('action', '=', 'realname.result').where('target_id', 'in', ids).execute();
  assert.equal(results.length, 80, 'one result per person');
});

test('a number already claimed elsewhere (e.g. imported) is skipped', async () => {
  const [identity] = syntheticIdentities(1, { seed: 31, counties: ['130102'] });
  const holder = await insertVolunteer({ name: '导入', idNumber: '130102199001011234', region: '130102', status: 'pending' });
  assert.ok(await claimLookup(t.app.ctx.db, 'volunteer_number', lookupKey(t.app.ctx.cipher, 'volunteer_number', formatVolunteerNumber('130102', 1)), holder));
  const id = await insertVolunteer({ ...identity, region: '130102', status: 'verified' });
  const number = await t.app.ctx.db.transaction().execute(async (trx) => {
    await lockPerson(trx, id);
    return issueNumberIfDue(trx, t.app.ctx, id);
  });
  assert.equal(number, formatVolunteerNumber('130102', 2));
});
