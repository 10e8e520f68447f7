import type { Kysely } from 'kysely';
import type { DB } from './database/schema.js';
import { uuidv7 } from './ids.js';

export interface AuditEntry {
  actor?: { id: string; username: string } | null;
  action: string;
  target?: { type: string; id: string } | null;
  siteCode?: string | null;
  ip?: string | null;
  outcome: 'success' | 'failure' | 'denied';
  /** Never put passwords, codes, tokens, ID-card or phone numbers here. */
  detail?: Record<string, unknown>;
}

/** The row audit() inserts; for callers that write it inside a larger statement (a data-modifying CTE). */
export const auditRow = (entry: AuditEntry, at: Date) => ({
  id: uuidv7(at.getTime()),
  at,
  actor_id: entry.actor?.id ?? null,
  actor_username: entry.actor?.username ?? null,
  action: entry.action,
  target_type: entry.target?.type ?? null,
  target_id: entry.target?.id ?? null,
  site_code: entry.siteCode ?? null,
  ip: entry.ip ?? null,
  outcome: entry.outcome,
  detail: JSON.stringify(entry.detail ?? {}),
});

/** Appends to the audit log; pass the transaction when the audited change is part of one. */
export async function audit(db: Kysely<DB>, entry: AuditEntry, at = new Date()): Promise<void> {
  await db.insertInto('audit_log').values(auditRow(entry, at)).execute();
}

/** Appends several entries in one INSERT (batch jobs); same rules as audit(). */
export async function auditMany(db: Kysely<DB>, entries: AuditEntry[], at = new Date()): Promise<void> {
  if (entries.length === 0) return;
  await db.insertInto('audit_log').values(entries.map((entry) => auditRow(entry, at))).execute();
}
