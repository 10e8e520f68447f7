import { Alert, Button, Card, Flex, Form, Input, Modal, Segmented, Tag, type FormInstance } from 'antd';
import { useState, type ReactNode } from 'react';
import { ApiError, errorTitle } from '../../api/client';
import { commonText } from '../../shared/text';
import { fieldCodeText, pc, rowCodeText } from './text';

const CHINA = 'Asia/Shanghai';

function parts(iso: string): Record<string, string> {
  const out: Record<string, string> = {};
  const fmt = new Intl.DateTimeFormat('en-CA', {
    timeZone: CHINA, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  });
  for (const p of fmt.formatToParts(new Date(iso))) out[p.type] = p.value;
  return out;
}

/** YYYY-MM-DD of an instant, China time. */
export function chinaDate(iso: string): string {
  const p = parts(iso);
  return `${p.year}-${p.month}-${p.day}`;
}

/** HH:MM of an instant, China time. */
export function chinaTime(iso: string): string {
  const p = parts(iso);
  return `${p.hour}:${p.minute}`;
}

/** "MM-DD HH:MM", China time; "—" for none. */
export function shortDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const p = parts(iso);
  return `${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** The instant of a China date and HH:MM. */
export function chinaInstant(date: string, time: string): string {
  return new Date(`${date}T${time}:00+08:00`).toISOString();
}

/** Today in China, YYYY-MM-DD. */
export function chinaToday(): string {
  return chinaDate(new Date().toISOString());
}

/** "09:00–12:00" with "次日" when the shift ends on a later China day. */
export function shiftSpan(startsAt: string, endsAt: string): string {
  const nextDay = chinaDate(endsAt) !== chinaDate(startsAt);
  return `${chinaTime(startsAt)}–${nextDay ? '次日' : ''}${chinaTime(endsAt)}`;
}

export function StatusTag({ map, status }: { map: Record<string, { label: string; color: string }>; status: string }) {
  const s = map[status];
  return (
    <Tag color={s?.color ?? 'default'} data-testid="status-tag" data-status={status}>
      {s?.label ?? status}
    </Tag>
  );
}

/** A status filter whose options are the keys of a status text map, in its order. */
export function StatusFilter<S extends string>({
  map,
  value,
  label,
  onChange,
  testId,
}: {
  map: Record<S, { label: string }>;
  value: S;
  label: string;
  onChange: (status: S) => void;
  testId?: string;
}) {
  return (
    <Segmented<S>
      aria-label={label}
      value={value}
      onChange={onChange}
      options={(Object.keys(map) as S[]).map((s) => ({ value: s, label: map[s].label }))}
      data-testid={testId}
    />
  );
}

/** One row of a review list: the facts on the left, the pending item's buttons on the right. */
export function ItemCard({
  testId,
  basis,
  attrs,
  actions,
  children,
}: {
  testId: string;
  /** flex-basis of the facts column, where it wraps above the buttons. */
  basis: string;
  attrs?: Record<`data-${string}`, string>;
  actions?: ReactNode;
  children: ReactNode;
}) {
  return (
    <Card size="small" style={{ marginBottom: 8 }} data-testid={testId} {...attrs}>
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Flex vertical style={{ minWidth: 0, flex: `1 1 ${basis}` }}>
          {children}
        </Flex>
        {actions ? <Flex gap={8}>{actions}</Flex> : null}
      </Flex>
    </Card>
  );
}

/** Load error of a pane: the server's title, and a retry button. */
export function LoadError({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  if (!error) return null;
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      data-testid="load-error"
      title={errorTitle(error)}
      action={onRetry ? <Button size="small" onClick={onRetry}>{commonText.retry}</Button> : undefined}
      style={{ marginBottom: 12 }}
    />
  );
}

/** Asks for a reason (reject, delete, cancel) and runs `onSubmit` with it; the server's refusal shows in the dialog. */
export function ReasonModal({
  open,
  title,
  label = pc.reason,
  okText,
  danger,
  required = true,
  extra,
  onCancel,
  onSubmit,
}: {
  open: boolean;
  title: string;
  label?: string;
  okText?: string;
  danger?: boolean;
  required?: boolean;
  extra?: ReactNode;
  onCancel: () => void;
  onSubmit: (reason: string) => Promise<void>;
}) {
  const [form] = Form.useForm<{ reason: string }>();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  return (
    <Modal
      open={open}
      title={title}
      onCancel={() => {
        setFailure(null);
        onCancel();
      }}
      okText={okText ?? '确定'}
      cancelText={pc.cancel}
      confirmLoading={busy}
      destroyOnHidden
      okButtonProps={{ danger, ...({ 'data-testid': 'reason-ok' } as object) }}
      onOk={async () => {
        const v = await form.validateFields();
        setBusy(true);
        setFailure(null);
        try {
          await onSubmit((v.reason ?? '').trim());
          form.resetFields();
        } catch (err) {
          setFailure(errorTitle(err));
        } finally {
          setBusy(false);
        }
      }}
    >
      {extra}
      {failure && <Alert type="error" showIcon title={failure} style={{ marginBottom: 12 }} data-testid="reason-problem" />}
      <Form form={form} layout="vertical">
        <Form.Item name="reason" label={label} rules={required ? [{ required: true, whitespace: true, message: pc.reasonRequired }] : []}>
          <Input.TextArea rows={3} maxLength={500} placeholder={pc.reasonPlaceholder} data-testid="reason-input" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** A problem's row list as table rows: (row, column, message). Batches name `records[3].hours`, files give `row`. */
export function rowProblems(err: unknown, columnNames: Record<string, string>): { key: string; row: number | null; column: string; message: string }[] {
  if (!(err instanceof ApiError)) return [];
  const list = (err.problem.errors ?? []) as { row?: number; field?: string; code: string; message?: string }[];
  return list.map((e, i) => {
    const m = /^(?:records|attendanceIds)\[(\d+)\]\.?(\w*)/.exec(e.field ?? '');
    const row = typeof e.row === 'number' ? e.row : m ? Number(m[1]) + 1 : null;
    const field = m ? m[2] ?? '' : e.field ?? '';
    return {
      key: String(i),
      row,
      column: columnNames[field] ?? field,
      message: e.message ?? rowCodeText[e.code] ?? e.code,
    };
  });
}

/**
 * Puts the server's field problems (`positions.0.name`, `regionCode`…) on a form, with Chinese text for their codes.
 * `aliases` maps an API field to a form field; fields not in `fields` are left to the page's alert. True when one landed.
 */
export function applyFieldProblems(
  form: FormInstance,
  err: unknown,
  fields: readonly string[],
  aliases: Record<string, string> = {},
): boolean {
  if (!(err instanceof ApiError)) return false;
  const byName = new Map<string, { name: (string | number)[]; errors: string[] }>();
  for (const e of err.problem.errors ?? []) {
    const raw = String(e.field ?? '').replace(/^\/+/, '').replace(/\//g, '.').replace(/\[(\d+)\]/g, '.$1');
    const aliased = aliases[raw] ?? aliases[raw.split('.')[0] ?? ''] ?? raw;
    const name = aliased.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part));
    if (!fields.includes(String(name[0]))) continue;
    const text = fieldCodeText[e.code] ?? rowCodeText[e.code] ?? e.message ?? err.problem.title;
    const key = name.join('.');
    const entry = byName.get(key) ?? { name, errors: [] };
    if (!entry.errors.includes(text)) entry.errors.push(text);
    byName.set(key, entry);
  }
  if (byName.size === 0) return false;
  form.setFields([...byName.values()]);
  const first = [...byName.values()][0];
  if (first) form.scrollToField(first.name, { block: 'center', behavior: 'smooth' });
  return true;
}
