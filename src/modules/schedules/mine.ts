import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import { requireAccount } from '../../platform/auth-guard.js';

export interface MyShift {
  shiftId: string; projectId: string; projectName: string; positionName: string; address: string;
  startsAt: string; endsAt: string; checkedInAt: string | null; checkedOutAt: string | null;
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/** The signed-in volunteer's shifts across sites, earliest first. */
export async function mySchedule(ctx: AppContext, request: FastifyRequest): Promise<{ items: MyShift[] }> {
  const account = requireAccount(request, 'volunteer');
  const rows = await ctx.db.selectFrom('shift_assignments as a')
    .innerJoin('shifts as s', (j) => j.onRef('s.site_code', '=', 'a.site_code').onRef('s.id', '=', 'a.shift_id'))
    .innerJoin('projects as p', (j) => j.onRef('p.site_code', '=', 's.site_code').onRef('p.id', '=', 's.project_id'))
    .innerJoin('positions as pos', (j) => j.onRef('pos.site_code', '=', 's.site_code').onRef('pos.project_id', '=', 's.project_id').onRef('pos.id', '=', 's.position_id'))
    .leftJoin('attendance as t', (j) => j.onRef('t.site_code', '=', 'a.site_code').onRef('t.shift_id', '=', 'a.shift_id').onRef('t.account_id', '=', 'a.account_id'))
    .select(['a.shift_id', 'p.id as project_id', 'p.name as project_name', 'pos.name as position_name', 'p.address', 'a.starts_at', 'a.ends_at',
      't.checked_in_at', 't.checked_out_at'])
    .where('a.account_id', '=', account.id)
    .orderBy('a.starts_at').limit(500).execute();
  return {
    items: rows.map((r) => ({
      shiftId: r.shift_id, projectId: r.project_id, projectName: r.project_name, positionName: r.position_name, address: r.address,
      startsAt: iso(r.starts_at)!, endsAt: iso(r.ends_at)!, checkedInAt: iso(r.checked_in_at), checkedOutAt: iso(r.checked_out_at),
    })),
  };
}

/** RFC 5545 TEXT escaping: backslash, semicolon, comma and newlines. */
export function escapeText(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

/** Folds a content line at 75 octets (UTF-8), never inside a character; continuation lines start with a space. */
export function foldLine(line: string): string {
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  for (const ch of line) {
    const size = Buffer.byteLength(ch);
    const limit = parts.length === 0 ? 75 : 74; // the leading space counts
    if (octets + size > limit) {
      parts.push(current);
      current = '';
      octets = 0;
    }
    current += ch;
    octets += size;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

const utc = (iso: string) => iso.replace(/[-:]/g, '').replace(/\.\d{3}/, '');

export function toICalendar(items: MyShift[], now: Date, calendarName: string): string {
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Zhiyuan//Schedule//ZH', 'CALSCALE:GREGORIAN', 'METHOD:PUBLISH',
    `X-WR-CALNAME:${escapeText(calendarName)}`];
  const stamp = utc(now.toISOString());
  for (const s of items) {
    lines.push('BEGIN:VEVENT', `UID:${s.shiftId}@zhiyuan`, `DTSTAMP:${stamp}`, `DTSTART:${utc(s.startsAt)}`, `DTEND:${utc(s.endsAt)}`,
      `SUMMARY:${escapeText(`${s.projectName}（${s.positionName}）`)}`, `LOCATION:${escapeText(s.address)}`, 'END:VEVENT');
  }
  lines.push('END:VCALENDAR');
  return lines.map(foldLine).join('\r\n') + '\r\n';
}
