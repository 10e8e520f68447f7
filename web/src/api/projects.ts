// Volunteer-side project calls: search, detail, enrolment, shifts, check-in, discussions, hours, reports and corrections.
// Shapes follow the server's route schemas (src/modules/{projects,enrollments,schedules,service-records}/routes.ts);
// fields marked optional are those routes being built alongside may leave out.
import { api } from './client';
import type { Items, Page } from './types';
import type { MyEvaluation } from './commendations';

export type ProjectStatus = 'pending_review' | 'recruiting' | 'in_progress' | 'finished' | 'cancelled' | 'rejected';
export type EnrollmentScope = 'public' | 'members';
export type ProjectSort = 'newest' | 'start' | 'distance';
export type EnrollmentStatus = 'pending' | 'enrolled' | 'rejected' | 'cancelled';
export type HourStatus = 'effective' | 'ineffective' | 'deleted';
export type ScanKind = 'check_in' | 'check_out';

export interface LatLng {
  lat: number;
  lng: number;
}

export interface ProjectSummary {
  id: string;
  siteCode: string;
  groupId: string;
  name: string;
  regionCode: string;
  regionName: string;
  category: string;
  serviceTarget: string;
  enrollmentScope: EnrollmentScope;
  startDate: string;
  endDate: string;
  recruitFrom: string;
  recruitTo: string;
  address: string;
  location: LatLng | null;
  status: ProjectStatus;
  totalQuota: number;
  enrolledCount: number;
  createdAt: string;
  distanceKm: number | null;
  coverUrl?: string | null;
}

export interface ProjectSearchQuery {
  siteCode?: string;
  regionCode?: string;
  category?: string;
  status?: 'recruiting' | 'in_progress' | 'finished' | 'cancelled';
  enrollmentScope?: EnrollmentScope;
  serviceTarget?: string;
  minQuota?: number;
  maxQuota?: number;
  id?: string;
  name?: string;
  from?: string;
  to?: string;
  near?: string;
  radiusKm?: number;
  sort?: ProjectSort;
  page?: number;
  pageSize?: number;
}

export interface Position {
  id: string;
  name: string;
  quota: number;
  requirements: string;
  enrolledCount: number;
}

export interface ProjectDetail extends Omit<ProjectSummary, 'distanceKm'> {
  groupName: string;
  recruitmentOpen: boolean;
  description: string;
  reviewReason: string | null;
  cancelReason: string | null;
  exemptPasswordSet: boolean;
  totalHours: number;
  positions: Position[];
}

export interface MyProject {
  projectId: string;
  projectName: string;
  siteCode: string;
  groupId: string;
  startDate: string;
  endDate: string;
  address: string;
  projectStatus: string;
  positionId: string;
  positionName: string;
  status: EnrollmentStatus;
  via: 'application' | 'exempt_password';
  reason: string | null;
  appliedAt: string;
  decidedAt: string | null;
}

export interface Shift {
  id: string;
  projectId: string;
  positionId: string;
  positionName: string;
  startsAt: string;
  endsAt: string;
  capacity: number;
  assigned: number;
}

export interface MyShift {
  shiftId: string;
  projectId: string;
  projectName: string;
  positionName: string;
  address: string;
  startsAt: string;
  endsAt: string;
  checkedInAt: string | null;
  checkedOutAt: string | null;
}

export interface ScanResult {
  shiftId: string;
  kind: ScanKind;
  checkedInAt: string;
  checkedOutAt: string | null;
}

export interface Discussion {
  id: string;
  body: string;
  authorType?: 'person' | 'group';
  authorName?: string | null;
  createdAt: string;
}

export interface PublicHour {
  id: string;
  volunteerName: string;
  volunteerNumber: string | null;
  serviceDate: string;
  startTime: string;
  endTime: string;
  hours: number;
}

export interface MyHour {
  id: string;
  siteCode: string;
  projectId: string;
  projectName: string;
  serviceDate: string;
  startTime: string;
  endTime: string;
  hours: number;
  note: string | null;
  status: HourStatus;
  ineffectiveReason: string | null;
  deletedAt: string | null;
  deletedReason: string | null;
}

export interface Summary {
  totalHours: number;
  stars: number;
  groups: number;
  projects: number;
}

