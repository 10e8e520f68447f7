import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { completeActivation, startActivation } from './activation.js';
import { requestAdminReset } from '../units/reset-requests.js';

export async function activationRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { ctx } = app;

  app.post('/activation/start', {
    schema: {
      tags: ['activation'],
      summary: '新账号激活, step 1: account (username, phone or ID number) + name → an SMS code to the phone on record',
      description:
        'For accounts created by an import or a unit administrator, or re-opened by an approved 通过管理员找回密码. ' +
        'Errors: 404 NO_MATCH (no inactive account with that account and name), 429 TOO_MANY_ATTEMPTS / TOO_MANY_CODES (retryAfter).',
      security: [],
      body: Type.Object({ account: Type.String({ minLength: 1, maxLength: 64 }), name: Type.String({ minLength: 1, maxLength: 50 }) }),
      response: {
        202: Type.Object({
          sentTo: Type.String({ description: 'the phone, masked: 186****5178' }), expiresInSeconds: Type.Integer(),
          siteCode: Type.String(), accountType: Type.String({ description: 'whose password rules apply' }), username: Type.String(),
        }),
      },
    },
  }, async (request, reply) => reply.status(202).send(await startActivation(ctx, request.body, request.ip)));

  app.post('/activation/complete', {
    schema: {
      tags: ['activation'],
      summary: '新账号激活, step 2: the SMS code and a new password → the account is active; sign in with it',
      description: 'Errors: 422 SMS_CODE_INVALID, PASSWORD_POLICY (each broken rule in errors, field newPassword); 429 TOO_MANY_ATTEMPTS.',
      security: [],
      body: Type.Object({
        account: Type.String({ minLength: 1, maxLength: 64 }),
        code: Type.String({ pattern: '^[0-9]{6}$' }),
        newPassword: Type.String({ minLength: 1, maxLength: 256 }),
      }),
      response: { 204: Type.Null() },
    },
  }, async (request, reply) => {
    await completeActivation(ctx, request.body, request.ip);
    return reply.status(204).send(null);
  });

  app.post('/recovery/admin-request', {
    schema: {
      tags: ['recovery'],
      summary: '通过管理员找回密码: a staff member asks their unit administrators to re-open the account',
      description:
        'The request waits in GET /units/{unitId}/reset-requests of every unit where the person holds a post; after approval the person ' +
        'activates again with POST /activation/start and /activation/complete. Always 202 (the answer does not tell whether it matched); 429 TOO_MANY_ATTEMPTS.',
      security: [],
      body: Type.Object({ account: Type.String({ minLength: 1, maxLength: 64 }), name: Type.String({ minLength: 1, maxLength: 50 }) }),
      response: { 202: Type.Object({ received: Type.Boolean() }) },
    },
  }, async (request, reply) => {
    await requestAdminReset(ctx, request.body, request.ip);
    return reply.status(202).send({ received: true });
  });
}
