// Volunteer groups (志愿团体): registration, search, detail, membership, acting people, board, complaints, reviews.
// Shapes follow shared/api.md "Groups" and the module contracts; optional fields are those a server may leave out.
import { api, request as send } from './client';
import type { Items, Page } from './types';

export type GroupLevel = 'pending' | 'basic' | 'primary_group' | 'primary_project' | 'intermediate' | 'advanced';
export type GroupStatus = 'pending' | 'approved' | 'rejected';
export type GroupType = 'legal' | 'non_legal';
export type GroupSort = 'newest' | 'members' | 'hours';
export type MemberStatus = 'pending' | 'joined' | 'rejected' | 'left' | 'removed';
export type ActingRole = 'legal_representative' | 'administrator' | 'operator';
export type ActingStatus = 'pending' | 'active' | 'rejected' | 'revoked';
export type ComplaintStatus = 'new' | 'read' | 'handled';

export interface RegisterGroupBody {
  siteCode: string;
  name: string;
  legalPerson: boolean;
  creditCode?: string;
  regionCode: string;
  serviceCategories: string[];
  leaderName: string;
  leaderIdNumber: string;
  contactName: string;
  contactPhone: string;
  contactSmsCode: string;
  email: string;
  username: string;
  password: string;
  liaisonGroupId?: string;
  exemptPassword?: string;
  parentGroupId?: string;
  captchaId?: string;
  captchaAnswer?: string;
}

export interface GroupSummary {
  id: string;
  name: string;
  type: GroupType;
  siteCode: string;
  regionCode: string;
  regionName?: string | null;
  serviceCategories: string[];
  memberCount: number;
  totalHours: number;
  level: GroupLevel;
  levelName?: string;
  createdAt: string;
}

export interface GroupSearchQuery {
  siteCode?: string;
  regionCode?: string;
  category?: string;
  type?: GroupType;
  minMembers?: number;
  maxMembers?: number;
  id?: string;
  name?: string;
  registeredFrom?: string;
  registeredTo?: string;
  sort?: GroupSort;
  page?: number;
  pageSize?: number;
}

export interface GroupSearchResult extends Page<GroupSummary> {
  totalIsEstimate?: boolean;
  totalCapped?: boolean;
}

export interface GroupDetail {
  id: string;
  name: string;
  type: GroupType;
  legalPerson?: boolean;
  creditCode?: string | null;
  siteCode?: string;
  regionCode: string;
  regionName?: string | null;
  serviceCategories: string[];
  introduction?: string | null;
  memberCount: number;
  projectCount?: number;
  totalHours: number;
  level: GroupLevel;
  levelName?: string;
  status: GroupStatus;
  createdAt: string;
  contactName?: string | null;
  /** Masked (138****5678). */
  contactPhone?: string | null;
  // Only for the group itself and its authorities:
  leaderName?: string | null;
  leaderIdNumber?: string | null;
  contactVerified?: boolean;
  review?: { reason?: string | null; reviewedAt?: string | null } | null;
  email?: string | null;
  reviewReason?: string | null;
  reviewedAt?: string | null;
  hasExemptPassword?: boolean;
  liaisonGroupId?: string | null;
  permissions?: string[];
  [key: string]: unknown;
}

export interface GroupPatch {
  introduction?: string;
  serviceCategories?: string[];
  email?: string;
  contactName?: string;
  contactPhone?: string;
  contactSmsCode?: string;
  exemptPassword?: string | null;
  leaderName?: string;
  leaderIdNumber?: string;
}

export interface MyGroup {
  groupId: string;
  id?: string;
  name?: string;
  groupName?: string;
  siteCode?: string;
  regionCode?: string | null;
  regionName?: string | null;
  status: MemberStatus;
  appliedAt?: string | null;
  joinedAt?: string | null;
  decidedAt?: string | null;
  reason?: string | null;
  [key: string]: unknown;
}

export interface GroupLimits {
  siteCode: string;
  used: number;
  limit: number;
}

export interface GroupMember {
  accountId: string;
  name?: string | null;
  username?: string | null;
  volunteerNumber?: string | null;
  gender?: string | null;
  phone?: string | null;
  phoneMasked?: string | null;
  maskedPhone?: string | null;
  status: MemberStatus;
  appliedAt?: string | null;
  decidedAt?: string | null;
  reason?: string | null;
  via?: string | null;
  [key: string]: unknown;
}

