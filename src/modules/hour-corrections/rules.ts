import { AppError, type FieldProblem } from '../../platform/errors.js';
import type { ProposedCorrection } from '../../platform/database/schema-record-disputes.js';
import { checkRow, checkVolunteer, type Interval, type ParsedRow } from '../service-records/rules.js';
import { RULE_NAMES, TEXT } from './text.js';
import { chinaClock } from '../projects/status.js';

export interface StoredRecord { service_date: string; start_at: Date; end_at: Date; hours: number; account_id: string }

/** The record as it would be after the correction: absent fields keep the record's value. */
export function merged(record: StoredRecord, p: ProposedCorrection) {
  return {
    volunteerId: record.account_id,
    serviceDate: p.serviceDate ?? record.service_date,
    startTime: p.startTime ?? chinaClock(record.start_at),
    endTime: p.endTime ?? chinaClock(record.end_at),
    hours: p.hours ?? Number(record.hours),
  };
}

/** Problems named by the correction's own field names (serviceDate, hours …), not the batch's records[i]. */
const unprefix = (problems: FieldProblem[]) => problems.map((p) => ({ field: p.field.replace(/^records\[0\]\./, ''), code: p.code }));

export function refuse(problems: FieldProblem[]): never {
  const fixed = unprefix(problems);
  const rules = [...new Set(fixed.map((p) => RULE_NAMES[p.code] ?? p.code))];
  throw new AppError(422, 'CORRECTION_INVALID', `${TEXT.invalid}：${rules.join('；')}`, { errors: fixed });
}

/** The checks that need no other records (format, span, future date, inside the project), as when recording. */
export function checkAlone(record: StoredRecord, p: ProposedCorrection, project: { start_date: string; end_date: string }, today: string): ParsedRow {
  const problems: FieldProblem[] = [];
  const row = checkRow(merged(record, p), 0, project, today, problems);
  if (!row) refuse(problems);
  return row;
}

/** Overlap and the daily cap against the volunteer's other stored records, as when recording. */
export function checkAgainst(others: Interval[], row: ParsedRow) {
  const bad = checkVolunteer(others, [row]).get(0);
  if (bad) refuse([...bad].map((code) => ({ field: code === 'OVERLAP' ? 'startTime' : 'serviceDate', code })));
}
