import type { Kysely } from 'kysely';
import { runStatements } from '../statements.js';

/**
 * Sites, accounts and the real-name record of a person, look-up keys, password policies, sessions,
 * captchas, throttling counters and the audit log. Divisions (regions) are reference data held in
 * memory from the npm data package, not a table.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await runStatements(db, `
    create table sites (
      code char(2) primary key,
      name text not null,
      settings jsonb not null default '{}'
    );

    create table accounts (
      id uuid primary key,
      type text not null check (type in ('volunteer', 'group', 'staff', 'admin')),
      site_code char(2) not null references sites(code),
      username text not null,
      display_name text not null,
      password_hash text not null,
      password_changed_at timestamptz not null,
      status text not null default 'active' check (status in ('active', 'disabled', 'inactive')),
      username_changed_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );

    -- National uniqueness of every sign-in identifier lives here, keyed by the identifier itself,
    -- so the unique index stays valid when accounts are sharded by id (Citus: distribute by lookup).
    create table account_lookups (
      kind text not null check (kind in ('username', 'id_number', 'phone', 'volunteer_number')),
      lookup text not null,
      account_id uuid not null references accounts(id),
      primary key (kind, lookup)
    );
    create index account_lookups_account on account_lookups (account_id);

    create table people (
      account_id uuid primary key references accounts(id),
      name text not null,
      id_type text not null check (id_type in ('resident_id', 'passport', 'hk_macao_permit', 'taiwan_permit')),
      id_number_enc text not null,
      id_number_masked text not null,
      birth_date date,
      gender text check (gender in ('male', 'female')),
      phone_enc text,
      phone_masked text,
      phone_verified_at timestamptz,
      email text,
      realname_status text not null default 'pending'
        check (realname_status in ('pending', 'verified', 'failed', 'no_result')),
      realname_checked_at timestamptz,
      realname_note text,
      face_checked_at timestamptz
    );

    create table volunteer_profiles (
      account_id uuid primary key references accounts(id),
      volunteer_number text,
      service_region_code text,
      service_categories text[] not null default '{}',
      service_fields text[] not null default '{}',
      skills jsonb not null default '{}',
      other jsonb not null default '{}',
      event jsonb not null default '{}'
    );

    create table password_policies (
      site_code text not null,
      account_type text not null check (account_type in ('volunteer', 'group', 'staff', 'admin')),
      rules jsonb not null,
      updated_at timestamptz not null default now(),
      updated_by uuid,
      primary key (site_code, account_type)
    );

    create table sessions (
      id uuid primary key,
      token_hash text not null unique,
      account_id uuid not null references accounts(id),
      kind text not null check (kind in ('cookie', 'token')),
      created_at timestamptz not null,
      last_seen_at timestamptz not null,
      idle_expires_at timestamptz not null,
      absolute_expires_at timestamptz not null,
      ip text,
      user_agent text,
      ended_at timestamptz,
      end_reason text
    );
    create index sessions_account_open on sessions (account_id) where ended_at is null;

    create table captchas (
      id uuid primary key,
      answer_hash text not null,
      expires_at timestamptz not null
    );
    create index captchas_expiry on captchas (expires_at);

    -- Fixed-window counters for per-address and per-number limits; one row per key and window.
    create table rate_counters (
      key text not null,
      window_start timestamptz not null,
      count integer not null,
      expires_at timestamptz not null,
      primary key (key, window_start)
    );
    create index rate_counters_expiry on rate_counters (expires_at);

    -- Consecutive sign-in failures per subject (an account, or an identifier that names no account).
    create table login_throttles (
      subject text primary key,
      failures integer not null,
      blocked_until timestamptz,
      updated_at timestamptz not null
    );

    create table audit_log (
      id uuid primary key,
      at timestamptz not null default now(),
      actor_id uuid,
      actor_username text,
      action text not null,
      target_type text,
      target_id text,
      site_code text,
      ip text,
      outcome text not null check (outcome in ('success', 'failure', 'denied')),
      detail jsonb not null default '{}'
    );
    create index audit_log_at on audit_log (at desc);
    create index audit_log_actor on audit_log (actor_id, at desc);
    create index audit_log_action on audit_log (action, at desc);
  `);
}

export async function down(): Promise<void> {
  throw new Error('the foundation migration cannot be reverted');
}
