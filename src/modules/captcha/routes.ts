import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { issueCaptcha } from './captcha.js';
import { hitWindow } from '../../platform/rate-limit.js';
import { errors } from '../../platform/errors.js';

/** Drawing captchas costs CPU and a row; one address may ask for this many per minute. */
const CAPTCHAS_PER_MINUTE = 120;

export async function captchaRoutes(app: FastifyInstance) {
  app.post('/captcha', {
    schema: {
      tags: ['captcha'],
      summary: 'A new image captcha (one try, 5 minutes)',
      response: { 200: Type.Object({ captchaId: Type.String(), image: Type.String() }) },
    },
  }, async (request) => {
    const hit = await hitWindow(app.ctx.db, `captcha:${request.ip}`, 60, CAPTCHAS_PER_MINUTE, app.ctx.now());
    if (!hit.allowed) throw errors.tooMany('TOO_MANY_REQUESTS', '操作过于频繁，请稍后再试', hit.retryAfter);
    return issueCaptcha(app.ctx);
  });
}
