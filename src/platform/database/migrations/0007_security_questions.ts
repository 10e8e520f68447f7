import type { Kysely } from 'kysely';
import { runStatements } from '../statements.js';

/** Security questions (密保问题): only used on sites that switch them on. */
export async function up(db: Kysely<any>): Promise<void> {
  await runStatements(db, `
    create table security_answers (
      account_id uuid not null references accounts(id),
      position smallint not null,
      question text not null,
      answer_hash text not null,
      updated_at timestamptz not null,
      primary key (account_id, position)
    );
  `);
}

export async function down(): Promise<void> {
  throw new Error('irreversible');
}
