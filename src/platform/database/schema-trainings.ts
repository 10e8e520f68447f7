import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Defaulted<T> = ColumnType<T, T | undefined, T>;
type Nullable<T> = ColumnType<T | null, T | null | undefined, T | null>;
type Json<T> = ColumnType<T, string, string>;

export type TrainingKind = 'offline' | 'course' | 'exam';
export type QuestionType = 'single' | 'multiple' | 'true_false';
export type AttemptStatus = 'open' | 'passed' | 'failed' | 'expired';

export interface TrainingsTable {
  site_code: string;
  id: string;
  kind: TrainingKind;
  /** null: provided by the platform (a system administrator). */
  group_id: Nullable<string>;
  provider_name: string;
  title: string;
  description: Defaulted<string>;
  region_code: Nullable<string>;
  starts_at: NullableTimestamp;
  ends_at: NullableTimestamp;
  address: Nullable<string>;
  capacity: Nullable<number>;
  registered_count: Defaulted<number>;
  page_count: Defaulted<number>;
  question_count: Nullable<number>;
  time_limit_minutes: Nullable<number>;
  pass_mark: Nullable<number>;
  max_attempts: Nullable<number>;
  retake_after_hours: Nullable<number>;
  created_by: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface TrainingPagesTable {
  training_id: string;
  n: number;
  title: string;
  body: string;
}

export interface TrainingQuestionsTable {
  training_id: string;
  id: string;
  position: number;
  type: QuestionType;
  text: string;
  options: Json<string[]>;
  answer: Json<number[]>;
}

export interface TrainingRegistrationsTable {
  site_code: string;
  training_id: string;
  account_id: string;
  registered_at: Timestamp;
  attended: Nullable<boolean>;
  attendance_recorded_at: NullableTimestamp;
  attendance_recorded_by: Nullable<string>;
}

export interface TrainingPageReadsTable {
  site_code: string;
  training_id: string;
  account_id: string;
  n: number;
  read_at: Timestamp;
}

export interface ExamAttemptsTable {
  site_code: string;
  id: string;
  training_id: string;
  account_id: string;
  question_ids: Json<string[]>;
  started_at: Timestamp;
  expires_at: Timestamp;
  status: AttemptStatus;
  finished_at: NullableTimestamp;
  answers: ColumnType<Record<string, number[]> | null, string | null | undefined, string | null>;
  correct_count: Nullable<number>;
  score: Nullable<number>;
}

export interface TrainingCompletionsTable {
  site_code: string;
  training_id: string;
  account_id: string;
  completed_at: Timestamp;
  /** Percent, for exams; null otherwise. */
  score: Nullable<number>;
}

/** Tables of migrations/0020_trainings.ts: trainings, courses and exams. */
export interface TrainingTables {
  trainings: TrainingsTable;
  training_pages: TrainingPagesTable;
  training_questions: TrainingQuestionsTable;
  training_registrations: TrainingRegistrationsTable;
  training_page_reads: TrainingPageReadsTable;
  exam_attempts: ExamAttemptsTable;
  training_completions: TrainingCompletionsTable;
}
