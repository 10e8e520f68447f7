import type { Kysely } from 'kysely';
import type { AppContext } from '../context.js';
import type { DB, OutboxChannel } from '../database/schema.js';
import type { FieldCipher } from '../crypto.js';
import { uuidv7 } from '../ids.js';
import { renderTemplate, type RenderedMessage, type TemplateKey, type TemplateParams } from './templates.js';

/**
 * Writing messages. `enqueueMessage` runs inside the caller's transaction: the message exists if and only if
 * the action that causes it commits. The worker (worker.ts) delivers it later.
 *
 * What is stored: the recipient encrypted (`to_enc`) with a keyed hash for look-ups (`to_lookup`), and the
 * rendered message (subject, body, one-time code, link, SMS vendor variables) as one encrypted JSON document
 * (`content_enc`). Template parameters are not kept in clear: they hold codes, links and names. Rendering at
 * write time also freezes the text, so a template edited later does not change messages already written.
 * Rows are deleted RETENTION_DAYS after they were written (worker.ts).
 */

export type OutboxContext = Pick<AppContext, 'cipher' | 'now'>;

export interface OutboxMessageInput<K extends TemplateKey = TemplateKey> {
  channel: OutboxChannel;
  /** An e-mail address or a mainland mobile number (spaces, dashes, +86 accepted). */
  to: string;
  template: K;
  params: TemplateParams[K];
}

const LOOKUP_KIND = 'outbox_to';

/** The canonical form of an address (lower-case e-mail; 11-digit mobile), or null when it is not one. */
export function normaliseRecipient(channel: OutboxChannel, to: string): string | null {
  if (typeof to !== 'string') return null;
  const value = to.normalize('NFKC').trim();
  if (channel === 'email') {
    const email = value.toLowerCase();
    return email.length <= 254 && /^[^\s@<>()",;:]+@[^\s@<>()",;:]+$/.test(email) ? email : null;
  }
  let digits = value.replace(/[\s-]/g, '');
  if (digits.startsWith('+86')) digits = digits.slice(3);
  else if (digits.startsWith('0086')) digits = digits.slice(4);
  else if (/^86\d{11}$/.test(digits)) digits = digits.slice(2);
  return /^1[3-9]\d{9}$/.test(digits) ? digits : null;
}

/** Which channel an address given to the development outbox belongs to. */
export const channelOf = (to: string): OutboxChannel => (to.includes('@') ? 'email' : 'sms');

export const recipientLookup = (cipher: FieldCipher, channel: OutboxChannel, normalised: string) =>
  cipher.lookup(LOOKUP_KIND, `${channel}:${normalised}`);

/**
 * Writes one message to the outbox in `db`, which should be the transaction of the action that causes it.
 * Throws (a programming error, caught by the caller's validation long before) when the address is not one
 * or the template has no form for the channel. Returns the message id.
 */
export async function enqueueMessage<K extends TemplateKey>(db: Kysely<DB>, ctx: OutboxContext, input: OutboxMessageInput<K>): Promise<string> {
  const row = messageRow(ctx, input, ctx.now());
  await db.insertInto('outbox_messages').values(row).execute();
  return row.id;
}

/** Several messages in one INSERT (batch jobs, e.g. real-name results); same rules as enqueueMessage. */
export async function enqueueMessages(db: Kysely<DB>, ctx: OutboxContext, inputs: OutboxMessageInput[]): Promise<string[]> {
  if (inputs.length === 0) return [];
  const now = ctx.now();
  const rows = inputs.map((input) => messageRow(ctx, input, now));
  await db.insertInto('outbox_messages').values(rows).execute();
  return rows.map((row) => row.id);
}

function messageRow<K extends TemplateKey>(ctx: OutboxContext, input: OutboxMessageInput<K>, now: Date) {
  const to = normaliseRecipient(input.channel, input.to);
  if (!to) throw new Error(`outbox: not a valid ${input.channel === 'email' ? 'e-mail address' : 'mobile number'}`);
  const content = renderTemplate(input.template, input.channel, input.params);
  return {
    id: uuidv7(now.getTime()),
    channel: input.channel,
    to_enc: ctx.cipher.encrypt(to),
    to_lookup: recipientLookup(ctx.cipher, input.channel, to),
    template: input.template,
    content_enc: ctx.cipher.encrypt(JSON.stringify(content)),
    status: 'pending' as const,
    attempts: 0,
    next_attempt_at: now,
    created_at: now,
    updated_at: now,
  };
}

export function decryptContent(cipher: FieldCipher, stored: string): RenderedMessage {
  return JSON.parse(cipher.decrypt(stored)) as RenderedMessage;
}

export interface OutboxView {
  channel: OutboxChannel;
  to: string;
  subject: string;
  body: string;
  code: string | null;
  link: string | null;
  sentAt: string;
}

/**
 * The messages written to an address, newest first (the development outbox). Every message is listed
 * whatever its delivery state: `sentAt` is when it was delivered, or when it was written if it has not been
 * delivered (yet, or ever).
 */
export async function listOutbox(ctx: Pick<AppContext, 'db' | 'cipher'>, to: string, limit = 50): Promise<OutboxView[]> {
  const channel = channelOf(to);
  const normalised = normaliseRecipient(channel, to);
  if (!normalised) return [];
  const rows = await ctx.db
    .selectFrom('outbox_messages')
    .select(['channel', 'to_enc', 'content_enc', 'sent_at', 'created_at'])
    .where('to_lookup', '=', recipientLookup(ctx.cipher, channel, normalised))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((row) => {
    const content = decryptContent(ctx.cipher, row.content_enc);
    return {
      channel: row.channel,
      to: ctx.cipher.decrypt(row.to_enc),
      subject: content.subject,
      body: content.body,
      code: content.code,
      link: content.link,
      sentAt: (row.sent_at ?? row.created_at).toISOString(),
    };
  });
}

/**
 * A delivery error as it may be stored and logged: addresses and long digit runs (phone numbers, codes)
 * replaced, one line, bounded length. Error texts of mail servers often quote the recipient.
 */
export function scrubReason(text: string): string {
  return text
    .replace(/[^\s<>"'(),;:]+@[^\s<>"'(),;:]+/g, '<address>')
    .replace(/\d{6,}/g, '<number>')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 500);
}
