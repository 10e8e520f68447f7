import { createHmac, randomUUID } from 'node:crypto';
import { DeliveryError, type Transport } from './delivery.js';

/**
 * SMS through Alibaba Cloud SMS (阿里云短信服务), API `SendSms` of product Dysmsapi, version 2017-05-25, RPC
 * style with signature version 1.0 (vendor documentation "HTTP协议及签名", help.aliyun.com/document_detail/56189).
 *
 * The request is a form-encoded POST to SMS_GATEWAY_URL (normally https://dysmsapi.aliyuncs.com/) carrying
 * the common parameters (Action, Version, Format, AccessKeyId, SignatureMethod=HMAC-SHA1,
 * SignatureVersion=1.0, SignatureNonce, Timestamp) and PhoneNumbers, SignName, TemplateCode, TemplateParam
 * (JSON of the template variables) and OutId (our message id). POST rather than GET keeps the phone number
 * and the code out of URLs that proxies log.
 *
 *   Signature = base64(HMAC-SHA1(secret + "&", "POST&%2F&" + percentEncode(canonical query)))
 *
 * where the canonical query is the parameters sorted by name, each `percentEncode(name)=percentEncode(value)`,
 * joined by "&". The answer `{"Code": "OK", "BizId": …}` means accepted. Any other Code is a failure recorded
 * with its Code and Message; only throttling and vendor-side errors are tried again. Network errors, time-outs
 * and HTTP 5xx are tried again.
 */

export const ALIYUN_SMS_VERSION = '2017-05-25';

/** RFC 3986 percent-encoding as the signature needs it: only A-Z a-z 0-9 - _ . ~ stay as they are. */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function canonicalQuery(params: Record<string, string>): string {
  return Object.keys(params)
    .sort()
    .map((name) => `${percentEncode(name)}=${percentEncode(params[name])}`)
    .join('&');
}

/** The RPC signature of a parameter set (without `Signature`) for an HTTP method. */
export function rpcSignature(method: 'GET' | 'POST', params: Record<string, string>, accessKeySecret: string): string {
  const stringToSign = `${method}&${percentEncode('/')}&${percentEncode(canonicalQuery(params))}`;
  return createHmac('sha1', `${accessKeySecret}&`).update(stringToSign).digest('base64');
}

/** ISO 8601 in UTC without milliseconds, as the API wants: 2024-05-01T08:00:00Z. */
export const aliyunTimestamp = (at: Date) => at.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Vendor codes after which trying again later may succeed. */
const RETRYABLE_CODES = new Set([
  'Throttling', 'Throttling.User', 'Throttling.Api', 'ServiceUnavailable', 'InternalError',
  'isp.SYSTEM_ERROR', 'isv.OUT_OF_SERVICE', 'SignatureNonceUsed',
]);

export interface AliyunSmsOptions {
  endpoint: string;
  accessKeyId: string;
  accessKeySecret: string;
  signName: string;
  /** Outbox template name → TemplateCode registered with the vendor. */
  templateCodes: Record<string, string>;
  timeoutMs?: number;
  /** Real time for Timestamp (the vendor rejects requests more than 15 minutes off). */
  clock?: () => Date;
}

export function createAliyunSmsTransport(options: AliyunSmsOptions): Transport {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const clock = options.clock ?? (() => new Date());
  return {
    name: 'sms-gateway',
    async send(message) {
      if (message.channel !== 'sms' || !message.content.vendor) throw new DeliveryError('the SMS gateway sends SMS only', false);
      const { templates, params: variables } = message.content.vendor;
      const templateName = templates.find((name) => options.templateCodes[name]);
      if (!templateName) {
        throw new DeliveryError(`no vendor template code configured for "${templates[templates.length - 1]}" (SMS_TEMPLATE_CODES)`, false);
      }
      const params: Record<string, string> = {
        Action: 'SendSms',
        Version: ALIYUN_SMS_VERSION,
        Format: 'JSON',
        AccessKeyId: options.accessKeyId,
        SignatureMethod: 'HMAC-SHA1',
        SignatureVersion: '1.0',
        SignatureNonce: randomUUID(),
        Timestamp: aliyunTimestamp(clock()),
        RegionId: 'cn-hangzhou',
        PhoneNumbers: message.to,
        SignName: options.signName,
        TemplateCode: options.templateCodes[templateName],
        TemplateParam: JSON.stringify(variables),
        OutId: message.id,
      };
      const body = `Signature=${percentEncode(rpcSignature('POST', params, options.accessKeySecret))}&${canonicalQuery(params)}`;

      let response: Response;
      let text: string;
      try {
        response = await fetch(options.endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', accept: 'application/json' },
          body,
          signal: AbortSignal.timeout(timeoutMs),
        });
        text = await response.text();
      } catch (error) {
        const e = error as Error & { cause?: { code?: string } };
        const what = e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (e.cause?.code ?? e.message);
        throw new DeliveryError(`SMS gateway unreachable: ${what}`, true);
      }
      type Answer = { Code?: unknown; Message?: unknown; BizId?: unknown };
      let answer: Answer | null;
      try {
        answer = JSON.parse(text) as Answer;
      } catch {
        answer = null;
      }
      const code = typeof answer?.Code === 'string' ? answer.Code : null;
      if (response.status >= 500) {
        throw new DeliveryError(`SMS gateway HTTP ${response.status}${code ? ` ${code}` : ''}`, true);
      }
      if (code === 'OK' && response.ok) {
        return { providerId: typeof answer?.BizId === 'string' ? answer.BizId : null };
      }
      if (code) {
        const detail = typeof answer?.Message === 'string' ? `: ${answer.Message}` : '';
        throw new DeliveryError(`${code}${detail}`, RETRYABLE_CODES.has(code));
      }
      throw new DeliveryError(`SMS gateway HTTP ${response.status} without a result code`, response.status === 429);
    },
  };
}
