import type { Kysely } from 'kysely';
import { runStatements } from '../statements.js';

/**
 * Self-service (src/modules/self-service/): tickets and face checks.
 *
 * - `self_service_tickets`: what a passed identity check (name + ID number) gives, for 15 minutes and one
 *   account. The token itself is never stored, only its SHA-256. `face_checked_at` is set when a face check
 *   passes with this ticket; every action except the face check needs it. `actions` lists what was done.
 * - `face_checks`: every face check, whatever the provider. The `local-review` provider keeps the photos
 *   (face, and the ID card when given) encrypted with the field cipher for a person to review; the `http`
 *   provider keeps only the vendor's score and order number. Photos are deleted 30 days after a decision.
 *   `used_at`: when a check passed by a reviewer opened a later ticket (it does so once).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await runStatements(db, `
    create table self_service_tickets (
      id uuid primary key,
      account_id uuid not null references accounts(id),
      token_hash text not null unique,
      created_at timestamptz not null,
      expires_at timestamptz not null,
      face_checked_at timestamptz,
      face_check_id uuid,
      face_attempts integer not null default 0,
      actions jsonb not null default '[]',
      ended_at timestamptz,
      ip text
    );
    create index self_service_tickets_account on self_service_tickets (account_id, created_at desc);
    create index self_service_tickets_expiry on self_service_tickets (expires_at);

    create table face_checks (
      id uuid primary key,
      account_id uuid not null references accounts(id),
      ticket_id uuid references self_service_tickets(id) on delete set null,
      provider text not null check (provider in ('local-review', 'http')),
      status text not null check (status in ('pending_review', 'passed', 'failed', 'error')),
      score double precision,
      reference text,
      reason text,
      photo_enc text,
      photo_mime text,
      id_card_photo_enc text,
      id_card_photo_mime text,
      created_at timestamptz not null,
      decided_at timestamptz,
      decided_by uuid,
      decision_note text,
      used_at timestamptz
    );
    create index face_checks_status on face_checks (status, created_at);
    create index face_checks_account on face_checks (account_id, created_at desc);
    create index face_checks_photos on face_checks (decided_at) where photo_enc is not null or id_card_photo_enc is not null;
  `);
}

export async function down(db: Kysely<any>): Promise<void> {
  await runStatements(db, `
    drop table face_checks;
    drop table self_service_tickets;
  `);
}
