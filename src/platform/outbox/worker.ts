import { sql } from 'kysely';
import { startPoller } from '../poller.js';
import type { AppContext } from '../context.js';
import type { OutboxChannel } from '../database/schema.js';
import { decryptContent, scrubReason } from './outbox.js';
import { DeliveryError, type Transport, type Transports } from './delivery.js';
import { createTransports } from './transports.js';
import { TEMPLATE_KEYS, templateChannels } from './templates.js';

/**
 * Delivery. A pass claims due messages, hands each to the transport of its channel and records the result:
 *
 *   claim:   UPDATE … SET status='sending', attempts=attempts+1, next_attempt_at=now+lease
 *            WHERE id IN (SELECT id … WHERE status IN ('pending','sending') AND next_attempt_at <= now
 *                         ORDER BY next_attempt_at LIMIT n FOR UPDATE SKIP LOCKED) RETURNING …
 *   success: status='sent', sent_at, transport, provider_id
 *   failure: retryable and attempts < MAX_ATTEMPTS → status='pending', next_attempt_at = now + RETRY_DELAYS_MS[attempts-1];
 *            otherwise status='failed'; last_error is the (scrubbed) reason either way.
 *
 * While a row is 'sending', next_attempt_at is the end of the claim: a worker that dies mid-delivery leaves the
 * row to be claimed again after SENDING_LEASE_MS (so a message may, rarely, be delivered twice; never lost).
 * Results are written only while the claim still holds (same attempts count, still 'sending').
 * Several servers can run workers on one database: SKIP LOCKED gives each its own rows. No sequences,
 * advisory locks or LISTEN/NOTIFY; time comes from ctx.now(), so tests move a clock instead of sleeping.
 */

export const MAX_ATTEMPTS = 5;
/** Wait after the 1st, 2nd, 3rd and 4th failed attempt; the 5th failure is final (≈ 13 minutes in all). */
export const RETRY_DELAYS_MS = [10_000, 30_000, 2 * 60_000, 10 * 60_000];
export const SENDING_LEASE_MS = 5 * 60_000;
/** Sent and failed messages are deleted this long after they were written. */
export const RETENTION_DAYS = 30;

type WorkerContext = Pick<AppContext, 'db' | 'cipher' | 'now' | 'log'>;

export interface DeliveryPass {
  claimed: number;
  sent: number;
  retried: number;
  failed: number;
}

interface ClaimedRow {
  id: string;
  channel: OutboxChannel;
  template: string;
  to_enc: string;
  content_enc: string;
  attempts: number;
}

async function claimDue(ctx: WorkerContext, batchSize: number): Promise<ClaimedRow[]> {
  const now = ctx.now();
  // A claim that lapsed on the last allowed attempt is not tried again: it failed.
  await ctx.db
    .updateTable('outbox_messages')
    .set({ status: 'failed', last_error: 'delivery interrupted (worker stopped during the last attempt)', updated_at: now })
    .where('status', '=', 'sending')
    .where('next_attempt_at', '<=', now)
    .where('attempts', '>=', MAX_ATTEMPTS)
    .execute();
  const due = ctx.db
    .selectFrom('outbox_messages')
    .select('id')
    .where('status', 'in', ['pending', 'sending'])
    .where('next_attempt_at', '<=', now)
    .where('attempts', '<', MAX_ATTEMPTS)
    .orderBy('next_attempt_at')
    .limit(batchSize)
    .forUpdate()
    .skipLocked();
  return ctx.db
    .updateTable('outbox_messages')
    .set({
      status: 'sending',
      attempts: sql<number>`attempts + 1`,
      next_attempt_at: new Date(now.getTime() + SENDING_LEASE_MS),
      updated_at: now,
    })
    .where('id', 'in', due)
    .returning(['id', 'channel', 'template', 'to_enc', 'content_enc', 'attempts'])
    .execute();
}

type Outcome = 'sent' | 'retried' | 'failed';

