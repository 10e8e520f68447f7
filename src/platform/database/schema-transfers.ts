import type { ColumnType } from 'kysely';

/** Tables of migrations/0018_transfers_commendations.ts: record transfers, commendations and evaluations. */

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null, Date | string | null>;

export interface RecordTransfersTable {
  id: string;
  account_id: string;
  from_site_code: string;
  from_region_code: string | null;
  to_site_code: string;
  to_region_code: string;
  reason: string | null;
  created_at: Timestamp;
  ip: string | null;
}

export type CommendationLevel = 'national' | 'provincial' | 'city' | 'county' | 'group';
export type CommendationGrantor = 'group' | 'authority' | 'admin';

export interface CommendationsTable {
  site_code: string;
  id: string;
  group_id: string;
  account_id: string;
  title: string;
  level: CommendationLevel;
  granted_on: string;
  note: string | null;
  granted_as: CommendationGrantor;
  granted_by: string;
  authority_group_id: string | null;
  status: ColumnType<'active' | 'revoked', 'active' | 'revoked' | undefined, 'active' | 'revoked'>;
  revoked_at: NullableTimestamp;
  revoked_by: string | null;
  revoked_reason: string | null;
  created_at: Timestamp;
}

export interface EvaluationsTable {
  site_code: string;
  project_id: string;
  account_id: string;
  group_id: string;
  rating: number;
  comment: string | null;
  created_by: string;
  created_at: Timestamp;
  updated_by: string | null;
  updated_at: Timestamp;
}

export interface TransferTables {
  record_transfers: RecordTransfersTable;
  commendations: CommendationsTable;
  evaluations: EvaluationsTable;
}
