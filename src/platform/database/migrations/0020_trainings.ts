import type { Kysely } from 'kysely';
import { runStatements } from '../statements.js';

/**
 * Trainings (培训): offline trainings with registration and attendance, online courses (content pages), online exams
 * (question bank, timed attempts). A group or the platform (group_id null, system administrator) provides them.
 * registered_count is the capacity counter, moved by a conditional UPDATE. One open attempt per person and exam is a
 * partial unique index, so parallel starts cannot both succeed. training_completions is what 'my trainings' and
 * certificates read: an attended offline training, a fully read course, a passed exam (best score kept).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await runStatements(db, `
    create table trainings (
      site_code text not null references sites (code),
      id uuid not null,
      kind text not null check (kind in ('offline', 'course', 'exam')),
      group_id uuid,
      provider_name text not null,
      title text not null,
      description text not null default '',
      region_code text,
      starts_at timestamptz,
      ends_at timestamptz,
      address text,
      capacity int,
      registered_count int not null default 0,
      page_count int not null default 0,
      question_count int,
      time_limit_minutes int,
      pass_mark int,
      max_attempts int,
      retake_after_hours int,
      created_by uuid not null,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      primary key (site_code, id),
      check (kind <> 'offline' or (starts_at is not null and ends_at > starts_at and capacity >= 1 and address is not null)),
      check (registered_count >= 0 and (capacity is null or registered_count <= capacity)),
      check (kind <> 'exam' or (question_count >= 1 and time_limit_minutes >= 1 and pass_mark between 1 and 100
        and max_attempts >= 1 and retake_after_hours >= 0))
    );
    create unique index trainings_id on trainings (id);
    create index trainings_list on trainings (site_code, kind, created_at desc);
    create index trainings_upcoming on trainings (starts_at) where kind = 'offline';
    create index trainings_group on trainings (group_id, created_at desc) where group_id is not null;
    create table training_pages (
      training_id uuid not null references trainings (id),
      n int not null check (n >= 1),
      title text not null,
      body text not null,
      primary key (training_id, n)
    );
    create table training_questions (
      training_id uuid not null references trainings (id),
      id uuid not null,
      position int not null,
      type text not null check (type in ('single', 'multiple', 'true_false')),
      text text not null,
      options jsonb not null,
      answer jsonb not null,
      primary key (training_id, id)
    );
    create table training_registrations (
      site_code text not null,
      training_id uuid not null,
      account_id uuid not null references accounts (id),
      registered_at timestamptz not null,
      attended boolean,
      attendance_recorded_at timestamptz,
      attendance_recorded_by uuid,
      primary key (site_code, training_id, account_id),
      foreign key (site_code, training_id) references trainings (site_code, id)
    );
    create table training_page_reads (
      site_code text not null,
      training_id uuid not null,
      account_id uuid not null references accounts (id),
      n int not null,
      read_at timestamptz not null,
      primary key (site_code, training_id, account_id, n),
      foreign key (site_code, training_id) references trainings (site_code, id)
    );
    create table exam_attempts (
      site_code text not null,
      id uuid not null,
      training_id uuid not null,
      account_id uuid not null references accounts (id),
      question_ids jsonb not null,
      started_at timestamptz not null,
      expires_at timestamptz not null,
      status text not null check (status in ('open', 'passed', 'failed', 'expired')),
      finished_at timestamptz,
      answers jsonb,
      correct_count int,
      score int,
      primary key (site_code, id),
      foreign key (site_code, training_id) references trainings (site_code, id)
    );
    create unique index exam_attempts_id on exam_attempts (id);
    create unique index exam_attempts_one_open on exam_attempts (training_id, account_id) where status = 'open';
    create index exam_attempts_mine on exam_attempts (training_id, account_id, started_at);
    create table training_completions (
      site_code text not null,
      training_id uuid not null,
      account_id uuid not null references accounts (id),
      completed_at timestamptz not null,
      score int,
      primary key (site_code, training_id, account_id),
      foreign key (site_code, training_id) references trainings (site_code, id)
    );
    create index training_completions_mine on training_completions (account_id, completed_at desc);
  `);
}

export async function down(db: Kysely<any>): Promise<void> {
  await runStatements(db, `
    drop table training_completions; drop table exam_attempts; drop table training_page_reads; drop table training_registrations;
    drop table training_questions; drop table training_pages; drop table trainings;
  `);
}
