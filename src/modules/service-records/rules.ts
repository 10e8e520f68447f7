import type { FieldProblem } from '../../platform/errors.js';
import { UUID_PATTERN } from '../../platform/ids.js';
import { isDate } from '../projects/status.js';
import { MAX_HOURS_PER_DAY } from './text.js';

export interface RecordInput {
  volunteerId: string;
  positionId?: string;
  serviceDate: string;
  startTime: string;
  endTime: string;
  hours: number;
  note?: string;
}

/** A row that passed the checks needing no database: its times resolved to instants. */
export interface ParsedRow {
  index: number;
  input: RecordInput;
  start: number;
  end: number;
}

/** An interval already stored for a volunteer (non-deleted). */
export interface Interval { start: number; end: number; hours: number }

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const TIME = /^([01][0-9]|2[0-3]):([0-5][0-9])$/;
const uuid = new RegExp(UUID_PATTERN);

/** China is UTC+8 all year, so a China calendar day is a fixed UTC window. */
export const chinaInstant = (date: string, time: string) => Date.parse(`${date}T${time}:00+08:00`);
export const chinaDayStart = (ms: number) => Math.floor((ms + 8 * HOUR_MS) / DAY_MS) * DAY_MS - 8 * HOUR_MS;

/**
 * Checks one row on its own. An end time not after the start means the shift crosses midnight and ends the
 * next day (22:00–02:00 is 4 h; 08:00–08:00 is a full 24 h).
 */
export function checkRow(input: RecordInput, index: number, project: { start_date: string; end_date: string }, today: string,
  problems: FieldProblem[]): ParsedRow | null {
  const f = (name: string) => `records[${index}].${name}`;
  const before = problems.length;
  if (!uuid.test(input.volunteerId)) problems.push({ field: f('volunteerId'), code: 'INVALID' });
  if (input.positionId !== undefined && !uuid.test(input.positionId)) problems.push({ field: f('positionId'), code: 'INVALID' });
  if (!isDate(input.serviceDate)) problems.push({ field: f('serviceDate'), code: 'INVALID' });
  else if (input.serviceDate > today) problems.push({ field: f('serviceDate'), code: 'FUTURE_DATE' });
  else if (input.serviceDate < project.start_date || input.serviceDate > project.end_date) problems.push({ field: f('serviceDate'), code: 'OUTSIDE_PROJECT' });
  const startOk = TIME.test(input.startTime);
  const endOk = TIME.test(input.endTime);
  if (!startOk) problems.push({ field: f('startTime'), code: 'INVALID' });
  if (!endOk) problems.push({ field: f('endTime'), code: 'INVALID' });
  const h = input.hours;
  if (!Number.isFinite(h) || h <= 0 || Math.abs(Math.round(h * 100) - h * 100) > 1e-6 || h > 9999) {
    problems.push({ field: f('hours'), code: 'HOURS_INVALID' });
  }
  if (!isDate(input.serviceDate) || !startOk || !endOk) return null;
  const start = chinaInstant(input.serviceDate, input.startTime);
  let end = chinaInstant(input.serviceDate, input.endTime);
  if (end <= start) end += DAY_MS;
  if (Number.isFinite(h) && h > 0 && Math.round(h * 100) > Math.round(((end - start) / HOUR_MS) * 100)) {
    problems.push({ field: f('hours'), code: 'HOURS_EXCEED_SPAN' });
  }
  return problems.length === before ? { index, input, start, end } : null;
}

/**
 * Overlap and the daily cap for one volunteer, against stored records and the rest of the batch. Returns the
 * batch indexes with their codes. A record's hours are shared among the China days its span touches in
 * proportion to the time spent in each, so a shift across midnight counts its parts on each day.
 */
export function checkVolunteer(existing: Interval[], rows: ParsedRow[]): Map<number, Set<string>> {
  const bad = new Map<number, Set<string>>();
  const flag = (index: number, code: string) => {
    let codes = bad.get(index);
    if (!codes) bad.set(index, (codes = new Set()));
    codes.add(code);
  };
  type Item = Interval & { index: number | null };
  const items: Item[] = [
    ...existing.map((e) => ({ ...e, index: null })),
    ...rows.map((r) => ({ start: r.start, end: r.end, hours: r.input.hours, index: r.index })),
  ].sort((a, b) => a.start - b.start);
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length && items[j]!.start < items[i]!.end; j++) {
      // Back-to-back (end == start) is fine; anything more shares time.
      if (items[i]!.index !== null) flag(items[i]!.index!, 'OVERLAP');
      if (items[j]!.index !== null) flag(items[j]!.index!, 'OVERLAP');
    }
  }
  const perDay = new Map<number, { total: number; indexes: number[] }>();
  for (const it of items) {
    const span = it.end - it.start;
    for (let day = chinaDayStart(it.start); day < it.end; day += DAY_MS) {
      const part = Math.min(it.end, day + DAY_MS) - Math.max(it.start, day);
      if (part <= 0) continue;
      let d = perDay.get(day);
      if (!d) perDay.set(day, (d = { total: 0, indexes: [] }));
      d.total += (it.hours * part) / span;
      if (it.index !== null) d.indexes.push(it.index);
    }
  }
  for (const d of perDay.values()) {
    if (d.total > MAX_HOURS_PER_DAY + 1e-6) for (const index of d.indexes) flag(index, 'DAILY_CAP');
  }
  return bad;
}

export const starsFor = (hours: number, thresholds: readonly number[]) => thresholds.filter((t) => hours >= t).length;
