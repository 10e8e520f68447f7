import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null, Date | string | null>;

export type EnrollmentStatus = 'pending' | 'enrolled' | 'rejected' | 'cancelled';

export interface EnrollmentsTable {
  site_code: string;
  project_id: string;
  account_id: string;
  position_id: string;
  status: EnrollmentStatus;
  via: 'application' | 'exempt_password';
  reason: string | null;
  applied_at: Timestamp;
  decided_at: NullableTimestamp;
  decided_by: string | null;
}

export interface EnrollmentTables {
  enrollments: EnrollmentsTable;
}
