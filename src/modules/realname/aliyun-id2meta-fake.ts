import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { rpcSignature } from '../../platform/outbox/aliyun-sms.js';
import { safeEqual } from '../../platform/crypto.js';
import { ID2META_VERSION } from './aliyun-id2meta.js';

/**
 * Test utility: a local stand-in for Alibaba Cloud `Id2MetaVerify` on 127.0.0.1 (random port). It checks the
 * common parameters, the access key, the HMAC-SHA1 signature with a known secret, the timestamp window, nonce
 * reuse and the business parameters, then answers from `identities` (number → name) the way the vendor does:
 * same name → BizCode 1, other name → 2, unknown number → 3. Tests queue other answers with `next()`:
 * an HTTP status, a vendor Code, or a delay (to provoke the client's time-out).
 */

export type FakeId2MetaAnswer = { status: number } | { code: string; message?: string } | { delayMs: number };

export interface FakeId2MetaRequest {
  params: Record<string, string>;
  status: number;
  code: string;
  bizCode: string | null;
}

export interface FakeId2Meta {
  url: string;
  accessKeyId: string;
  accessKeySecret: string;
  identities: Map<string, string>;
  requests: FakeId2MetaRequest[];
  next(...answers: FakeId2MetaAnswer[]): void;
  close(): Promise<void>;
}

/** A form body as fields (URLSearchParams decodes '+' and percent escapes as a form does). */
const parseForm = (text: string): Record<string, string> => Object.fromEntries(new URLSearchParams(text));

export async function startFakeId2Meta(options: { accessKeyId?: string; accessKeySecret?: string } = {}): Promise<FakeId2Meta> {
  const accessKeyId = options.accessKeyId ?? 'LTAI-realname-test';
  const accessKeySecret = options.accessKeySecret ?? 'realname-secret-0123456789';
  const identities = new Map<string, string>();
  const requests: FakeId2MetaRequest[] = [];
  const queue: FakeId2MetaAnswer[] = [];
  const nonces = new Set<string>();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const method = req.method ?? 'GET';
      const params = parseForm(method === 'POST' ? Buffer.concat(chunks).toString('utf8') : (req.url ?? '/').split('?')[1] ?? '');
      const reply = (status: number, code: string, message: string, bizCode: string | null = null) => {
        requests.push({ params, status, code, bizCode });
        if (res.destroyed) return;
        res.writeHead(status, { 'content-type': 'application/json;charset=utf-8' });
        res.end(JSON.stringify({
          RequestId: randomUUID().toUpperCase(), Code: code, Message: message,
          ...(bizCode ? { ResultObject: { BizCode: bizCode } } : {}),
        }));
      };

      const { Signature: signature, ...signed } = params;
      for (const name of ['Action', 'Version', 'Format', 'AccessKeyId', 'SignatureMethod', 'SignatureVersion', 'SignatureNonce', 'Timestamp', 'Signature']) {
        if (!params[name]) return reply(400, 'MissingParameter', `${name} is mandatory for this action.`);
      }
      if (params.Action !== 'Id2MetaVerify' || params.Version !== ID2META_VERSION) return reply(400, 'InvalidAction.NotFound', 'Specified api is not found.');
      if (params.AccessKeyId !== accessKeyId) return reply(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.');
      if (method !== 'POST' && method !== 'GET') return reply(400, 'UnsupportedHTTPMethod', 'Specified HTTP method is not supported.');
      if (!safeEqual(signature, rpcSignature(method, signed, accessKeySecret))) {
        return reply(400, 'SignatureDoesNotMatch', 'Specified signature is not matched with our calculation.');
      }
      if (Math.abs(Date.now() - Date.parse(params.Timestamp)) > 15 * 60_000) return reply(400, 'InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.');
      if (nonces.has(params.SignatureNonce)) return reply(400, 'SignatureNonceUsed', 'Specified signature nonce was used already.');
      nonces.add(params.SignatureNonce);
      if (!params.ParamType || !params.IdentifyNum || !params.UserName) return reply(200, '400', '参数不能为空');
      if (params.ParamType !== 'normal' || !/^\d{17}[\dX]$/.test(params.IdentifyNum)) return reply(200, '401', '参数非法');

      const answer = queue.shift();
      if (answer && 'delayMs' in answer) {
        // Answer late (the client has usually given up by then).
        setTimeout(() => reply(200, '200', 'success', '3'), answer.delayMs).unref();
        return;
      }
      if (answer && 'status' in answer) return reply(answer.status, '500', '系统错误');
      if (answer && 'code' in answer) return reply(200, answer.code, answer.message ?? answer.code);
      const listed = identities.get(params.IdentifyNum);
      return reply(200, '200', 'success', listed === undefined ? '3' : listed === params.UserName ? '1' : '2');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    accessKeyId,
    accessKeySecret,
    identities,
    requests,
    next: (...answers) => queue.push(...answers),
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
