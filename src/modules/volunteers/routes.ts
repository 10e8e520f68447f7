import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { RegisterVolunteerBody, RegisterVolunteerReply } from './schemas.js';
import { registerVolunteer } from './register.js';

export async function volunteerRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post('/volunteers', {
    schema: {
      tags: ['volunteers'],
      summary: 'Registers a real-name volunteer (志愿者注册)',
      description: 'Errors: 422 PASSWORD_POLICY, ID_NUMBER_INVALID, CAPTCHA_INVALID, USERNAME_INVALID, PHONE_INVALID, REGION_INVALID; 409 ID_NUMBER_REGISTERED, USERNAME_TAKEN, PHONE_REGISTERED.',
      security: [],
      body: RegisterVolunteerBody,
      response: { 201: RegisterVolunteerReply },
    },
  }, async (request, reply) => {
    const created = await registerVolunteer(app.ctx, request.body, request.ip);
    return reply.status(201).send(created);
  });
}
