import nodemailer from 'nodemailer';
import type { Config } from '../config.js';
import { SYSTEM_NAME } from './templates.js';
import { DeliveryError, type Transport, type Transports } from './delivery.js';
import { createAliyunSmsTransport } from './aliyun-sms.js';

/** Development default: the message stays in the outbox (GET /api/v1/dev/outbox), nothing leaves the server. */
export const outboxOnlyTransport: Transport = {
  name: 'outbox-only',
  async send() {
    return { providerId: null };
  },
};

/**
 * The From of outgoing mail: MAIL_FROM; else the SMTP user when it is an address (most providers insist);
 * else no-reply@ the host of PUBLIC_URL; else no-reply@localhost. Shown as 全国志愿服务信息系统.
 */
export function mailFrom(config: Pick<Config, 'mailFrom' | 'smtpUrl' | 'publicUrl'>): string {
  if (config.mailFrom) return config.mailFrom.includes('<') ? config.mailFrom : `"${SYSTEM_NAME}" <${config.mailFrom}>`;
  let address = 'no-reply@localhost';
  const user = config.smtpUrl ? decodeURIComponent(new URL(config.smtpUrl).username) : '';
  if (user.includes('@')) address = user;
  else if (config.publicUrl) address = `no-reply@${new URL(config.publicUrl).hostname}`;
  return `"${SYSTEM_NAME}" <${address}>`;
}

/**
 * SMTP through nodemailer. `smtps://` is TLS from the start; `smtp://` upgrades with STARTTLS when the server
 * offers it. A pool of 4 kept-open connections: a new connection per message (greeting, login, quit) held delivery
 * to ~30 messages/s, the pool reaches ~180–200/s (docs/benchmarks.md). A reply code 5xx from the server is
 * final; anything else (4xx, refused connection, timeout) is tried again.
 */
export function createSmtpTransport(options: { url: string; from: string; timeoutMs?: number }): Transport {
  const timeout = options.timeoutMs ?? 30_000;
  const transporter = nodemailer.createTransport({
    url: options.url,
    pool: true,
    maxConnections: 4,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    dnsTimeout: timeout,
  });
  return {
    name: 'smtp',
    async send(message) {
      if (message.channel !== 'email') throw new DeliveryError('the SMTP transport sends e-mail only', false);
      try {
        const info = await transporter.sendMail({
          from: options.from,
          to: message.to,
          subject: message.content.subject,
          text: message.content.body,
          headers: { 'X-Zhiyuan-Message-Id': message.id },
        });
        return { providerId: info.messageId ?? null };
      } catch (error) {
        const e = error as { message?: string; responseCode?: number; code?: string };
        const permanent = typeof e.responseCode === 'number' && e.responseCode >= 500 && e.responseCode < 600;
        throw new DeliveryError(`SMTP ${e.code ?? 'error'}: ${e.message ?? String(error)}`, !permanent);
      }
    },
    close: () => transporter.close(),
  };
}

/** The transports the configuration asks for: SMTP_URL → smtp, SMS_GATEWAY_URL → sms-gateway, else outbox-only. */
export function createTransports(config: Config): Transports {
  return {
    email: config.smtpUrl ? createSmtpTransport({ url: config.smtpUrl, from: mailFrom(config) }) : outboxOnlyTransport,
    sms: config.smsGatewayUrl
      ? createAliyunSmsTransport({
          endpoint: config.smsGatewayUrl,
          accessKeyId: config.smsAccessKeyId ?? '',
          accessKeySecret: config.smsAccessKeySecret ?? '',
          signName: config.smsSignName ?? '',
          templateCodes: config.smsTemplateCodes,
        })
      : outboxOnlyTransport,
  };
}

export { DeliveryError };
export type { OutgoingMessage, Transport, Transports } from './delivery.js';
