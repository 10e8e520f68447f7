import { Tag } from 'antd';
import { errorTitle } from '../../api/client';
import { statusText } from './text';

export { formatDate, formatTime, useCategoryNames } from '../groups/common';

/** Hours as recorded, to two decimals at most (1.98 stays 1.98: rounding it to 2.0 would overstate a record). */
export const formatHours = (hours: number | null | undefined) => String(Math.round(Number(hours ?? 0) * 100) / 100);

export function ProjectStatusTag({ status }: { status: string }) {
  const s = statusText[status] ?? { label: status, color: 'default' };
  return (
    <Tag color={s.color} data-testid="project-status" data-status={status} style={{ marginInlineEnd: 0 }}>
      {s.label}
    </Tag>
  );
}

export function LabelTag({ map, value, testId }: { map: Record<string, { label: string; color: string }>; value: string; testId?: string }) {
  const s = map[value] ?? { label: value, color: 'default' };
  return (
    <Tag color={s.color} data-testid={testId} data-status={value} style={{ marginInlineEnd: 0 }}>
      {s.label}
    </Tag>
  );
}

/** A time of day in China (HH:MM) for an ISO instant. */
export function clock(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat('zh-CN', { hour: '2-digit', minute: '2-digit', hour12: false, timeZone: 'Asia/Shanghai' }).format(d);
}

/** "2026-11-28 09:00–11:00" for a shift (the end's date only when it differs). */
export function shiftSpan(startsAt: string, endsAt: string): string {
  const day = (iso: string) =>
    new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: 'Asia/Shanghai' }).format(new Date(iso));
  const endDay = day(endsAt);
  return `${day(startsAt)} ${clock(startsAt)}–${endDay === day(startsAt) ? '' : `${endDay} `}${clock(endsAt)}`;
}

export { errorTitle };

/** A link to 高德地图's marker page (its URI API converts WGS-84 itself and opens the app on phones when installed). */
export function mapLink(lat: number, lng: number, name: string): string {
  return `https://uri.amap.com/marker?position=${lng},${lat}&name=${encodeURIComponent(name)}&coordinate=wgs84&callnative=1`;
}