/** GET /me/home: the volunteer home page in one call. */
export interface VolunteerHome {
  totalHours: number;
  stars: number;
  groupCount: number;
  projectCount: number;
  groups: { groupId: string; groupName: string; siteCode: string }[];
  projects: { projectId: string; projectName: string; siteCode: string; positionName: string; startDate: string; endDate: string; projectStatus: ProjectStatus }[];
  recentHours: Pick<MyHour, 'id' | 'projectId' | 'projectName' | 'serviceDate' | 'startTime' | 'endTime' | 'hours'>[];
  evaluations: {
    items: Pick<MyEvaluation, 'projectId' | 'projectName' | 'groupId' | 'groupName' | 'rating' | 'comment' | 'updatedAt'>[];
    averageRating: number | null;
    total: number;
  };
}

export interface HourReport {
  id: string;
  recordId: string;
  projectId: string;
  projectName: string;
  serviceDate: string;
  startTime: string;
  endTime: string;
  hours: number;
  volunteerName: string;
  reason: string;
  status: 'pending' | 'upheld' | 'rejected';
  outcome: string | null;
  decidedAt: string | null;
  createdAt: string;
}

export interface HourCorrection {
  id: string;
  record: { id: string; projectId: string; projectName: string; serviceDate: string; startTime: string; endTime: string; hours: number; status: string };
  proposed: { serviceDate?: string; startTime?: string; endTime?: string; hours?: number };
  reason: string;
  status: 'pending' | 'accepted' | 'rejected';
  decisionReason: string | null;
  decidedAt: string | null;
  createdAt: string;
}

export interface CorrectionBody {
  reason: string;
  serviceDate?: string;
  startTime?: string;
  endTime?: string;
  hours?: number;
}

const enc = encodeURIComponent;
const p = (id: string) => `/projects/${enc(id)}`;
const anonymous = { signedOutOn401: false } as const;

export const projectsApi = {
  search: (query: ProjectSearchQuery) => api.get<Page<ProjectSummary> & { totalCapped: boolean }>('/projects', { query: { ...query }, ...anonymous }),
  detail: (id: string) => api.get<ProjectDetail>(p(id), anonymous),
  enrol: (id: string, positionId: string, exemptPassword?: string) =>
    api.post<{ status: 'pending' | 'enrolled' }>(`${p(id)}/enrollments`, exemptPassword ? { positionId, exemptPassword } : { positionId }),
  cancelEnrolment: (id: string) => api.delete(`${p(id)}/enrollments/me`),
  myProjects: (query: { status: EnrollmentStatus; page?: number; pageSize?: number }) => api.get<Page<MyProject>>('/me/projects', { query }),
  myLimits: (siteCode?: string) => api.get<{ siteCode: string; used: number; limit: number }>('/me/projects/limits', { query: { siteCode } }),

  shifts: (id: string) => api.get<Items<Shift>>(`${p(id)}/shifts`, anonymous),
  pickShift: (shiftId: string) => api.post<void>(`/shifts/${enc(shiftId)}/assignments/me`),
  dropShift: (shiftId: string) => api.delete(`/shifts/${enc(shiftId)}/assignments/me`),
  mySchedule: () => api.get<Items<MyShift>>('/me/schedule'),
  scheduleIcsUrl: '/api/v1/me/schedule.ics',
  scan: (body: { token: string; lat?: number; lng?: number }) => api.post<ScanResult>('/attendance/scan', body),

  discussions: (id: string, query: { page?: number; pageSize?: number }) =>
    api.get<Page<Discussion>>(`${p(id)}/discussions`, { query, ...anonymous }),
  postDiscussion: (id: string, body: string) => api.post<{ id: string }>(`${p(id)}/discussions`, { body }),

  publicHours: (id: string, query: { page?: number; pageSize?: number }) =>
    api.get<Page<PublicHour>>(`${p(id)}/hours`, { query, ...anonymous }),
  report: (hourId: string, reason: string) => api.post<{ id: string; status: string }>(`/hours/${enc(hourId)}/reports`, { reason }),
  requestCorrection: (hourId: string, body: CorrectionBody) =>
    api.post<{ id: string; status: string }>(`/hours/${enc(hourId)}/corrections`, body),
  myHours: (query: { status: HourStatus; page?: number; pageSize?: number }) => api.get<Page<MyHour>>('/me/hours', { query }),
  summary: () => api.get<Summary>('/me/summary'),
  home: () => api.get<VolunteerHome>('/me/home'),
  myReports: (query: { page?: number; pageSize?: number } = {}) => api.get<Page<HourReport>>('/me/hour-reports', { query }),
  myCorrections: (query: { page?: number; pageSize?: number } = {}) => api.get<Page<HourCorrection>>('/me/hour-corrections', { query }),
};
