import type { Kysely } from 'kysely';
import { runStatements } from '../statements.js';

/**
 * A project's discussion board (讨论) and its cover image. Discussions mirror group_comments; an author's own deletion
 * is status 'deleted' (kept, never shown), the group's is 'hidden' (audited). The cover is one row per project holding
 * the re-encoded JPEG; projects.cover (from 0010) carries the cover's ETag, so lists build `coverUrl` without reading
 * the image table.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await runStatements(db, `
    create table project_discussions (
      site_code text not null,
      id uuid not null,
      project_id uuid not null,
      author_account_id uuid not null references accounts (id),
      body text not null,
      status text not null default 'visible' check (status in ('visible', 'hidden', 'deleted')),
      moderated_by uuid,
      moderated_at timestamptz,
      created_at timestamptz not null,
      primary key (site_code, id),
      foreign key (site_code, project_id) references projects (site_code, id)
    );
    create unique index project_discussions_id on project_discussions (id);
    create index project_discussions_project on project_discussions (site_code, project_id, created_at desc, id desc) where status = 'visible';
    create index project_discussions_author on project_discussions (author_account_id, created_at desc);

    create table project_covers (
      site_code text not null,
      project_id uuid not null,
      etag text not null,
      image bytea not null,
      width integer not null,
      height integer not null,
      uploaded_by uuid not null,
      updated_at timestamptz not null,
      primary key (site_code, project_id),
      foreign key (site_code, project_id) references projects (site_code, id)
    );
  `);
}

export async function down(db: Kysely<any>): Promise<void> {
  await runStatements(db, 'drop table project_covers; drop table project_discussions;');
}
