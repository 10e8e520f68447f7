import type { Kysely } from 'kysely';
import { runStatements } from '../statements.js';

/**
 * The ID photo on a volunteer card (志愿者证): one re-encoded JPEG per volunteer, keyed by the account alone so a
 * record transfer to another site leaves it in place. The rest of the card is read from the volunteer's own rows
 * when it is drawn.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await runStatements(db, `
    create table volunteer_card_photos (
      account_id uuid primary key references accounts(id),
      etag text not null,
      image bytea not null,
      width integer not null,
      height integer not null,
      updated_at timestamptz not null
    );
  `);
}

export async function down(db: Kysely<any>): Promise<void> {
  await runStatements(db, 'drop table volunteer_card_photos;');
}
