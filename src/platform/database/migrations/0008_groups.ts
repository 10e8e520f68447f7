import type { Kysely } from 'kysely';
import { runStatements } from '../statements.js';

/**
 * Volunteer groups and everything hanging off them. Per-site tables carry site_code first in their primary key
 * (Citus: distributed by site_code, co-located); a group's id is also unique on its own (UUIDv7).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await runStatements(db, `
    alter table account_lookups drop constraint account_lookups_kind_check;
    alter table account_lookups add constraint account_lookups_kind_check
      check (kind in ('username', 'id_number', 'phone', 'volunteer_number', 'credit_code'));

    create table groups (
      site_code char(2) not null references sites(code),
      id uuid not null,
      account_id uuid not null unique references accounts(id),
      name text not null,
      legal_person boolean not null,
      credit_code text,
      region_code text not null,
      service_categories text[] not null default '{}',
      leader_name text not null,
      leader_id_enc text not null,
      leader_id_masked text not null,
      leader_id_lookup text not null,
      contact_name text not null,
      contact_phone_enc text not null,
      contact_phone_masked text not null,
      contact_verified_at timestamptz,
      email text not null,
      level text not null default 'pending'
        check (level in ('pending', 'basic', 'primary_group', 'primary_project', 'intermediate', 'advanced')),
      status text not null default 'pending' check (status in ('pending', 'approved', 'rejected')),
      review_reason text,
      reviewed_at timestamptz,
      reviewed_by uuid,
      liaison_group_id uuid,
      parent_group_id uuid,
      exempt_password_hash text,
      introduction text not null default '',
      member_count integer not null default 0,
      project_count integer not null default 0,
      total_hours numeric(14, 2) not null default 0,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      primary key (site_code, id),
      unique (site_code, name)
    );
    create unique index groups_id on groups (id);
    create index groups_site_created on groups (site_code, created_at desc);
    create index groups_site_region on groups (site_code, region_code text_pattern_ops);
    create index groups_leader on groups (leader_id_lookup);

    -- An advanced group's jurisdiction: regions (code prefixes), service fields, universities.
    create table group_jurisdictions (
      site_code char(2) not null,
      group_id uuid not null,
      kind text not null check (kind in ('region', 'field', 'university')),
      value text not null,
      primary key (site_code, group_id, kind, value),
      foreign key (site_code, group_id) references groups (site_code, id)
    );
    create index group_jurisdictions_value on group_jurisdictions (kind, value);

    create table group_members (
      site_code char(2) not null,
      group_id uuid not null,
      account_id uuid not null references accounts(id),
      status text not null check (status in ('pending', 'joined', 'rejected', 'left', 'removed')),
      via text not null default 'application' check (via in ('application', 'exempt_password', 'import')),
      reason text,
      applied_at timestamptz not null,
      decided_at timestamptz,
      decided_by uuid,
      primary key (site_code, group_id, account_id),
      foreign key (site_code, group_id) references groups (site_code, id)
    );
    create index group_members_account on group_members (account_id, site_code, status);
    create index group_members_group_status on group_members (site_code, group_id, status, applied_at desc);

    -- Per volunteer and site: counters behind the limits (20 groups joined + pending; 5 pending projects).
    -- Locked with SELECT … FOR UPDATE, so parallel applications cannot pass a limit together.
    create table volunteer_site_counters (
      site_code char(2) not null,
      account_id uuid not null references accounts(id),
      active_groups integer not null default 0,
      pending_projects integer not null default 0,
      primary key (site_code, account_id)
    );

    -- People acting for an organisation (seed 004 §五): legal representative, administrators, operators.
    create table acting_roles (
      site_code char(2) not null,
      group_id uuid not null,
      person_account_id uuid not null references accounts(id),
      role text not null check (role in ('legal_representative', 'administrator', 'operator')),
      status text not null check (status in ('pending', 'active', 'rejected', 'revoked')),
      requested_at timestamptz not null,
      decided_at timestamptz,
      decided_by uuid,
      primary key (site_code, group_id, person_account_id),
      foreign key (site_code, group_id) references groups (site_code, id)
    );
    create index acting_roles_person on acting_roles (person_account_id, status);

    -- The organisation space a person's session is acting in (null = personal space).
    alter table sessions add column acting_group_id uuid;

    create table group_comments (
      site_code char(2) not null,
      id uuid not null,
      group_id uuid not null,
      author_account_id uuid not null references accounts(id),
      body text not null,
      status text not null default 'visible' check (status in ('visible', 'hidden')),
      moderated_by uuid,
      moderated_at timestamptz,
      created_at timestamptz not null,
      primary key (site_code, id),
      foreign key (site_code, group_id) references groups (site_code, id)
    );
    create index group_comments_group on group_comments (site_code, group_id, created_at desc);
    create index group_comments_author on group_comments (author_account_id, created_at desc);

    create table complaints (
      site_code char(2) not null,
      id uuid not null,
      group_id uuid not null,
      target_type text not null check (target_type in ('group', 'volunteer')),
      target_account_id uuid,
      complainant_account_id uuid not null references accounts(id),
      body text not null,
      status text not null default 'new' check (status in ('new', 'read', 'handled')),
      handled_note text,
      handled_by uuid,
      hidden_at timestamptz,
      hidden_by uuid,
      created_at timestamptz not null,
      primary key (site_code, id),
      foreign key (site_code, group_id) references groups (site_code, id)
    );
    create index complaints_group on complaints (site_code, group_id, created_at desc);
  `);
}

export async function down(): Promise<void> {
  throw new Error('irreversible');
}
