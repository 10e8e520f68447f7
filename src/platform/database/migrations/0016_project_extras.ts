import type { Kysely } from 'kysely';
import { runStatements } from '../statements.js';

export async function up(db: Kysely<any>): Promise<void> {
  await runStatements(db, `select 1;`);
}
