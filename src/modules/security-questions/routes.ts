import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireAccount } from '../../platform/auth-guard.js';
import { questionsFor, resetWithAnswers, setSecurityQuestions } from './security-questions.js';

const OFF_NOTE = 'Only on sites whose settings switch security questions on (off by default; see docs/security.md): otherwise 403 SECURITY_QUESTIONS_DISABLED / 404 NO_MATCH.';

export async function securityQuestionRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { ctx } = app;

  app.put('/me/security-questions', {
    schema: {
      tags: ['recovery'], summary: 'Sets your security questions (密保问题)', description: OFF_NOTE,
      body: Type.Object({
        questions: Type.Array(Type.Object({ question: Type.String({ minLength: 2, maxLength: 60 }), answer: Type.String({ minLength: 1, maxLength: 60 }) }), { minItems: 3, maxItems: 3 }),
      }),
      response: { 204: Type.Null() },
    },
  }, async (request, reply) => {
    await setSecurityQuestions(ctx, requireAccount(request), request.body.questions, request.ip);
    return reply.status(204).send(null);
  });

  app.post('/recovery/security-questions', {
    schema: {
      tags: ['recovery'], summary: "An account's security questions, for password recovery", description: OFF_NOTE, security: [],
      body: Type.Object({ username: Type.String({ minLength: 1, maxLength: 64 }) }),
      response: { 200: Type.Object({ questions: Type.Array(Type.String()) }) },
    },
  }, async (request) => ({ questions: await questionsFor(ctx, request.body.username, request.ip) }));

  app.post('/recovery/password/questions', {
    schema: {
      tags: ['recovery'], summary: 'Sets a new password when every security answer matches; every session ends', description: OFF_NOTE, security: [],
      body: Type.Object({
        username: Type.String({ minLength: 1, maxLength: 64 }),
        answers: Type.Array(Type.String({ maxLength: 60 }), { minItems: 1, maxItems: 3 }),
        newPassword: Type.String({ minLength: 1, maxLength: 256 }),
      }),
      response: { 204: Type.Null() },
    },
  }, async (request, reply) => {
    await resetWithAnswers(ctx, request.body, request.ip);
    return reply.status(204).send(null);
  });
}
