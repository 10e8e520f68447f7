import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { rpcSignature, ALIYUN_SMS_VERSION } from './aliyun-sms.js';
import { safeEqual } from '../crypto.js';

/**
 * Test utility: a local stand-in for Alibaba Cloud SMS `SendSms` on 127.0.0.1 (random port). It checks what
 * the real API checks first (common parameters, the access key, the signature with a known secret, the
 * timestamp window, nonce reuse, the business parameters) and answers the way the vendor does:
 * `{"Code":"OK","BizId":…}` or `{"Code":"<error>","Message":…}`. Tests queue other answers with `next()`.
 */

export interface FakeSmsRequest {
  method: string;
  params: Record<string, string>;
  /** TemplateParam parsed. */
  variables: Record<string, string>;
  /** What the fake answered. */
  status: number;
  code: string;
}

export type FakeAnswer = 'ok' | { status: number } | { code: string; message?: string; status?: number };

export interface FakeAliyunSms {
  url: string;
  accessKeyId: string;
  accessKeySecret: string;
  requests: FakeSmsRequest[];
  /** Answers for the next valid requests, in order (default: OK). */
  next(...answers: FakeAnswer[]): void;
  close(): Promise<void>;
}

/** A form body as fields (URLSearchParams decodes '+' and percent escapes as a form does). */
const parseForm = (text: string): Record<string, string> => Object.fromEntries(new URLSearchParams(text));

export async function startFakeAliyunSms(options: { accessKeyId?: string; accessKeySecret?: string } = {}): Promise<FakeAliyunSms> {
  const accessKeyId = options.accessKeyId ?? 'LTAI-test-key';
  const accessKeySecret = options.accessKeySecret ?? 'test-secret-0123456789';
  const requests: FakeSmsRequest[] = [];
  const queue: FakeAnswer[] = [];
  const nonces = new Set<string>();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const method = req.method ?? 'GET';
      const query = (req.url ?? '/').split('?')[1] ?? '';
      const params = parseForm(method === 'POST' ? Buffer.concat(chunks).toString('utf8') : query);
      let variables: Record<string, string> = {};
      const reply = (status: number, body: Record<string, unknown>) => {
        const code = String(body.Code);
        requests.push({ method, params, variables, status, code });
        res.writeHead(status, { 'content-type': 'application/json;charset=utf-8' });
        res.end(JSON.stringify({ RequestId: randomUUID().toUpperCase(), ...body }));
      };
      const fail = (status: number, code: string, message: string) => reply(status, { Code: code, Message: message });

      const { Signature: signature, ...signed } = params;
      for (const name of ['Action', 'Version', 'Format', 'AccessKeyId', 'SignatureMethod', 'SignatureVersion', 'SignatureNonce', 'Timestamp', 'Signature']) {
        if (!params[name]) return fail(400, 'MissingParameter', `${name} is mandatory for this action.`);
      }
      if (params.Action !== 'SendSms' || params.Version !== ALIYUN_SMS_VERSION) return fail(400, 'InvalidAction.NotFound', 'Specified api is not found.');
      if (params.SignatureMethod !== 'HMAC-SHA1' || params.SignatureVersion !== '1.0') return fail(400, 'InvalidSignatureMethod', 'Specified signature method is not valid.');
      if (params.AccessKeyId !== accessKeyId) return fail(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.');
      if (method !== 'GET' && method !== 'POST') return fail(400, 'UnsupportedHTTPMethod', 'Specified HTTP method is not supported.');
      const expected = rpcSignature(method, signed, accessKeySecret);
      if (!safeEqual(signature, expected)) return fail(400, 'SignatureDoesNotMatch', 'Specified signature is not matched with our calculation.');
      const at = Date.parse(params.Timestamp);
      if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(params.Timestamp) || Number.isNaN(at)) return fail(400, 'InvalidTimeStamp.Format', 'Specified time stamp is not valid.');
      if (Math.abs(Date.now() - at) > 15 * 60_000) return fail(400, 'InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.');
      if (nonces.has(params.SignatureNonce)) return fail(400, 'SignatureNonceUsed', 'Specified signature nonce was used already.');
      nonces.add(params.SignatureNonce);
      if (!/^1[3-9]\d{9}$/.test(params.PhoneNumbers ?? '')) return fail(200, 'isv.MOBILE_NUMBER_ILLEGAL', '非法手机号');
      if (!params.SignName) return fail(200, 'isv.SMS_SIGNATURE_ILLEGAL', '签名不合法');
      if (!params.TemplateCode) return fail(200, 'isv.SMS_TEMPLATE_ILLEGAL', '模板不合法');
      try {
        variables = params.TemplateParam ? (JSON.parse(params.TemplateParam) as Record<string, string>) : {};
      } catch {
        return fail(200, 'isv.INVALID_JSON_PARAM', 'JSON参数不合法，只接受字符串值');
      }

      const answer = queue.shift() ?? 'ok';
      if (answer === 'ok') return reply(200, { Code: 'OK', Message: 'OK', BizId: `${Date.now()}^0` });
      if ('code' in answer) return fail(answer.status ?? 200, answer.code, answer.message ?? answer.code);
      return reply(answer.status, { Code: 'ServiceUnavailable', Message: 'The request has failed due to a temporary failure of the server.' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    accessKeyId,
    accessKeySecret,
    requests,
    next: (...answers) => queue.push(...answers),
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
