import type { FastifyServerOptions } from 'fastify';

/**
 * What reaches the logs: method, path without its query string (a query may carry a phone number or a
 * reset token), status and timing. Bodies are never logged; headers that carry credentials are dropped.
 */
export const SENSITIVE_KEYS = [
  'password', 'oldPassword', 'newPassword', 'idNumber', 'leaderIdNumber', 'phone', 'contactPhone',
  'code', 'smsCode', 'contactSmsCode', 'captchaAnswer', 'token', 'authorization', 'cookie',
];

export function loggerOptions(level: string, stream?: NodeJS.WritableStream): FastifyServerOptions['logger'] {
  return {
    level,
    ...(stream ? { stream } : {}),
    redact: {
      paths: [
        'req.headers.authorization', 'req.headers.cookie', 'req.headers["x-self-service-ticket"]', 'res.headers["set-cookie"]',
        ...SENSITIVE_KEYS.flatMap((k) => [k, `*.${k}`]),
      ],
      censor: '[redacted]',
    },
    serializers: {
      req(req: { method: string; url: string; ip?: string; id?: string }) {
        return { method: req.method, path: req.url.split('?')[0], id: req.id };
      },
      res(res: { statusCode: number }) {
        return { statusCode: res.statusCode };
      },
    },
  };
}
