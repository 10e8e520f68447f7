import type { Kysely } from 'kysely';
import { runStatements } from '../statements.js';

/**
 * Record transfers (记录转移), commendations (表彰) and evaluations (评价).
 * record_transfers is national and small (one row per move of a person). Commendations and evaluations belong to
 * the group that granted or wrote them, so they carry that group's site_code first in the key like every other
 * per-site table; the volunteer reads them by account_id.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await runStatements(db, `
    create table record_transfers (
      id uuid primary key,
      account_id uuid not null references accounts (id),
      from_site_code text not null,
      from_region_code text,
      to_site_code text not null references sites (code),
      to_region_code text not null,
      reason text,
      created_at timestamptz not null,
      ip text
    );
    create index record_transfers_account on record_transfers (account_id, created_at desc);

    create table commendations (
      site_code text not null,
      id uuid not null,
      group_id uuid not null,
      account_id uuid not null references accounts (id),
      title text not null,
      level text not null check (level in ('national', 'provincial', 'city', 'county', 'group')),
      granted_on date not null,
      note text,
      granted_as text not null check (granted_as in ('group', 'authority', 'admin')),
      granted_by uuid not null,
      authority_group_id uuid,
      status text not null default 'active' check (status in ('active', 'revoked')),
      revoked_at timestamptz,
      revoked_by uuid,
      revoked_reason text,
      created_at timestamptz not null,
      primary key (site_code, id),
      foreign key (site_code, group_id) references groups (site_code, id)
    );
    create unique index commendations_id on commendations (id);
    create index commendations_account on commendations (account_id, granted_on desc) where status = 'active';
    create index commendations_group on commendations (site_code, group_id, granted_on desc);
    create unique index commendations_once on commendations (site_code, group_id, account_id, title, granted_on) where status = 'active';

    create table evaluations (
      site_code text not null,
      project_id uuid not null,
      account_id uuid not null references accounts (id),
      group_id uuid not null,
      rating smallint not null check (rating between 1 and 5),
      comment text,
      created_by uuid not null,
      created_at timestamptz not null,
      updated_by uuid,
      updated_at timestamptz not null,
      primary key (site_code, project_id, account_id),
      foreign key (site_code, project_id) references projects (site_code, id)
    );
    create index evaluations_account on evaluations (account_id, created_at desc);
  `);
}

export async function down(db: Kysely<any>): Promise<void> {
  await runStatements(db, 'drop table evaluations; drop table commendations; drop table record_transfers;');
}
