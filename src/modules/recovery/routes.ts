import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errors } from '../../platform/errors.js';
import { recoverGroupUsername } from '../groups/recovery.js';
import { recoverVolunteerUsername, requestPasswordReset, resetPassword } from './recovery.js';

export async function recoveryRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { ctx } = app;

  app.post('/recovery/username', {
    schema: {
      tags: ['recovery'],
      summary: '找回用户名: volunteers by name + ID number + phone; groups by group name + leader name + leader ID number',
      description: 'No match: 404 NO_MATCH. Throttled per source address and per ID number (429 TOO_MANY_ATTEMPTS).',
      security: [],
      // One object, not a union: with removeAdditional the first branch of a union strips the other's fields.
      body: Type.Object({
        accountType: Type.Union([Type.Literal('volunteer'), Type.Literal('group')]),
        name: Type.Optional(Type.String({ minLength: 1, maxLength: 50, description: 'volunteer' })),
        idNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 32, description: 'volunteer' })),
        phone: Type.Optional(Type.String({ minLength: 1, maxLength: 20, description: 'volunteer' })),
        groupName: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'group' })),
        leaderName: Type.Optional(Type.String({ minLength: 1, maxLength: 50, description: 'group' })),
        leaderIdNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 32, description: 'group' })),
      }),
      response: { 200: Type.Object({ username: Type.String() }) },
    },
  }, async (request) => {
    const { accountType, name, idNumber, phone, groupName, leaderName, leaderIdNumber } = request.body;
    const required = accountType === 'volunteer' ? { name, idNumber, phone } : { groupName, leaderName, leaderIdNumber };
    const missing = Object.entries(required).filter(([, v]) => v === undefined).map(([field]) => ({ field, code: 'REQUIRED' }));
    if (missing.length > 0) throw errors.validation('填写的内容格式不正确，请按提示修改', missing);
    if (accountType === 'volunteer') return recoverVolunteerUsername(ctx, { name: name!, idNumber: idNumber!, phone: phone! }, request.ip);
    return recoverGroupUsername(ctx, { groupName: groupName!, leaderName: leaderName!, leaderIdNumber: leaderIdNumber! }, request.ip);
  });

  app.post('/recovery/password', {
    schema: {
      tags: ['recovery'],
      summary: '忘记密码: sends a code and a link (3 hours, one use) to the registered e-mail or phone',
      description: 'Answers 202 with the masked destination whether or not it matches the account, so the form reveals nothing.',
      security: [],
      body: Type.Object({
        username: Type.String({ minLength: 1, maxLength: 64 }),
        channel: Type.Union([Type.Literal('email'), Type.Literal('sms')]),
        email: Type.Optional(Type.String({ maxLength: 254 })),
        phone: Type.Optional(Type.String({ maxLength: 20 })),
      }),
      response: { 202: Type.Object({ sentTo: Type.String() }) },
    },
  }, async (request, reply) => reply.status(202).send(await requestPasswordReset(ctx, request.body, request.ip)));

  app.post('/recovery/password/reset', {
    schema: {
      tags: ['recovery'],
      summary: 'Sets a new password with the code (and username) or the link token; every session of the account ends',
      description: 'Errors: 422 RECOVERY_CODE_INVALID, PASSWORD_POLICY.',
      security: [],
      body: Type.Object({
        username: Type.Optional(Type.String({ maxLength: 64 })),
        code: Type.Optional(Type.String({ pattern: '^[0-9]{6}$' })),
        token: Type.Optional(Type.String({ minLength: 20, maxLength: 100 })),
        newPassword: Type.String({ minLength: 1, maxLength: 256 }),
      }),
      response: { 204: Type.Null() },
    },
  }, async (request, reply) => {
    await resetPassword(ctx, request.body, request.ip);
    return reply.status(204).send(null);
  });
}
