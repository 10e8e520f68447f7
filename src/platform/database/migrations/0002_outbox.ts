import type { Kysely } from 'kysely';
import { runStatements } from '../statements.js';

/**
 * The outbox: every SMS and e-mail the platform sends, written in the transaction of the action that causes
 * it and delivered afterwards by the worker (src/platform/outbox/worker.ts). The recipient and the rendered
 * message (subject, body, one-time code, link) are personal data and are stored encrypted; `to_lookup` is the
 * keyed hash that finds an address's messages. No sequences, advisory locks or LISTEN/NOTIFY: the worker
 * claims due rows with `FOR UPDATE SKIP LOCKED` and polls.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await runStatements(db, `
    create table outbox_messages (
      id uuid primary key,
      channel text not null check (channel in ('sms', 'email')),
      to_enc text not null,
      to_lookup text not null,
      template text not null,
      content_enc text not null,
      status text not null default 'pending' check (status in ('pending', 'sending', 'sent', 'failed')),
      attempts integer not null default 0,
      -- pending: when to try next; sending: when the claim lapses (a worker that crashed mid-delivery)
      next_attempt_at timestamptz not null,
      last_error text,
      transport text,
      provider_id text,
      sent_at timestamptz,
      created_at timestamptz not null,
      updated_at timestamptz not null
    );
    create index outbox_messages_due on outbox_messages (next_attempt_at) where status in ('pending', 'sending');
    create index outbox_messages_to on outbox_messages (to_lookup, created_at desc);
    create index outbox_messages_created on outbox_messages (created_at);
  `);
}

export async function down(db: Kysely<any>): Promise<void> {
  await runStatements(db, 'drop table outbox_messages');
}
