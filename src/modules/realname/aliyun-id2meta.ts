import { randomUUID } from 'node:crypto';
import { aliyunTimestamp, canonicalQuery, percentEncode, rpcSignature } from '../../platform/outbox/aliyun-sms.js';
import { ProviderUnavailableError, type ProviderVerdict, type RealnameProvider } from './types.js';

/**
 * The `http` real-name provider: Alibaba Cloud ID Verification (阿里云实人认证), API `Id2MetaVerify`
 * (身份二要素核验) of product Cloudauth, version 2019-03-07, RPC style (vendor documentation "身份二要素核验",
 * help.aliyun.com/zh/id-verification/information-verification/developer-reference/vatsl9lfmbwe74iv).
 *
 * Request: form-encoded POST to REALNAME_URL (normally https://cloudauth.aliyuncs.com/) with the RPC common
 * parameters signed with HMAC-SHA1 exactly like SendSms (the signing code is shared with
 * src/platform/outbox/aliyun-sms.ts) and ParamType=normal, IdentifyNum (the ID number), UserName (the name).
 * POST keeps the name and number out of URLs that proxies log.
 *
 * Answer: `{"RequestId", "Code": "200", "Message": "success", "ResultObject": {"BizCode": "1"|"2"|"3"}}`:
 * BizCode 1 校验一致 → verified, 2 校验不一致 → failed, 3 查无记录 → no_result. Code is the call's status:
 *   401 参数非法 (name or number outside the vendor's rules; our checks passed)  → no_result (manual review)
 *   402 权威源服务异常, 500 系统错误, Throttling*, HTTP 5xx, network errors, time-outs → tried again here
 *       (ATTEMPTS in all, with a short pause), then ProviderUnavailableError(retryable)
 *   403 异常重复调用 → unavailable, retryable later (the job's lease), not tried again now
 *   400, 410 未开通, 411 RAM无权限, 412 欠费, signature / key errors → unavailable, not retryable: configuration
 * Error reasons carry the vendor's code and HTTP status only, never the name or number.
 */

export const ID2META_VERSION = '2019-03-07';

export interface AliyunId2MetaOptions {
  endpoint: string;
  accessKeyId: string;
  accessKeySecret: string;
  /** Per attempt (default 5 s). */
  timeoutMs?: number;
  /** Attempts for transient failures (default 3). */
  attempts?: number;
  /** Pause before the 2nd, 3rd … attempt (default 300 ms, 1 s). */
  backoffMs?: number[];
  /** Real time for Timestamp (the vendor rejects requests more than 15 minutes off). */
  clock?: () => Date;
}

const TRANSIENT_CODES = new Set(['402', '500', 'Throttling', 'Throttling.User', 'Throttling.Api', 'ServiceUnavailable', 'InternalError']);

class Transient extends Error {}

export function createAliyunId2MetaProvider(options: AliyunId2MetaOptions): RealnameProvider {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const attempts = Math.max(1, options.attempts ?? 3);
  const backoff = options.backoffMs ?? [300, 1_000];
  const clock = options.clock ?? (() => new Date());

  const once = async (name: string, idNumber: string): Promise<ProviderVerdict> => {
    const params: Record<string, string> = {
      Action: 'Id2MetaVerify',
      Version: ID2META_VERSION,
      Format: 'JSON',
      AccessKeyId: options.accessKeyId,
      SignatureMethod: 'HMAC-SHA1',
      SignatureVersion: '1.0',
      SignatureNonce: randomUUID(),
      Timestamp: aliyunTimestamp(clock()),
      ParamType: 'normal',
      IdentifyNum: idNumber,
      UserName: name,
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
      throw new Transient(e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : `unreachable: ${e.cause?.code ?? e.name}`);
    }
    type Answer = { Code?: unknown; ResultObject?: { BizCode?: unknown } | null };
    let answer: Answer | null = null;
    try {
      answer = JSON.parse(text) as Answer;
    } catch {
      answer = null;
    }
    const code = answer && (typeof answer.Code === 'string' || typeof answer.Code === 'number') ? String(answer.Code) : null;
    if (response.status >= 500) throw new Transient(`HTTP ${response.status}${code ? ` ${code}` : ''}`);
    if (code === '200') {
      const biz = String(answer?.ResultObject?.BizCode ?? '');
      if (biz === '1') return 'verified';
      if (biz === '2') return 'failed';
      if (biz === '3') return 'no_result';
      throw new ProviderUnavailableError(`unexpected BizCode "${biz.slice(0, 20)}"`, false);
    }
    if (code === '401') return 'no_result';
    if (code && TRANSIENT_CODES.has(code)) throw new Transient(`code ${code}`);
    if (code === '403') throw new ProviderUnavailableError('code 403 (repeated call refused)', true);
    if (response.status === 429) throw new Transient('HTTP 429');
    throw new ProviderUnavailableError(code ? `code ${code.slice(0, 60)} (HTTP ${response.status})` : `HTTP ${response.status} without a result code`, false);
  };

  return {
    name: 'http',
    async prepare() {},
    async check({ name, idNumber }) {
      let last = '';
      for (let attempt = 1; attempt <= attempts; attempt++) {
        try {
          return await once(name, idNumber);
        } catch (error) {
          if (!(error instanceof Transient)) throw error;
          last = error.message;
          if (attempt < attempts) await new Promise((r) => setTimeout(r, backoff[Math.min(attempt - 1, backoff.length - 1)] ?? 0));
        }
      }
      throw new ProviderUnavailableError(`Id2MetaVerify failed ${attempts} times, last: ${last}`, true);
    },
  };
}
