import type { Kysely } from 'kysely';
import type { DB } from '../../platform/database/schema.js';

export interface Jurisdiction {
  regions: string[];
  fields: string[];
  universities: string[];
}

/** The significant prefix of a division code: '110000' → '11', '110100' → '1101', '110105' → '110105'. */
export function regionPrefix(code: string): string {
  if (code.length === 6) return code.replace(/(00)+$/, '') || code;
  return code;
}

/** Whether a region lies inside (or is) another: GB/T 2260 codes nest by prefix. */
export function regionInside(code: string, container: string): boolean {
  return code.startsWith(regionPrefix(container));
}

export async function jurisdictionOf(db: Kysely<DB>, siteCode: string, groupId: string): Promise<Jurisdiction> {
  const rows = await db.selectFrom('group_jurisdictions').select(['kind', 'value']).where('site_code', '=', siteCode).where('group_id', '=', groupId).execute();
  return {
    regions: rows.filter((r) => r.kind === 'region').map((r) => r.value),
    fields: rows.filter((r) => r.kind === 'field').map((r) => r.value),
    universities: rows.filter((r) => r.kind === 'university').map((r) => r.value),
  };
}

/**
 * Whether something (a group, a volunteer, a project) with this site, region and service fields lies inside a
 * jurisdiction: same site, and inside one of its regions or serving one of its fields. Universities apply to
 * groups registered under them (their parent_group_id chain), which callers check with `universities`.
 */
export function coveredBy(j: Jurisdiction, jurisdictionSite: string, target: { siteCode: string; regionCode: string | null; fields?: string[] }): boolean {
  if (target.siteCode !== jurisdictionSite) return false;
  if (target.regionCode && j.regions.some((r) => regionInside(target.regionCode!, r))) return true;
  return (target.fields ?? []).some((f) => j.fields.includes(f));
}
