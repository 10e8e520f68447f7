import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomInt } from 'node:crypto';
import { safeEqual } from '../../platform/crypto.js';

/**
 * Test utility: a local stand-in for the Shumai "人脸身份证比对" API (face-http.ts) on 127.0.0.1 (random port).
 * Like the marketplace gateway it refuses a missing or wrong `Authorization: APPCODE …` with 403 and an
 * X-Ca-Error-Message header; like the vendor it answers `code: 200` with `incorrect` 100 and a score when the
 * name belongs to the number (score 0.92 when the image is the person's enrolled reference photo, 0.21
 * otherwise), `incorrect` 101 when it does not, and 102 for a number it does not know. People are enrolled
 * with `enrol()`. Tests queue other answers with `next()`: an HTTP status, a score, or 'hang' (no answer).
 */

export interface FakeFaceRequest {
  authorization: string | null;
  contentType: string | null;
  name: string | null;
  idcard: string | null;
  imageBytes: number;
  status: number;
}

export type FakeFaceAnswer = { status: number } | { score: number } | 'hang';

export interface FakeFaceServer {
  url: string;
  appCode: string;
  requests: FakeFaceRequest[];
  enrol(person: { name: string; idNumber: string; reference: Buffer }): void;
  next(...answers: FakeFaceAnswer[]): void;
  close(): Promise<void>;
}

export async function startFakeFaceServer(options: { appCode?: string } = {}): Promise<FakeFaceServer> {
  const appCode = options.appCode ?? 'fake-app-code-0123456789';
  const requests: FakeFaceRequest[] = [];
  const queue: FakeFaceAnswer[] = [];
  const people = new Map<string, { name: string; reference: Buffer }>();
  const hanging = new Set<http.ServerResponse>();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const authorization = req.headers.authorization ?? null;
      const contentType = req.headers['content-type'] ?? null;
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const record: FakeFaceRequest = {
        authorization, contentType, name: form.get('name'), idcard: form.get('idcard'),
        imageBytes: form.get('image') ? Buffer.from(form.get('image')!, 'base64').length : 0, status: 0,
      };
      requests.push(record);
      const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        record.status = status;
        res.writeHead(status, { 'content-type': 'application/json;charset=utf-8', ...headers });
        res.end(JSON.stringify(body));
      };
      if (req.method !== 'POST') return send(405, { code: 405, success: false, msg: 'method not allowed' });
      if (!authorization || !/^APPCODE /.test(authorization) || !safeEqual(authorization.slice(8), appCode)) {
        return send(403, {}, { 'x-ca-error-message': 'Invalid AppCode' });
      }
      const queued = queue.shift();
      if (queued === 'hang') {
        hanging.add(res);
        return;
      }
      if (queued && 'status' in queued) return send(queued.status, { code: queued.status, success: false, msg: 'service unavailable' });
      if (!record.name || !record.idcard || !record.imageBytes) return send(200, { code: 400, success: false, msg: '参数错误' });
      const orderNo = `${Date.now()}${randomInt(100000, 999999)}`;
      const known = people.get(record.idcard.toUpperCase());
      if (!known) return send(200, { code: 200, success: true, msg: '成功', data: { order_no: orderNo, incorrect: 102, msg: '库中无此号' } });
      if (known.name !== record.name) return send(200, { code: 200, success: true, msg: '成功', data: { order_no: orderNo, incorrect: 101, msg: '身份证号与姓名不一致' } });
      const image = Buffer.from(form.get('image')!, 'base64');
      const score = queued && 'score' in queued ? queued.score : image.equals(known.reference) ? 0.92 : 0.21;
      const verdict = score >= 0.6 ? [1, '系统判断为同一人'] : score >= 0.4 ? [3, '不能确定是否为同一人'] : [2, '系统判断为不同人'];
      return send(200, { code: 200, success: true, msg: '成功', data: { order_no: orderNo, incorrect: 100, score, result: verdict[0], msg: verdict[1] } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/getfaceidb`,
    appCode,
    requests,
    enrol: (person) => people.set(person.idNumber.toUpperCase(), { name: person.name, reference: person.reference }),
    next: (...answers) => queue.push(...answers),
    close: () => new Promise<void>((resolve) => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
