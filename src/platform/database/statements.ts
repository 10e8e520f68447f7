import { sql, type Kysely } from 'kysely';

/** Runs a migration script statement by statement (PGlite's extended protocol takes one at a time). */
export async function runStatements(db: Kysely<any>, script: string): Promise<void> {
  const statements = script
    .replace(/--[^\n]*\n/g, '\n')
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter(Boolean);
  for (const statement of statements) await sql.raw(statement).execute(db);
}
