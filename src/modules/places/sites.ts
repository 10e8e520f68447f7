import type { Kysely } from 'kysely';
import type { DB } from '../../platform/database/schema.js';
import { SITES } from './divisions.js';

/** Where national accounts (system administrators) belong; not a site anyone registers on. */
export const NATIONAL_SITE = { code: '00', name: '全国' } as const;

/** Makes sure every provincial site has its row (sites are referenced by accounts and carry settings). */
export async function ensureSites(db: Kysely<DB>): Promise<void> {
  await db
    .insertInto('sites')
    .values([{ code: NATIONAL_SITE.code, name: NATIONAL_SITE.name, settings: '{}' }, ...SITES.map((s) => ({ code: s.code, name: s.name, settings: '{}' }))])
    .onConflict((oc) => oc.column('code').doNothing())
    .execute();
}
