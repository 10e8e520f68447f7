import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null, Date | string | null>;

export type DiscussionStatus = 'visible' | 'hidden' | 'deleted';

/** 讨论: one post on a project's discussion board. */
export interface ProjectDiscussionsTable {
  site_code: string;
  id: string;
  project_id: string;
  author_account_id: string;
  body: string;
  status: ColumnType<DiscussionStatus, DiscussionStatus | undefined, DiscussionStatus>;
  moderated_by: string | null;
  moderated_at: NullableTimestamp;
  created_at: Timestamp;
}

/** The current cover of a project: the re-encoded JPEG, never the uploaded bytes. */
export interface ProjectCoversTable {
  site_code: string;
  project_id: string;
  etag: string;
  image: Uint8Array;
  width: number;
  height: number;
  uploaded_by: string;
  updated_at: Timestamp;
}

/** Tables of migrations/0016_project_extras.ts: project discussions and cover images. */
export interface ProjectExtraTables {
  project_discussions: ProjectDiscussionsTable;
  project_covers: ProjectCoversTable;
}
