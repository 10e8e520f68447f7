import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type HourReportStatus = 'pending' | 'upheld' | 'rejected';
export type HourCorrectionStatus = 'pending' | 'accepted' | 'rejected';

/** What a volunteer asks to change; absent fields keep the record's value. */
export interface ProposedCorrection { serviceDate?: string; startTime?: string; endTime?: string; hours?: number }

export interface HourReportsTable {
  site_code: string;
  id: string;
  record_id: string;
  group_id: string;
  reporter_account_id: string;
  reason: string;
  status: ColumnType<HourReportStatus, HourReportStatus | undefined, HourReportStatus>;
  decision_reason: ColumnType<string | null, string | null | undefined, string | null>;
  decided_by: ColumnType<string | null, string | null | undefined, string | null>;
  decided_at: NullableTimestamp;
  created_at: Timestamp;
}

export interface HourCorrectionsTable {
  site_code: string;
  id: string;
  record_id: string;
  group_id: string;
  account_id: string;
  reason: string;
  proposed: ColumnType<ProposedCorrection, string, string>;
  status: ColumnType<HourCorrectionStatus, HourCorrectionStatus | undefined, HourCorrectionStatus>;
  decision_reason: ColumnType<string | null, string | null | undefined, string | null>;
  decided_by: ColumnType<string | null, string | null | undefined, string | null>;
  decided_at: NullableTimestamp;
  created_at: Timestamp;
}

/** Tables of migrations/0015_record_disputes.ts: correction requests and reports on service records. */
export interface RecordDisputeTables {
  hour_reports: HourReportsTable;
  hour_corrections: HourCorrectionsTable;
}