async function deliverOne(ctx: WorkerContext, transports: Transports, row: ClaimedRow): Promise<Outcome> {
  const transport: Transport = transports[row.channel];
  const held = (now: Date) => ctx.db
    .updateTable('outbox_messages')
    .where('id', '=', row.id)
    .where('status', '=', 'sending')
    .where('attempts', '=', row.attempts)
    .set({ updated_at: now, transport: transport.name });
  const meta = { outboxId: row.id, channel: row.channel, template: row.template, transport: transport.name, attempt: row.attempts };
  try {
    let to: string;
    let content;
    try {
      to = ctx.cipher.decrypt(row.to_enc);
      content = decryptContent(ctx.cipher, row.content_enc);
    } catch {
      throw new DeliveryError('the message cannot be decrypted with the current DATA_KEY', false);
    }
    const { providerId } = await transport.send({ id: row.id, channel: row.channel, template: row.template, to, content });
    const now = ctx.now();
    await held(now).set({ status: 'sent', sent_at: now, provider_id: providerId, last_error: null }).execute();
    ctx.log.info({ ...meta, outcome: 'sent' }, 'outbox message delivered');
    return 'sent';
  } catch (error) {
    const reason = scrubReason(error instanceof Error ? error.message : String(error)) || 'unknown error';
    const retryable = !(error instanceof DeliveryError) || error.retryable;
    const now = ctx.now();
    if (retryable && row.attempts < MAX_ATTEMPTS) {
      const delay = RETRY_DELAYS_MS[Math.min(row.attempts, RETRY_DELAYS_MS.length) - 1];
      const nextAttemptAt = new Date(now.getTime() + delay);
      await held(now).set({ status: 'pending', next_attempt_at: nextAttemptAt, last_error: reason }).execute();
      ctx.log.warn({ ...meta, outcome: 'retry', reason, nextAttemptAt: nextAttemptAt.toISOString() }, 'outbox delivery failed, will retry');
      return 'retried';
    }
    await held(now).set({ status: 'failed', last_error: reason }).execute();
    ctx.log.error({ ...meta, outcome: 'failed', reason }, 'outbox delivery failed for good');
    return 'failed';
  }
}

/** One delivery pass: claims up to `batchSize` due messages and delivers them, `concurrency` at a time. */
export async function deliverDue(
  ctx: WorkerContext,
  transports: Transports,
  options: { batchSize?: number; concurrency?: number } = {},
): Promise<DeliveryPass> {
  const rows = await claimDue(ctx, options.batchSize ?? 20);
  const pass: DeliveryPass = { claimed: rows.length, sent: 0, retried: 0, failed: 0 };
  let next = 0;
  const lane = async () => {
    while (next < rows.length) {
      const outcome = await deliverOne(ctx, transports, rows[next++]);
      pass[outcome] += 1;
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 4, rows.length) }, lane));
  return pass;
}

/** Deletes sent and failed messages written more than RETENTION_DAYS ago. */
export async function purgeOutbox(ctx: Pick<AppContext, 'db' | 'now'>): Promise<number> {
  const before = new Date(ctx.now().getTime() - RETENTION_DAYS * 86_400_000);
  const result = await ctx.db
    .deleteFrom('outbox_messages')
    .where('created_at', '<', before)
    .where('status', 'in', ['sent', 'failed'])
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export interface OutboxWorkerOptions {
  /** Pause between passes when there was nothing more to do. */
  intervalMs?: number;
  batchSize?: number;
  transports?: Transports;
}

/**
 * Polls the outbox until stopped. A full batch is followed at once by another pass; errors are logged and
 * never leave the loop. The returned function stops polling and resolves once the current pass is done
 * (call it before closing the database).
 */
export function startOutboxWorker(ctx: WorkerContext & Pick<AppContext, 'config'>, options: OutboxWorkerOptions = {}): () => Promise<void> {
  const intervalMs = options.intervalMs ?? 2_000;
  const batchSize = options.batchSize ?? 20;
  const transports = options.transports ?? createTransports(ctx.config);
  ctx.log.info({ email: transports.email.name, sms: transports.sms.name }, 'outbox worker started');
  if (transports.sms.name === 'sms-gateway') {
    const missing = TEMPLATE_KEYS.filter((key) => templateChannels(key).includes('sms') && !ctx.config.smsTemplateCodes[key]);
    if (missing.length > 0) ctx.log.warn({ templates: missing }, 'SMS_TEMPLATE_CODES names no vendor template for these SMS templates: such messages will fail');
  }
  if (ctx.config.production) {
    for (const channel of ['email', 'sms'] as const) {
      if (transports[channel].name === 'outbox-only') ctx.log.warn({ channel }, 'no transport configured: messages stay in the outbox and reach nobody');
    }
  }

  let lastPurge = 0;
  const stop = startPoller(async () => {
    try {
      const result = await deliverDue(ctx, transports, { batchSize });
      const now = ctx.now().getTime();
      if (now - lastPurge > 3_600_000) {
        lastPurge = now;
        const purged = await purgeOutbox(ctx);
        if (purged > 0) ctx.log.info({ purged }, 'outbox: old messages deleted');
      }
      return { busy: result.claimed === batchSize };
    } catch (error) {
      ctx.log.warn({ reason: scrubReason(error instanceof Error ? error.message : String(error)) }, 'outbox pass failed');
      return { busy: false };
    }
  }, intervalMs);

  return async () => {
    await stop();
    transports.email.close?.();
    transports.sms.close?.();
  };
}
