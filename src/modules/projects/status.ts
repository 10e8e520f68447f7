import { Type } from 'typebox';
import type { StoredProjectStatus } from '../../platform/database/schema-projects.js';

export type ProjectStatus = 'pending_review' | 'recruiting' | 'in_progress' | 'finished' | 'cancelled' | 'rejected';
export const PROJECT_STATUS_SCHEMA = Type.Union([Type.Literal('pending_review'), Type.Literal('recruiting'), Type.Literal('in_progress'),
  Type.Literal('finished'), Type.Literal('cancelled'), Type.Literal('rejected')]);

/** Today's date in China time ('YYYY-MM-DD'); project dates are China calendar days. */
export const chinaToday = (now: Date) => new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

/** The China wall-clock time of an instant, 'HH:MM' (service records show their times so). */
export const chinaClock = (at: Date | string) => new Date(new Date(at).getTime() + 8 * 3_600_000).toISOString().slice(11, 16);

/**
 * The status people see. Only review and cancellation are stored; a published project is recruiting before its
 * start date, in progress from its start to its end date and finished after it, read from the date so nothing
 * has to move it at midnight.
 */
export function projectStatus(stored: StoredProjectStatus, startDate: string, endDate: string, today: string): ProjectStatus {
  if (stored !== 'recruiting') return stored;
  if (today < startDate) return 'recruiting';
  return today <= endDate ? 'in_progress' : 'finished';
}

/** Whether a string is a real calendar date 'YYYY-MM-DD'. */
export function isDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === value;
}

/** Mainland China's rough bounding box, to catch swapped or mistyped coordinates. */
export const inChina = (p: { lat: number; lng: number }) => p.lat >= 18 && p.lat <= 54 && p.lng >= 73 && p.lng <= 135;