export interface ActingPerson {
  personAccountId: string;
  accountId?: string;
  name?: string | null;
  username?: string | null;
  role: ActingRole;
  status: ActingStatus;
  requestedAt?: string | null;
  decidedAt?: string | null;
  [key: string]: unknown;
}

export interface Space {
  groupId: string;
  name: string;
  siteCode?: string;
  role: ActingRole;
}

export interface Spaces {
  current: Space | null;
  items: Space[];
}

export interface GroupComment {
  id: string;
  body: string;
  authorName?: string | null;
  status?: 'visible' | 'hidden';
  createdAt: string;
  [key: string]: unknown;
}

export interface Complaint {
  id: string;
  groupId?: string;
  targetType: 'group' | 'volunteer';
  target?: { accountId: string; name: string; username?: string } | null;
  body: string;
  status: ComplaintStatus;
  handledNote?: string | null;
  hidden?: boolean;
  hiddenAt?: string | null;
  complainant?: { name?: string | null; username?: string | null } | null;
  createdAt: string;
  [key: string]: unknown;
}

export interface PendingReview {
  id: string;
  name: string;
  type?: GroupType;
  legalPerson?: boolean;
  siteCode?: string;
  regionCode?: string;
  regionName?: string | null;
  serviceCategories?: string[];
  liaisonGroupId?: string | null;
  createdAt: string;
  [key: string]: unknown;
}

export interface Jurisdiction {
  regions: string[];
  fields: string[];
  universities: string[];
}

const enc = encodeURIComponent;
const g = (id: string) => `/groups/${enc(id)}`;
const anonymous = { signedOutOn401: false } as const;

