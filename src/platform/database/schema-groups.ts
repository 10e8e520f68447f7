import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null, Date | string | null>;
type Defaulted<T> = ColumnType<T, T | undefined, T>;

export type GroupLevel = 'pending' | 'basic' | 'primary_group' | 'primary_project' | 'intermediate' | 'advanced';
export type GroupStatus = 'pending' | 'approved' | 'rejected';
export type MemberStatus = 'pending' | 'joined' | 'rejected' | 'left' | 'removed';
export type ActingRole = 'legal_representative' | 'administrator' | 'operator';

export interface GroupsTable {
  site_code: string;
  id: string;
  account_id: string;
  name: string;
  legal_person: boolean;
  credit_code: string | null;
  region_code: string;
  service_categories: Defaulted<string[]>;
  leader_name: string;
  leader_id_enc: string;
  leader_id_masked: string;
  leader_id_lookup: string;
  contact_name: string;
  contact_phone_enc: string;
  contact_phone_masked: string;
  contact_verified_at: NullableTimestamp;
  email: string;
  level: Defaulted<GroupLevel>;
  status: Defaulted<GroupStatus>;
  review_reason: string | null;
  reviewed_at: NullableTimestamp;
  reviewed_by: string | null;
  liaison_group_id: string | null;
  parent_group_id: string | null;
  exempt_password_hash: string | null;
  introduction: Defaulted<string>;
  member_count: Defaulted<number>;
  project_count: Defaulted<number>;
  total_hours: Defaulted<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface GroupJurisdictionsTable {
  site_code: string;
  group_id: string;
  kind: 'region' | 'field' | 'university';
  value: string;
}

export interface GroupMembersTable {
  site_code: string;
  group_id: string;
  account_id: string;
  status: MemberStatus;
  via: Defaulted<'application' | 'exempt_password' | 'import'>;
  reason: string | null;
  applied_at: Timestamp;
  decided_at: NullableTimestamp;
  decided_by: string | null;
}

export interface VolunteerSiteCountersTable {
  site_code: string;
  account_id: string;
  active_groups: Defaulted<number>;
  pending_projects: Defaulted<number>;
}

export interface ActingRolesTable {
  site_code: string;
  group_id: string;
  person_account_id: string;
  role: ActingRole;
  status: 'pending' | 'active' | 'rejected' | 'revoked';
  requested_at: Timestamp;
  decided_at: NullableTimestamp;
  decided_by: string | null;
}

export interface GroupCommentsTable {
  site_code: string;
  id: string;
  group_id: string;
  author_account_id: string;
  body: string;
  status: Defaulted<'visible' | 'hidden'>;
  moderated_by: string | null;
  moderated_at: NullableTimestamp;
  created_at: Timestamp;
}

export interface ComplaintsTable {
  site_code: string;
  id: string;
  group_id: string;
  target_type: 'group' | 'volunteer';
  target_account_id: string | null;
  complainant_account_id: string;
  body: string;
  status: Defaulted<'new' | 'read' | 'handled'>;
  handled_note: string | null;
  handled_by: string | null;
  hidden_at: NullableTimestamp;
  hidden_by: string | null;
  created_at: Timestamp;
}

/** The group tables (migration 0008), merged into DB in schema.ts. */
export interface GroupTables {
  groups: GroupsTable;
  group_jurisdictions: GroupJurisdictionsTable;
  group_members: GroupMembersTable;
  volunteer_site_counters: VolunteerSiteCountersTable;
  acting_roles: ActingRolesTable;
  group_comments: GroupCommentsTable;
  complaints: ComplaintsTable;
}
