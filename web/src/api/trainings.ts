// Training (培训), online course (在线课程) and online exam (在线考试) calls; shapes follow src/modules/trainings/routes.ts.
import { api } from './client';
import type { Page } from './types';

export type TrainingKind = 'offline' | 'course' | 'exam';
export type QuestionType = 'single' | 'multiple' | 'true_false';
export type AttemptStatus = 'open' | 'passed' | 'failed' | 'expired';

export interface Provider {
  type: 'group' | 'platform';
  groupId: string | null;
  name: string;
}

export interface ExamRules {
  questionCount: number;
  timeLimitMinutes: number;
  passMark: number;
  maxAttempts: number;
  retakeAfterHours: number;
}

export interface TrainingSummary {
  id: string;
  kind: TrainingKind;
  siteCode: string;
  title: string;
  description: string;
  provider: Provider;
  regionCode: string | null;
  startsAt: string | null;
  endsAt: string | null;
  address: string | null;
  capacity: number | null;
  registeredCount: number | null;
  pageCount: number | null;
  exam: ExamRules | null;
  createdAt: string;
}

export interface AttemptBrief {
  id: string;
  status: AttemptStatus;
  startedAt: string;
  finishedAt: string | null;
  score: number | null;
}

export interface MyStanding {
  completedAt: string | null;
  score: number | null;
  registered: boolean | null;
  attended: boolean | null;
  pagesRead: number[] | null;
  attempts: AttemptBrief[] | null;
  nextAttempt: { allowed: boolean; code: string | null; at: string | null } | null;
}

export interface TrainingDetail extends TrainingSummary {
  pages: { n: number; title: string }[];
  mine: MyStanding | null;
}

export interface CoursePage {
  trainingId: string;
  n: number;
  pageCount: number;
  title: string;
  body: string;
}

export interface Progress {
  trainingId: string;
  pageCount: number;
  pagesRead: number[];
  completed: boolean;
  completedAt: string | null;
}

export interface AttemptQuestion {
  id: string;
  type: QuestionType;
  text: string;
  options: string[];
  chosen: number[] | null;
  correct: boolean | null;
}

export interface Attempt {
  id: string;
  trainingId: string;
  title: string;
  status: AttemptStatus;
  startedAt: string;
  expiresAt: string;
  finishedAt: string | null;
  questionCount: number;
  passMark: number;
  score: number | null;
  correctCount: number | null;
  passed: boolean | null;
  questions: AttemptQuestion[];
}

export interface MyTraining {
  trainingId: string;
  kind: TrainingKind;
  title: string;
  provider: Provider;
  completedAt: string;
  score: number | null;
}

export interface Registration {
  accountId: string;
  name: string;
  volunteerNumber: string | null;
  registeredAt: string;
  attended: boolean | null;
}

export interface TrainingQuery {
  siteCode?: string;
  kind?: TrainingKind;
  groupId?: string;
  upcoming?: boolean;
  page?: number;
  pageSize?: number;
}

export interface NewTraining {
  kind: TrainingKind;
  title: string;
  siteCode?: string;
  regionCode?: string;
  description?: string;
  startsAt?: string;
  endsAt?: string;
  address?: string;
  capacity?: number;
  pages?: { title: string; body: string }[];
  questions?: { type: QuestionType; text: string; options?: string[]; answer: number[] }[];
  questionCount?: number;
  timeLimitMinutes?: number;
  passMark?: number;
  maxAttempts?: number;
  retakeAfterHours?: number;
}

const enc = encodeURIComponent;
const t = (id: string) => `/trainings/${enc(id)}`;
const anonymous = { signedOutOn401: false } as const;

export const trainingsApi = {
  list: (query: TrainingQuery) => api.get<Page<TrainingSummary>>('/trainings', { query: { ...query, upcoming: query.upcoming ? 'true' : undefined }, ...anonymous }),
  detail: (id: string) => api.get<TrainingDetail>(t(id), anonymous),
  create: (body: NewTraining) => api.post<{ id: string; kind: TrainingKind }>('/trainings', body),
  register: (id: string) => api.post<{ trainingId: string; registeredAt: string }>(`${t(id)}/registrations`),
  cancelRegistration: (id: string) => api.delete(`${t(id)}/registrations/me`),
  registrations: (id: string) => api.get<{ items: Registration[]; total: number; capacity: number }>(`${t(id)}/registrations`),
  attendance: (id: string, accountIds: string[], attended: boolean) =>
    api.post<{ updated: number; attended: boolean }>(`${t(id)}/attendance`, { accountIds, attended }),
  page: (id: string, n: number) => api.get<CoursePage>(`${t(id)}/pages/${n}`, anonymous),
  markRead: (id: string, page: number) => api.post<Progress>(`${t(id)}/progress`, { page }),
  startAttempt: (id: string) => api.post<Attempt>(`${t(id)}/attempts`),
  attempt: (attemptId: string) => api.get<Attempt>(`/attempts/${enc(attemptId)}`),
  submit: (attemptId: string, answers: Record<string, number[]>) => api.post<Attempt>(`/attempts/${enc(attemptId)}/submit`, { answers }),
  mine: (query: { kind?: TrainingKind; page?: number; pageSize?: number }) => api.get<Page<MyTraining>>('/me/trainings', { query }),
};
