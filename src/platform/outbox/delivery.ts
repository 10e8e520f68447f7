import type { OutboxChannel } from '../database/schema.js';
import type { RenderedMessage } from './templates.js';

/** One message handed to a transport: the decrypted recipient and rendered content. */
export interface OutgoingMessage {
  id: string;
  channel: OutboxChannel;
  template: string;
  to: string;
  content: RenderedMessage;
}

export interface Transport {
  /** Recorded on the message: 'outbox-only', 'smtp', 'sms-gateway', … */
  readonly name: string;
  /** Resolves when the message was handed over; throws (preferably a DeliveryError) when it was not. */
  send(message: OutgoingMessage): Promise<{ providerId: string | null }>;
  /** Releases kept-open connections when the worker stops. */
  close?(): void;
}

/**
 * A failed delivery. `retryable` says whether trying again later can help (network, timeouts, 4xx SMTP,
 * 5xx HTTP, vendor throttling) or not (mailbox rejected, vendor refused the content or the credentials).
 * `message` is recorded and logged after scrubbing; it must not carry the recipient or the content.
 */
export class DeliveryError extends Error {
  constructor(message: string, readonly retryable: boolean) {
    super(message);
    this.name = 'DeliveryError';
  }
}

export interface Transports {
  email: Transport;
  sms: Transport;
}
