import type { Kysely } from 'kysely';
import { runStatements } from '../statements.js';

/**
 * Certificates (志愿服务证明). A certificate row is the snapshot of what it certified when issued (volunteer,
 * issuer, per-project rows, total), so the public check shows what the paper said. certificate_records names
 * the service records it counted with their hours then: a certificate is revoked when any of them is no longer
 * effective or no longer has those hours. No PDF is stored: it is made from the snapshot on download, and the
 * same snapshot always gives the same bytes (signing time = issue time).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await runStatements(db, `
    create table certificates (
      number text primary key,
      account_id uuid not null references accounts (id),
      site_code text not null,
      kind text not null check (kind in ('platform', 'project')),
      project_site_code text,
      project_id uuid,
      issuer_group_id uuid,
      issuer jsonb not null,
      volunteer jsonb not null,
      total_hours numeric(14, 2) not null check (total_hours > 0),
      projects jsonb not null,
      record_count int not null,
      issued_at timestamptz not null,
      check ((kind = 'project') = (project_id is not null)),
      check ((kind = 'project') = (issuer_group_id is not null))
    );
    create index certificates_account on certificates (account_id, issued_at desc);
    create index certificates_issuer on certificates (issuer_group_id, issued_at desc) where issuer_group_id is not null;
    create table certificate_records (
      number text not null references certificates (number),
      record_id uuid not null,
      hours numeric(6, 2) not null,
      primary key (number, record_id)
    );
  `);
}
