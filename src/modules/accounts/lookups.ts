import type { Kysely } from 'kysely';
import type { DB } from '../../platform/database/schema.js';
import type { FieldCipher } from '../../platform/crypto.js';

export type LookupKind = 'username' | 'id_number' | 'phone' | 'volunteer_number' | 'credit_code';
/** The identifiers a person's account can hold (credit codes belong to groups). */
export type PersonLookupKind = Exclude<LookupKind, 'credit_code'>;

/**
 * The key under which a sign-in identifier is unique nationally. Usernames are compared without case and
 * kept readable; ID-card and phone numbers are only ever stored as keyed hashes here.
 */
export function lookupKey(cipher: FieldCipher, kind: LookupKind, value: string): string {
  switch (kind) {
    case 'username':
      return value.toLowerCase();
    case 'id_number':
      return cipher.lookup(kind, value.toUpperCase());
    default:
      return cipher.lookup(kind, value);
  }
}

const ID_SHAPE = /^\d{17}[\dXx]$/;
const PHONE_SHAPE = /^1[3-9]\d{9}$/;

/** What a sign-in identifier is: usernames can never look like the other three (see username rules). */
export function classifyIdentifier(raw: string): { kind: LookupKind; value: string } {
  const value = raw.trim().replace(/[\s-]/g, '');
  if (ID_SHAPE.test(value)) return { kind: 'id_number', value: value.toUpperCase() };
  const phone = value.replace(/^\+?86/, '');
  if (PHONE_SHAPE.test(phone)) return { kind: 'phone', value: phone };
  if (/^\d+$/.test(value)) return { kind: 'volunteer_number', value };
  return { kind: 'username', value: raw.trim() };
}

/** Claims an identifier for an account; false when another account already holds it. */
export async function claimLookup(db: Kysely<DB>, kind: LookupKind, lookup: string, accountId: string): Promise<boolean> {
  const row = await db
    .insertInto('account_lookups')
    .values({ kind, lookup, account_id: accountId })
    .onConflict((oc) => oc.columns(['kind', 'lookup']).doNothing())
    .returning('account_id')
    .executeTakeFirst();
  return row !== undefined;
}

export async function accountIdByLookup(db: Kysely<DB>, kind: LookupKind, lookup: string): Promise<string | null> {
  const row = await db.selectFrom('account_lookups').select('account_id').where('kind', '=', kind).where('lookup', '=', lookup).executeTakeFirst();
  return row?.account_id ?? null;
}

export async function releaseLookup(db: Kysely<DB>, kind: LookupKind, accountId: string): Promise<void> {
  await db.deleteFrom('account_lookups').where('kind', '=', kind).where('account_id', '=', accountId).execute();
}
