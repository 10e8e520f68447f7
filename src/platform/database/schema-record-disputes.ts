/** Tables of migrations/0015_record_disputes.ts: correction requests and reports on service records. */
export interface RecordDisputeTables {}
