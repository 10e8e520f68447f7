import type { AppContext } from '../../platform/context.js';
import { errors } from '../../platform/errors.js';
import { hitWindow } from '../../platform/rate-limit.js';
import { TEXT } from './text.js';

export interface Page {
  page: number;
  pageSize: number;
}

export interface ApprovedGroup {
  siteCode: string;
  id: string;
  name: string;
  regionCode: string;
  serviceCategories: string[];
}

/** A group by id whatever its status, or 404. */
export async function findGroupRow(ctx: AppContext, groupId: string): Promise<ApprovedGroup & { status: string }> {
  const row = await ctx.db
    .selectFrom('groups')
    .select(['site_code', 'id', 'name', 'region_code', 'service_categories', 'status'])
    .where('id', '=', groupId)
    .executeTakeFirst();
  if (!row) throw errors.notFound(TEXT.groupNotFound);
  return { siteCode: row.site_code, id: row.id, name: row.name, regionCode: row.region_code, serviceCategories: row.service_categories, status: row.status };
}

/** A group the public may see; pending and rejected groups have no board and receive no complaints, so 404. */
export async function findApprovedGroup(ctx: AppContext, groupId: string): Promise<ApprovedGroup> {
  const group = await findGroupRow(ctx, groupId);
  if (group.status !== 'approved') throw errors.notFound(TEXT.groupNotFound);
  return group;
}

/** Trims a free-text field and checks its length on the trimmed text, so padding neither passes nor fails a body. */
export function cleanText(field: string, value: string, max: number, tooLong: string, empty: string = TEXT.bodyEmpty): string {
  const text = value.trim();
  if (text.length === 0) throw errors.validation(empty, [{ field, code: 'REQUIRED' }]);
  if ([...text].length > max) throw errors.validation(tooLong, [{ field, code: 'TOO_LONG' }]);
  return text;
}

/** One hit per attempt, counted before any write, so a burst of parallel posts cannot exceed the limit. */
export async function throttle(ctx: AppContext, key: string, windowSeconds: number, limit: number, code: string, title: string) {
  const hit = await hitWindow(ctx.db, key, windowSeconds, limit, ctx.now());
  if (!hit.allowed) throw errors.tooMany(code, title, hit.retryAfter);
}

export const offsetOf = (p: Page) => (p.page - 1) * p.pageSize;
