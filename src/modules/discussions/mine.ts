import { sql, type Kysely } from 'kysely';
import type { DB } from '../../platform/database/schema.js';

/**
 * The caller's discussions as rows of "my comments" (board/comments.ts unions this with group comments). What the
 * author deleted is gone for them too; what the group hid stays, marked hidden.
 */
export function myDiscussionSource(db: Kysely<DB>, accountId: string) {
  return db
    .selectFrom('project_discussions as d')
    .innerJoin('projects as p', (j) => j.onRef('p.site_code', '=', 'd.site_code').onRef('p.id', '=', 'd.project_id'))
    .where('d.author_account_id', '=', accountId)
    .where('d.status', '<>', 'deleted')
    .select((eb) => [
      sql<'group' | 'project'>`'project'::text`.as('target_type'),
      'd.id', 'd.project_id as target_id', 'p.name as target_name', 'd.body',
      eb.ref('d.status').$castTo<'visible' | 'hidden'>().as('status'), 'd.created_at',
    ]);
}
