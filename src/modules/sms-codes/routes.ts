import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requirePhone, sendSmsCode } from './sms-codes.js';
import type { SmsCodePurpose } from '../../platform/database/schema.js';

export async function smsCodeRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post('/sms-codes', {
    schema: {
      tags: ['sms-codes'],
      summary: 'Sends a 6-digit SMS code (10 minutes, 5 tries, one use)',
      description: 'At most 1 send per number per 60 s and 10 per 10 minutes, and a per-address hourly bound: 429 TOO_MANY_CODES with retryAfter.',
      security: [],
      body: Type.Object({
        phone: Type.String({ minLength: 1, maxLength: 20 }),
        purpose: Type.Union([Type.Literal('register'), Type.Literal('contact'), Type.Literal('recovery'), Type.Literal('activation'), Type.Literal('change_phone')]),
      }),
      response: { 202: Type.Object({ sent: Type.Boolean(), expiresInSeconds: Type.Integer() }) },
    },
  }, async (request, reply) => {
    const phone = requirePhone(request.body.phone);
    await sendSmsCode(app.ctx, { phone, purpose: request.body.purpose as SmsCodePurpose, ip: request.ip });
    return reply.status(202).send({ sent: true, expiresInSeconds: 600 });
  });
}