export const groupsApi = {
  register: (body: RegisterGroupBody) => api.post<{ id: string; status: 'pending' }>('/groups', body, anonymous),
  search: (query: GroupSearchQuery) => api.get<GroupSearchResult>('/groups', { query: { ...query } }),
  detail: (id: string) => api.get<GroupDetail>(g(id), anonymous),
  update: (id: string, body: GroupPatch) => api.patch<GroupDetail | undefined>(g(id), body),
  review: (id: string, body: { decision: 'approve' | 'reject'; reason?: string }) => api.post<unknown>(`${g(id)}/review`, body),
  setLevel: (id: string, body: { level: GroupLevel; reason: string }) => api.post<unknown>(`${g(id)}/level`, body),
  jurisdiction: (id: string) => api.get<Jurisdiction>(`${g(id)}/jurisdiction`),
  setJurisdiction: (id: string, body: Jurisdiction) => request('PUT', `${g(id)}/jurisdiction`, body),
  pendingReviews: (query: { siteCode?: string; page?: number; pageSize?: number }) =>
    api.get<Page<PendingReview>>('/groups/pending-reviews', { query }),
  confirmContact: (body: { username: string; contactPhone: string; smsCode: string }) =>
    api.post<void>('/groups/contact-verification', body, anonymous),

  // Members
  apply: (id: string, exemptPassword?: string) =>
    api.post<{ status: 'pending' | 'joined' }>(`${g(id)}/members`, exemptPassword ? { exemptPassword } : {}),
  leave: (id: string) => api.delete(`${g(id)}/members/me`),
  members: (id: string, query: { status?: MemberStatus; q?: string; page?: number; pageSize?: number }) =>
    api.get<Page<GroupMember>>(`${g(id)}/members`, { query }),
  decideMember: (id: string, accountId: string, body: { decision: 'approve' | 'reject'; reason?: string }) =>
    api.post<unknown>(`${g(id)}/members/${enc(accountId)}/decision`, body),
  removeMember: (id: string, accountId: string, reason: string) =>
    request('DELETE', `${g(id)}/members/${enc(accountId)}`, { reason }),
  exportUrl: (id: string, status?: MemberStatus) =>
    `/api/v1${g(id)}/members/export.xlsx${status ? `?status=${enc(status)}` : ''}`,
  myGroups: (query: { status: 'joined' | 'pending' | 'rejected'; siteCode?: string; page?: number; pageSize?: number }) =>
    api.get<Page<MyGroup>>('/me/groups', { query }),
  myLimits: (siteCode?: string) => api.get<GroupLimits>('/me/groups/limits', { query: { siteCode } }),

  // Acting people and spaces
  acting: (id: string, status?: ActingStatus) => api.get<Items<ActingPerson> & Partial<Page<ActingPerson>>>(`${g(id)}/acting`, { query: { status } }),
  applyActing: (id: string, role: 'operator' | 'administrator') => api.post<unknown>(`${g(id)}/acting/applications`, { role }),
  decideActing: (id: string, personId: string, body: { decision: 'approve' | 'reject'; reason?: string }) =>
    api.post<unknown>(`${g(id)}/acting/${enc(personId)}/decision`, body),
  grantActing: (id: string, body: { username: string; role: 'operator' | 'administrator' }) => api.post<unknown>(`${g(id)}/acting/grants`, body),
  revokeActing: (id: string, personId: string) => api.delete(`${g(id)}/acting/${enc(personId)}`),
  designateLegal: (id: string, body: { username: string; name: string; idNumber: string }) =>
    api.post<unknown>(`${g(id)}/acting/legal-representative`, body),
  spaces: () => api.get<Spaces>('/me/spaces'),
  switchSpace: (groupId: string | null) => api.post<{ current: Space | null } | Space | null>('/me/space', { groupId }),

  // Board and complaints
  comments: (id: string, query: { page?: number; pageSize?: number; includeHidden?: boolean }) =>
    api.get<Page<GroupComment>>(`${g(id)}/comments`, { query: { ...query, includeHidden: query.includeHidden ? 'true' : undefined }, ...anonymous }),
  postComment: (id: string, body: string) => api.post<{ id: string }>(`${g(id)}/comments`, { body }),
  hideComment: (id: string, commentId: string) => api.post<unknown>(`${g(id)}/comments/${enc(commentId)}/hide`, {}),
  showComment: (id: string, commentId: string) => api.post<unknown>(`${g(id)}/comments/${enc(commentId)}/show`, {}),
  complain: (body: { groupId: string; targetType: 'group' | 'volunteer'; targetAccountId?: string; body: string }) =>
    api.post<{ id: string }>('/complaints', body),
  complaints: (id: string, query: { status?: ComplaintStatus; page?: number; pageSize?: number; includeHidden?: boolean }) =>
    api.get<Page<Complaint>>(`${g(id)}/complaints`, { query: { ...query, includeHidden: query.includeHidden ? 'true' : undefined } }),
  readComplaint: (id: string, complaintId: string) => api.post<unknown>(`${g(id)}/complaints/${enc(complaintId)}/read`, {}),
  handleComplaint: (id: string, complaintId: string, note: string) =>
    api.post<unknown>(`${g(id)}/complaints/${enc(complaintId)}/handle`, { note }),
  hideComplaints: (id: string, ids: string[]) => api.post<unknown>(`${g(id)}/complaints/hide`, { ids }),
};

function request(method: 'PUT' | 'DELETE', path: string, body: unknown) {
  return send<unknown>(path, { method, body });
}

/** Level names as the server's permission table has them (seed 002 §1.2); the API's levelName wins when present. */
export const LEVEL_NAMES: Record<GroupLevel, string> = {
  pending: '待审团体',
  basic: '基本团体',
  primary_group: '初级团体（团体）',
  primary_project: '初级团体（项目）',
  intermediate: '中级团体',
  advanced: '高级团体',
};

/** What each level allows (mirrors src/modules/groups/permissions.ts, for showing what the console offers). */
const APPROVED: GroupLevel[] = ['basic', 'primary_group', 'primary_project', 'intermediate', 'advanced'];
export const LEVEL_ALLOWS = {
  manage_members: APPROVED,
  moderate_board: APPROVED,
  manage_acting_people: ['pending', ...APPROVED] as GroupLevel[],
  register_subgroups: ['primary_group', 'intermediate', 'advanced'] as GroupLevel[],
  publish_project_direct: ['primary_project', 'intermediate', 'advanced'] as GroupLevel[],
  publish_project_reviewed: ['basic', 'primary_group'] as GroupLevel[],
  review_groups_in_jurisdiction: ['advanced'] as GroupLevel[],
  manage_jurisdiction: ['advanced'] as GroupLevel[],
} satisfies Record<string, GroupLevel[]>;

export function levelAllows(level: GroupLevel | undefined, action: keyof typeof LEVEL_ALLOWS): boolean {
  return !!level && LEVEL_ALLOWS[action].includes(level);
}
