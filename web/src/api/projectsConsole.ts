// The group side of projects: publishing, editing, enrolment review, shifts, attendance, service hours, reports and corrections.
// Shapes follow the server's route schemas (src/modules/{projects,enrollments,schedules,service-records,hour-reports,hour-corrections}).
import { API_PREFIX, ApiError, api, request, type Problem } from './client';
import { apiText } from './text';
import type { EnrollmentScope, EnrollmentStatus, HourStatus, LatLng, ProjectDetail, ProjectStatus, ProjectSummary, ScanKind, Shift } from './projects';
import type { Items, Page } from './types';

// The project, position and shift shapes are the same on both sides; they are declared once in ./projects.
export type { EnrollmentScope, EnrollmentStatus, LatLng, ProjectDetail, ProjectStatus, Shift } from './projects';
export type QrKind = ScanKind;
export type RecordStatus = HourStatus;
export type ReportStatus = 'pending' | 'upheld' | 'rejected';
export type CorrectionStatus = 'pending' | 'accepted' | 'rejected';

export interface PositionInput {
  name: string;
  quota: number;
  requirements?: string;
}

export interface PublishBody {
  name: string;
  siteCode: string;
  regionCode: string;
  category: string;
  serviceTarget: string;
  enrollmentScope: EnrollmentScope;
  startDate: string;
  endDate: string;
  recruitFrom?: string;
  recruitTo?: string;
  address: string;
  location?: LatLng;
  description?: string;
  positions: PositionInput[];
  exemptPassword?: string;
}

export type ProjectListItem = Omit<ProjectSummary, 'distanceKm'>;

export interface ProjectPatch {
  description?: string;
  address?: string;
  location?: LatLng | null;
  recruitFrom?: string;
  recruitTo?: string;
  exemptPassword?: string | null;
  positions?: { id: string; quota: number }[];
}

export interface Enrollment {
  accountId: string;
  name: string;
  volunteerNumber: string | null;
  phone: string | null;
  positionId: string;
  positionName: string;
  status: EnrollmentStatus;
  via: 'application' | 'exempt_password';
  reason: string | null;
  appliedAt: string;
  decidedAt: string | null;
}

export interface AttendanceRow {
  accountId: string;
  name: string;
  assignedBy: string;
  checkedInAt: string | null;
  checkedOutAt: string | null;
  checkOutKind: string | null;
  correctionReason: string | null;
  flagged: boolean;
}

export interface ShiftQr {
  token: string;
  kind: QrKind;
  expiresAt: string;
  qrDataUrl: string | null;
}

export interface HourRow {
  volunteerId: string;
  positionId?: string;
  serviceDate: string;
  startTime: string;
  endTime: string;
  hours: number;
  note?: string;
}

export interface ServiceRecord {
  id: string;
  volunteerId: string;
  volunteerName: string;
  volunteerNumber: string | null;
  positionId: string | null;
  serviceDate: string;
  startTime: string;
  endTime: string;
  hours: number;
  status: RecordStatus;
  ineffectiveReason: string | null;
  deletedReason: string | null;
  note: string | null;
  createdAt: string;
}

export interface UnrecordedAttendance {
  attendanceId: string;
  volunteerId: string;
  volunteerName: string;
  volunteerNumber: string | null;
  positionId: string;
  shiftId: string;
  serviceDate: string;
  startTime: string;
  endTime: string;
  hours: number;
  flagged: boolean;
}

export interface Created {
  created: number;
  ids: string[];
}

/** A row problem of an import or a batch: `row` for files, `field` like `records[3].hours` for batches. */
export interface RowProblem {
  row?: number;
  field?: string;
  code: string;
  message?: string;
}

export interface ReportedRecord {
  id: string;
  projectId: string;
  projectName: string;
  serviceDate: string;
  startTime: string;
  endTime: string;
  hours: number;
  status: string;
  deletedReason?: string | null;
  volunteerName?: string;
  volunteerNumber?: string | null;
}

export interface HourReport {
  id: string;
  record: ReportedRecord;
  reporterName: string;
  reason: string;
  status: ReportStatus;
  decisionReason: string | null;
  decidedAt: string | null;
  createdAt: string;
}

export interface HourCorrection {
  id: string;
  record: ReportedRecord;
  proposed: { serviceDate?: string; startTime?: string; endTime?: string; hours?: number };
  reason: string;
  status: CorrectionStatus;
  decisionReason: string | null;
  decidedAt: string | null;
  createdAt: string;
  volunteerName: string;
  volunteerNumber: string | null;
}

const enc = encodeURIComponent;
const p = (id: string) => `/projects/${enc(id)}`;
const s = (id: string) => `/shifts/${enc(id)}`;

/** Sends a body that is not JSON (multipart form, raw image) and reads the JSON answer, with the same problem handling. */
async function sendRaw<T>(method: 'POST' | 'PUT', path: string, body: BodyInit, contentType?: string): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = { Accept: 'application/json, application/problem+json', 'X-Requested-With': 'zhiyuan-web' };
  if (contentType) headers['Content-Type'] = contentType;
  let response: Response;
  try {
    response = await fetch(API_PREFIX + path, { method, headers, body, credentials: 'same-origin' });
  } catch {
    throw new ApiError({ status: 0, code: 'NETWORK_ERROR', title: apiText.network });
  }
  const text = await response.text().catch(() => '');
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!response.ok) {
    const problem = (json && typeof json === 'object' ? json : {}) as Partial<Problem>;
    throw new ApiError({
      ...problem,
      status: response.status,
      code: typeof problem.code === 'string' ? problem.code : `HTTP_${response.status}`,
      title: typeof problem.title === 'string' && problem.title ? problem.title : response.status === 404 ? apiText.notFound : apiText.requestFailed,
      errors: Array.isArray(problem.errors) ? problem.errors : undefined,
    });
  }
  return { status: response.status, body: json as T };
}

