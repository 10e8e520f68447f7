import type { FormInstance } from 'antd';
import { ApiError } from '../api/client';

export interface ProblemMapping {
  /** Form field names that may receive a message. */
  fields: readonly string[];
  /** API field name → form field name, where they differ. */
  aliases?: Record<string, string>;
  /** Problem code → form field, for problems that carry no `errors` list. */
  codeFields?: Record<string, string>;
}

/**
 * Puts the server's field-level problems on the matching form fields.
 * Returns true when at least one field got a message.
 */
export function applyProblemToForm(form: FormInstance, err: unknown, mapping: ProblemMapping): boolean {
  if (!(err instanceof ApiError)) return false;
  const { problem } = err;
  const allowed = new Set(mapping.fields);
  const byField = new Map<string, string[]>();
  const add = (name: string, message: string) => {
    const list = byField.get(name) ?? [];
    if (!list.includes(message)) list.push(message);
    byField.set(name, list);
  };
  for (const item of problem.errors ?? []) {
    const raw = String(item.field ?? '')
      .replace(/^[/#]+/, '')
      .replace(/^body[./]/, '')
      .replace(/[/]/g, '.');
    const base = raw.split(/[.[]/)[0] ?? raw;
    const name = mapping.aliases?.[raw] ?? mapping.aliases?.[base] ?? (allowed.has(raw) ? raw : base);
    if (!allowed.has(name)) continue;
    add(name, item.message ?? problem.title);
  }
  const codeField = mapping.codeFields?.[problem.code];
  if (codeField && !byField.has(codeField)) add(codeField, problem.title);
  if (byField.size === 0) return false;
  form.setFields([...byField].map(([name, errors]) => ({ name, errors })));
  const first = [...byField.keys()][0];
  if (first) form.scrollToField(first, { block: 'center', behavior: 'smooth' });
  return true;
}
