// Commendation (表彰) and evaluation (评价) calls; shapes follow src/modules/{commendations,evaluations}/routes.ts.
import { api, request } from './client';
import type { Page } from './types';

export type CommendationLevel = 'national' | 'provincial' | 'city' | 'county' | 'group';

export interface MyCommendation {
  id: string;
  title: string;
  level: CommendationLevel;
  levelName: string;
  grantedOn: string;
  note: string | null;
  grantedAs: 'group' | 'authority' | 'admin';
  groupId: string;
  groupName: string;
  siteCode: string;
  createdAt: string;
}

/** A row of GET /groups/{id}/commendations (full names: the group and its authorities only). */
export interface GroupCommendation extends Omit<MyCommendation, 'groupId' | 'groupName' | 'siteCode'> {
  accountId: string;
  volunteerName: string;
  volunteerNumber: string | null;
  status: 'active' | 'revoked';
  revokedAt: string | null;
  revokedReason: string | null;
}

export interface GrantCommendation {
  accountId: string;
  title: string;
  level: CommendationLevel;
  grantedOn: string;
  note?: string;
}

export interface MyEvaluation {
  projectId: string;
  projectName: string;
  groupId: string;
  groupName: string;
  siteCode: string;
  rating: number;
  comment: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ProjectEvaluation {
  accountId: string;
  volunteerName: string;
  volunteerNumber: string | null;
  rating: number;
  comment: string | null;
  createdAt: string;
  updatedAt: string;
  editableUntil: string;
}

const enc = encodeURIComponent;

export const commendationsApi = {
  mine: (query: { page?: number; pageSize?: number } = {}) => api.get<Page<MyCommendation>>('/me/commendations', { query }),
  ofGroup: (groupId: string, query: { status?: 'active' | 'revoked'; page?: number; pageSize?: number } = {}) =>
    api.get<Page<GroupCommendation>>(`/groups/${enc(groupId)}/commendations`, { query }),
  grant: (groupId: string, body: GrantCommendation) =>
    api.post<{ id: string; status: 'active' }>(`/groups/${enc(groupId)}/commendations`, body),
  revoke: (id: string, reason: string) => request<void>(`/commendations/${enc(id)}`, { method: 'DELETE', body: { reason } }),
};

export const evaluationsApi = {
  mine: (query: { page?: number; pageSize?: number } = {}) =>
    api.get<Page<MyEvaluation> & { averageRating: number | null }>('/me/evaluations', { query }),
  ofProject: (projectId: string, query: { page?: number; pageSize?: number } = {}) =>
    api.get<Page<ProjectEvaluation>>(`/projects/${enc(projectId)}/evaluations`, { query }),
  create: (projectId: string, body: { accountId: string; rating: number; comment?: string }) =>
    api.post<ProjectEvaluation>(`/projects/${enc(projectId)}/evaluations`, body),
  update: (projectId: string, accountId: string, body: { rating: number; comment?: string }) =>
    request<ProjectEvaluation>(`/projects/${enc(projectId)}/evaluations/${enc(accountId)}`, { method: 'PUT', body }),
};
