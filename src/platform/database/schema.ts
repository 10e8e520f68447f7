import type { ColumnType, Insertable, Selectable } from 'kysely';
import type { GroupTables } from './schema-groups.js';
import type { ProjectTables } from './schema-projects.js';
import type { EnrollmentTables } from './schema-enrollments.js';
import type { ServiceRecordTables } from './schema-service-records.js';
import type { ScheduleTables } from './schema-schedules.js';
import type { RecordDisputeTables } from './schema-record-disputes.js';
import type { ProjectExtraTables } from './schema-project-extras.js';
import type { CertificateTables } from './schema-certificates.js';
import type { TrainingTables } from './schema-trainings.js';
import type { VolunteerCardTables } from './schema-volunteer-cards.js';
import type { TransferTables } from './schema-transfers.js';

/** Timestamps: written as Date or ISO string, read as Date. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null, Date | string | null>;
type DefaultedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T = Record<string, unknown>> = ColumnType<T, T | string, T | string>;

export type AccountType = 'volunteer' | 'group' | 'staff' | 'admin';
export type RealNameStatus = 'pending' | 'verified' | 'failed' | 'no_result';
export type IdType = 'resident_id' | 'passport' | 'hk_macao_permit' | 'taiwan_permit';

export interface SitesTable {
  code: string;
  name: string;
  settings: Json;
}

export interface AccountsTable {
  id: string;
  type: AccountType;
  site_code: string;
  username: string;
  display_name: string;
  password_hash: string;
  password_changed_at: Timestamp;
  status: ColumnType<'active' | 'disabled' | 'inactive', 'active' | 'disabled' | 'inactive' | undefined>;
  username_changed_at: NullableTimestamp;
  created_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
}

export interface AccountLookupsTable {
  kind: 'username' | 'id_number' | 'phone' | 'volunteer_number' | 'credit_code';
  lookup: string;
  account_id: string;
}

export interface PeopleTable {
  account_id: string;
  name: string;
  id_type: IdType;
  id_number_enc: string;
  id_number_masked: string;
  birth_date: string | null;
  gender: 'male' | 'female' | null;
  phone_enc: string | null;
  phone_masked: string | null;
  phone_verified_at: NullableTimestamp;
  email: string | null;
  realname_status: ColumnType<RealNameStatus, RealNameStatus | undefined>;
  realname_checked_at: NullableTimestamp;
  realname_note: string | null;
  face_checked_at: NullableTimestamp;
}

export interface VolunteerProfilesTable {
  account_id: string;
  volunteer_number: string | null;
  service_region_code: string | null;
  service_categories: ColumnType<string[], string[] | undefined>;
  service_fields: ColumnType<string[], string[] | undefined>;
  skills: Json;
  other: Json;
  event: Json;
}

export interface PasswordPoliciesTable {
  site_code: string;
  account_type: AccountType;
  rules: Json<unknown>;
  updated_at: DefaultedTimestamp;
  updated_by: string | null;
}

export interface SessionsTable {
  id: string;
  token_hash: string;
  account_id: string;
  kind: 'cookie' | 'token';
  created_at: Timestamp;
  last_seen_at: Timestamp;
  idle_expires_at: Timestamp;
  absolute_expires_at: Timestamp;
  ip: string | null;
  user_agent: string | null;
  ended_at: NullableTimestamp;
  end_reason: string | null;
  acting_group_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface CaptchasTable {
  id: string;
  answer_hash: string;
  expires_at: Timestamp;
}

export interface RateCountersTable {
  key: string;
  window_start: Timestamp;
  count: number;
  expires_at: Timestamp;
}

export interface LoginThrottlesTable {
  subject: string;
  failures: number;
  blocked_until: NullableTimestamp;
  updated_at: Timestamp;
}

export interface AuditLogTable {
  id: string;
  at: DefaultedTimestamp;
  actor_id: string | null;
  actor_username: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  site_code: string | null;
  ip: string | null;
  outcome: 'success' | 'failure' | 'denied';
  detail: Json;
}

export type OutboxChannel = 'sms' | 'email';
export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed';

/** See migrations/0002_outbox.ts and src/platform/outbox/. */
export interface OutboxMessagesTable {
  id: string;
  channel: OutboxChannel;
  to_enc: string;
  to_lookup: string;
  template: string;
  content_enc: string;
  status: ColumnType<OutboxStatus, OutboxStatus | undefined, OutboxStatus>;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: Timestamp;
  last_error: string | null;
  transport: string | null;
  provider_id: string | null;
  sent_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type SmsCodePurpose = 'register' | 'contact' | 'recovery' | 'activation' | 'change_phone';

export interface SmsCodesTable {
  id: string;
  phone_lookup: string;
  purpose: SmsCodePurpose;
  code_hash: string;
  attempts: ColumnType<number, number | undefined, number>;
  created_at: Timestamp;
  expires_at: Timestamp;
  consumed_at: NullableTimestamp;
}

export interface SmsSendStateTable {
  phone_lookup: string;
  last_sent_at: Timestamp;
  window_start: Timestamp;
  window_count: number;
}

export interface RecoveryCodesTable {
  id: string;
  account_id: string;
  channel: 'email' | 'sms';
  code_hash: string;
  token_hash: string;
  attempts: ColumnType<number, number | undefined, number>;
  created_at: Timestamp;
  expires_at: Timestamp;
  consumed_at: NullableTimestamp;
}

/** The last volunteer-number sequence issued per county (migrations/0004_realname.ts, docs/volunteer-numbers.md). */
export interface VolunteerNumberCountersTable {
  region_code: string;
  last_value: number;
  updated_at: Timestamp;
}

export interface SecurityAnswersTable {
  account_id: string;
  position: number;
  question: string;
  answer_hash: string;
  updated_at: Timestamp;
}

/** Self-service tickets and face checks (migrations/0005_self_service.ts, src/modules/self-service/). */
export interface SelfServiceTicketsTable {
  id: string;
  account_id: string;
  token_hash: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  face_checked_at: NullableTimestamp;
  face_check_id: string | null;
  face_attempts: ColumnType<number, number | undefined, number>;
  actions: ColumnType<string[], string | undefined, string>;
  ended_at: NullableTimestamp;
  ip: string | null;
}

export type FaceCheckStatus = 'pending_review' | 'passed' | 'failed' | 'error';

export interface FaceChecksTable {
  id: string;
  account_id: string;
  ticket_id: string | null;
  provider: 'local-review' | 'http';
  status: FaceCheckStatus;
  score: number | null;
  reference: string | null;
  reason: string | null;
  photo_enc: string | null;
  photo_mime: string | null;
  id_card_photo_enc: string | null;
  id_card_photo_mime: string | null;
  created_at: Timestamp;
  decided_at: NullableTimestamp;
  decided_by: string | null;
  decision_note: string | null;
  used_at: NullableTimestamp;
}

/** Government units, staff posts, unit administrators, reset requests, imports (migrations/0006_units_imports.ts). */
export interface UnitsTable {
  id: string;
  site_code: string;
  name: string;
  parent_id: string | null;
  region_code: string | null;
  created_at: DefaultedTimestamp;
  created_by: string | null;
}

export type StaffPostKind = 'main' | 'part_time';

export interface StaffPostsTable {
  id: string;
  account_id: string;
  unit_id: string;
  kind: StaffPostKind;
  position_title: string | null;
  staffing_category: string | null;
  rank: string | null;
  staff_role: string | null;
  created_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
}

export interface UnitAdminsTable {
  unit_id: string;
  account_id: string;
  created_at: DefaultedTimestamp;
  created_by: string | null;
}

export interface StaffResetRequestsTable {
  id: string;
  account_id: string;
  status: 'pending' | 'approved' | 'dismissed';
  requested_at: Timestamp;
  ip: string | null;
  decided_at: NullableTimestamp;
  decided_by: string | null;
}

export type ImportKind = 'volunteers' | 'staff';
export type ImportMode = 'all_or_nothing' | 'good_rows';
export type ImportStatus = 'queued' | 'running' | 'done' | 'rejected' | 'failed';
export type ImportPhase = 'reading' | 'checking' | 'writing' | 'notifying';

export interface ImportJobsTable {
  id: string;
  kind: ImportKind;
  mode: ImportMode;
  site_code: string;
  unit_id: string | null;
  file_name: string;
  format: 'xlsx' | 'csv';
  status: ImportStatus;
  phase: ImportPhase | null;
  total: number | null;
  rows_read: ColumnType<number, number | undefined, number>;
  processed: ColumnType<number, number | undefined, number>;
  created_count: ColumnType<number, number | undefined, number>;
  refused_count: ColumnType<number, number | undefined, number>;
  error_code: string | null;
  error: string | null;
  created_by: string;
  created_at: Timestamp;
  started_at: NullableTimestamp;
  finished_at: NullableTimestamp;
  heartbeat_at: Timestamp;
}

export interface ImportRowProblem {
  field: string;
  code: string;
  message: string;
}

export interface ImportRowsTable {
  job_id: string;
  row_number: number;
  status: 'created' | 'refused' | 'not_created';
  name: string | null;
  username: string | null;
  account_id: string | null;
  reasons: Json<ImportRowProblem[]>;
}

export interface DB extends GroupTables, ProjectTables, EnrollmentTables, ScheduleTables, ServiceRecordTables, RecordDisputeTables,
  ProjectExtraTables, CertificateTables, TrainingTables, VolunteerCardTables, TransferTables {
  sites: SitesTable;
  accounts: AccountsTable;
  account_lookups: AccountLookupsTable;
  people: PeopleTable;
  volunteer_profiles: VolunteerProfilesTable;
  password_policies: PasswordPoliciesTable;
  sessions: SessionsTable;
  captchas: CaptchasTable;
  rate_counters: RateCountersTable;
  login_throttles: LoginThrottlesTable;
  audit_log: AuditLogTable;
  sms_codes: SmsCodesTable;
  sms_send_state: SmsSendStateTable;
  recovery_codes: RecoveryCodesTable;
  security_answers: SecurityAnswersTable;
  outbox_messages: OutboxMessagesTable;
  volunteer_number_counters: VolunteerNumberCountersTable;
  self_service_tickets: SelfServiceTicketsTable;
  face_checks: FaceChecksTable;
  units: UnitsTable;
  staff_posts: StaffPostsTable;
  unit_admins: UnitAdminsTable;
  staff_reset_requests: StaffResetRequestsTable;
  import_jobs: ImportJobsTable;
  import_rows: ImportRowsTable;
}

export type Account = Selectable<AccountsTable>;
export type NewAccount = Insertable<AccountsTable>;
export type Person = Selectable<PeopleTable>;
