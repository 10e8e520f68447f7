import type { Kysely } from 'kysely';
import { runStatements } from '../statements.js';

/** SMS codes, per-number send state, and password-recovery codes/links. */
export async function up(db: Kysely<any>): Promise<void> {
  await runStatements(db, `
    create table sms_codes (
      id uuid primary key,
      phone_lookup text not null,
      purpose text not null check (purpose in ('register', 'contact', 'recovery', 'activation', 'change_phone')),
      code_hash text not null,
      attempts integer not null default 0,
      created_at timestamptz not null,
      expires_at timestamptz not null,
      consumed_at timestamptz
    );
    create index sms_codes_phone on sms_codes (phone_lookup, purpose, created_at desc);

    -- One row per number: the last send and the current 10-minute window, updated by one conditional upsert.
    create table sms_send_state (
      phone_lookup text primary key,
      last_sent_at timestamptz not null,
      window_start timestamptz not null,
      window_count integer not null
    );

    create table recovery_codes (
      id uuid primary key,
      account_id uuid not null references accounts(id),
      channel text not null check (channel in ('email', 'sms')),
      code_hash text not null,
      token_hash text not null unique,
      attempts integer not null default 0,
      created_at timestamptz not null,
      expires_at timestamptz not null,
      consumed_at timestamptz
    );
    create index recovery_codes_account on recovery_codes (account_id, created_at desc);
  `);
}

export async function down(): Promise<void> {
  throw new Error('irreversible');
}
