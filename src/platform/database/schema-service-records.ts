import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null, Date | string | null>;
/** numeric columns are parsed to numbers (see database.ts). */
type Numeric = ColumnType<number, number | string, number | string>;
type DefaultedNumeric = ColumnType<number, number | string | undefined, number | string>;

export type ServiceRecordStatus = 'effective' | 'ineffective' | 'deleted';

export interface ServiceRecordsTable {
  site_code: string;
  id: string;
  project_id: string;
  group_id: string;
  account_id: string;
  position_id: string | null;
  /** 'YYYY-MM-DD', China time. */
  service_date: string;
  start_at: Timestamp;
  end_at: Timestamp;
  hours: Numeric;
  note: string | null;
  status: ServiceRecordStatus;
  ineffective_reason: string | null;
  deleted_at: NullableTimestamp;
  deleted_by: string | null;
  deleted_reason: string | null;
  created_by: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** The attendance row this record was made from (unique: one record per attendance, deleted or not). */
  attendance_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface ServiceRecordHistoryTable {
  site_code: string;
  record_id: string;
  id: string;
  at: Timestamp;
  actor_id: string | null;
  change: ColumnType<Record<string, unknown>, string, string>;
}

export interface VolunteerTotalsTable {
  account_id: string;
  effective_hours: DefaultedNumeric;
  record_count: ColumnType<number, number | undefined, number>;
}

export interface ServiceRecordTables {
  service_records: ServiceRecordsTable;
  service_record_history: ServiceRecordHistoryTable;
  volunteer_totals: VolunteerTotalsTable;
}

// attendance.id comes from migration 0014 (hour sources), so its type is added here rather than in schema-schedules.ts.
declare module './schema-schedules.js' {
  interface AttendanceTable {
    /** Stable id of an attendance row, named by POST /projects/{id}/hours/from-attendance. */
    id: Generated<string>;
  }
}
