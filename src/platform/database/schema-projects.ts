import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null, Date | string | null>;
type Defaulted<T> = ColumnType<T, T | undefined, T>;

/** The stored status; a 'recruiting' (published) project reads as recruiting, in_progress or finished by date. */
export type StoredProjectStatus = 'pending_review' | 'recruiting' | 'cancelled' | 'rejected';

export interface ProjectsTable {
  site_code: string;
  id: string;
  group_id: string;
  name: string;
  region_code: string;
  category: string;
  service_target: string;
  enrollment_scope: 'public' | 'members';
  /** 'YYYY-MM-DD', China time. */
  start_date: string;
  end_date: string;
  recruit_from: string;
  recruit_to: string;
  address: string;
  lat: number | null;
  lng: number | null;
  description: Defaulted<string>;
  cover: string | null;
  exempt_password_hash: string | null;
  status: StoredProjectStatus;
  review_reason: string | null;
  reviewed_at: NullableTimestamp;
  reviewed_by: string | null;
  cancel_reason: string | null;
  created_by: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  total_quota: number;
  enrolled_count: Defaulted<number>;
  total_hours: ColumnType<string, string | number | undefined, string | number>;
  /** Generated (migration 0021): search keys of name, category, site and region; the days as an int4range of YYYYMMDD. */
  search_keys: ColumnType<string[], never, never>;
  day_span: ColumnType<string, never, never>;
}

export interface PositionsTable {
  site_code: string;
  project_id: string;
  id: string;
  name: string;
  quota: number;
  requirements: Defaulted<string>;
  enrolled_count: Defaulted<number>;
}

export interface ProjectTables {
  projects: ProjectsTable;
  positions: PositionsTable;
}
