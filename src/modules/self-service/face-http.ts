import type { FaceProvider, FaceResult } from './face-provider.js';

/**
 * FACE_PROVIDER=http: "人脸身份证比对" of 数脉 (Shumai) sold on the Alibaba Cloud API Marketplace (阿里云云市场),
 * endpoint normally https://faceidcardb.shumaidata.com/getfaceidb. The vendor compares the photo with the
 * public-security photo of the resident ID number, after checking that name and number belong together.
 *
 *   POST FACE_URL
 *   Authorization: APPCODE <FACE_APP_CODE>          (the marketplace's simple authentication)
 *   Content-Type: application/x-www-form-urlencoded; charset=UTF-8
 *   name=<name>&idcard=<ID number>&image=<photo, base64 without the data: prefix>
 *
 *   200 {"code": 200, "success": true, "msg": "成功",
 *        "data": {"order_no": "…", "incorrect": 100, "score": 0.82, "result": 1, "msg": "系统判断为同一人"}}
 *
 * `incorrect` 100: name and number belong together and the photos were compared; `score` is the similarity
 * (0–1; the vendor's guidance: below 0.40 different people, from 0.45–0.60 the same person). We pass from
 * FACE_PASS_SCORE (default 0.60, the stricter reading). `incorrect` 101: name and number do not belong
 * together → fail. Any other `incorrect` (number unknown, no reference photo, unusable photo) → fail with
 * reason `not_comparable`. `code` other than 200 → error. The marketplace gateway answers 4xx itself for a
 * bad AppCode or an exhausted quota (reason in the X-Ca-Error-Message header) → error, not retried.
 * Network errors, time-outs and 5xx are tried again (`maxAttempts`, default 3) after a short pause; when
 * every try fails the outcome is `error` (the person is asked to try later). The request body holds the
 * name, the number and the photo: it is never logged, and neither is the answer.
 */

export interface ShumaiFaceOptions {
  endpoint: string;
  appCode: string;
  /** Similarity from which the answer counts as the same person. */
  passScore?: number;
  timeoutMs?: number;
  maxAttempts?: number;
  /** Pause before try n+1 is n × retryDelayMs. */
  retryDelayMs?: number;
}

interface VendorAnswer {
  code?: number | string;
  success?: boolean;
  msg?: string;
  data?: { order_no?: string; incorrect?: number | string; score?: number | string; result?: number | string; msg?: string };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createShumaiFaceProvider(options: ShumaiFaceOptions): FaceProvider {
  const passScore = options.passScore ?? 0.6;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxAttempts = Math.max(1, options.maxAttempts ?? 3);
  const retryDelayMs = options.retryDelayMs ?? 500;

  async function once(body: string): Promise<{ retry: boolean; result: FaceResult }> {
    let response: Response;
    try {
      response = await fetch(options.endpoint, {
        method: 'POST',
        headers: {
          authorization: `APPCODE ${options.appCode}`,
          'content-type': 'application/x-www-form-urlencoded; charset=UTF-8',
          accept: 'application/json',
        },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const name = (error as Error).name;
      return { retry: true, result: { outcome: 'error', reason: name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'network' } };
    }
    let text: string;
    try {
      text = await response.text();
    } catch {
      return { retry: true, result: { outcome: 'error', reason: 'network' } };
    }
    if (response.status >= 500) return { retry: true, result: { outcome: 'error', reason: `http_${response.status}` } };
    if (response.status !== 200) {
      const gateway = (response.headers.get('x-ca-error-message') ?? '').replace(/[^\w .:-]/g, '').slice(0, 80);
      return { retry: false, result: { outcome: 'error', reason: `http_${response.status}${gateway ? `:${gateway}` : ''}` } };
    }
    let answer: VendorAnswer;
    try {
      answer = JSON.parse(text) as VendorAnswer;
    } catch {
      return { retry: true, result: { outcome: 'error', reason: 'bad_answer' } };
    }
    if (Number(answer.code) !== 200 || answer.success === false || !answer.data) {
      const code = String(answer.code ?? 'none').replace(/[^\w.-]/g, '').slice(0, 20);
      return { retry: false, result: { outcome: 'error', reason: `vendor_${code}` } };
    }
    const data = answer.data;
    const reference = data.order_no ? String(data.order_no).slice(0, 64) : undefined;
    const incorrect = Number(data.incorrect);
    if (incorrect === 101) return { retry: false, result: { outcome: 'fail', reason: 'identity_mismatch', reference } };
    if (incorrect !== 100) return { retry: false, result: { outcome: 'fail', reason: `not_comparable:${Number.isFinite(incorrect) ? incorrect : 'none'}`, reference } };
    const score = Number(data.score);
    if (!Number.isFinite(score) || score < 0 || score > 1) return { retry: false, result: { outcome: 'error', reason: 'bad_score', reference } };
    return { retry: false, result: score >= passScore ? { outcome: 'pass', score, reference } : { outcome: 'fail', score, reason: 'low_score', reference } };
  }

  return {
    name: 'http',
    keepsPhotos: false,
    autoPasses: false,
    needsIdCardPhoto: false,
    async check(input) {
      const body = new URLSearchParams({ name: input.name, idcard: input.idNumber, image: input.photo.toString('base64') }).toString();
      let last: FaceResult = { outcome: 'error', reason: 'unavailable' };
      for (let attempt = 1; attempt <= maxAttempts; attempt++) {
        const { retry, result } = await once(body);
        if (!retry) return result;
        last = result;
        if (attempt < maxAttempts) await sleep(retryDelayMs * attempt);
      }
      return last;
    },
  };
}