export const consoleApi = {
  // Projects
  publish: (body: PublishBody) => api.post<{ id: string; status: ProjectStatus }>('/projects', body),
  groupProjects: (groupId: string, query: { page?: number; pageSize?: number }) =>
    api.get<Page<ProjectListItem>>(`/groups/${enc(groupId)}/projects`, { query }),
  detail: (id: string) => api.get<ProjectDetail>(p(id)),
  update: (id: string, body: ProjectPatch) => api.patch<{ id: string }>(p(id), body),
  cancel: (id: string, reason: string) => api.post<{ id: string; status: ProjectStatus }>(`${p(id)}/cancel`, { reason }),
  uploadCover: (id: string, file: File) => sendRaw<{ coverUrl: string }>('PUT', `${p(id)}/cover`, file, file.type || 'application/octet-stream'),
  removeCover: (id: string) => api.delete(`${p(id)}/cover`),
  coverUrl: (id: string) => `${API_PREFIX}${p(id)}/cover`,

  // Enrolments
  enrollments: (id: string, query: { status?: EnrollmentStatus; page?: number; pageSize?: number }) =>
    api.get<Page<Enrollment>>(`${p(id)}/enrollments`, { query }),
  decide: (id: string, accountId: string, body: { decision: 'approve' | 'reject'; reason?: string }) =>
    api.post<{ status: 'enrolled' | 'rejected' }>(`${p(id)}/enrollments/${enc(accountId)}/decision`, body),

  // Shifts and attendance
  shifts: (id: string) => api.get<Items<Shift>>(`${p(id)}/shifts`),
  createShift: (id: string, body: { positionId: string; startsAt: string; endsAt: string; capacity: number }) =>
    api.post<Shift>(`${p(id)}/shifts`, body),
  assign: (shiftId: string, accountId: string) => api.post<void>(`${s(shiftId)}/assignments`, { accountId }),
  unassign: (shiftId: string, accountId: string) => api.delete(`${s(shiftId)}/assignments/${enc(accountId)}`),
  attendance: (shiftId: string) => api.get<Items<AttendanceRow>>(`${s(shiftId)}/attendance`),
  correctCheckOut: (shiftId: string, accountId: string, body: { checkedOutAt: string; reason: string }) =>
    api.post<unknown>(`${s(shiftId)}/attendance/${enc(accountId)}/correction`, body),
  qr: (shiftId: string, kind: QrKind) => api.get<ShiftQr>(`${s(shiftId)}/qr`, { query: { kind } }),

  // Service hours
  records: (id: string, query: { status?: RecordStatus; page?: number; pageSize?: number }) =>
    api.get<Page<ServiceRecord>>(`${p(id)}/service-records`, { query }),
  deleteRecord: (recordId: string, reason: string) => request<void>(`/hours/${enc(recordId)}`, { method: 'DELETE', body: { reason } }),
  recordHours: (id: string, records: HourRow[]) => api.post<Created>(`${p(id)}/hours`, { records }),
  unrecorded: (id: string, query: { from?: string; to?: string }) => api.get<Items<UnrecordedAttendance>>(`${p(id)}/attendance/unrecorded`, { query }),
  fromAttendance: (id: string, attendanceIds: string[]) => api.post<Created>(`${p(id)}/hours/from-attendance`, { attendanceIds }),
  importHours: (id: string, file: File, dryRun: boolean) => {
    const form = new FormData();
    if (dryRun) form.append('dryRun', 'true');
    form.append('file', file);
    return sendRaw<Created | { ok: boolean; rows: number }>('POST', `${p(id)}/hours/import`, form);
  },
  templateUrl: (id: string) => `${API_PREFIX}${p(id)}/hours/template.xlsx`,

  // Reports and corrections
  reports: (groupId: string, query: { status?: ReportStatus; page?: number; pageSize?: number }) =>
    api.get<Page<HourReport>>(`/groups/${enc(groupId)}/hour-reports`, { query }),
  decideReport: (reportId: string, body: { decision: 'uphold' | 'reject'; reason: string }) =>
    api.post<unknown>(`/hour-reports/${enc(reportId)}/decision`, body),
  corrections: (groupId: string, query: { status?: CorrectionStatus; page?: number; pageSize?: number }) =>
    api.get<Page<HourCorrection>>(`/groups/${enc(groupId)}/hour-corrections`, { query }),
  decideCorrection: (correctionId: string, body: { decision: 'accept' | 'reject'; reason?: string }) =>
    api.post<unknown>(`/hour-corrections/${enc(correctionId)}/decision`, body),

  // Discussions (讨论): the organising group's DELETE hides a post from the board.
  discussions: (id: string, query: { page?: number; pageSize?: number }) => api.get<Page<ConsoleDiscussion>>(`${p(id)}/discussions`, { query }),
  hideDiscussion: (discussionId: string) => api.delete(`/discussions/${enc(discussionId)}`),
};

export interface ConsoleDiscussion {
  id: string;
  body: string;
  authorType: 'person' | 'group';
  authorName: string;
  createdAt: string;
}
