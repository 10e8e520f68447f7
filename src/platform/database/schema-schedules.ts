import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Defaulted<T> = ColumnType<T, T | undefined, T>;

export interface ShiftsTable {
  site_code: string;
  project_id: string;
  id: string;
  position_id: string;
  starts_at: Timestamp;
  ends_at: Timestamp;
  capacity: number;
  assigned_count: Defaulted<number>;
  created_at: Timestamp;
}

export interface ShiftAssignmentsTable {
  site_code: string;
  shift_id: string;
  account_id: string;
  assigned_by: 'group' | 'self';
  /** Copied from the shift so a volunteer's overlap check is one index range. */
  starts_at: Timestamp;
  ends_at: Timestamp;
  created_at: Timestamp;
}

export interface AttendanceTable {
  site_code: string;
  shift_id: string;
  account_id: string;
  checked_in_at: Timestamp;
  checked_out_at: NullableTimestamp;
  check_out_kind: ColumnType<'scan' | 'corrected' | 'auto' | null, 'scan' | 'corrected' | 'auto' | null | undefined, 'scan' | 'corrected' | 'auto' | null>;
  corrected_by: ColumnType<string | null, string | null | undefined, string | null>;
  correction_reason: ColumnType<string | null, string | null | undefined, string | null>;
  flagged: Defaulted<boolean>;
  /** Copied from the shift for the automatic check-out's index. */
  shift_ends_at: Timestamp;
}

export interface ScheduleTables {
  shifts: ShiftsTable;
  shift_assignments: ShiftAssignmentsTable;
  attendance: AttendanceTable;
}
