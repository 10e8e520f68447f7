import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { listOutbox } from '../../platform/outbox/outbox.js';

const Nullable = (t: ReturnType<typeof Type.String>) => Type.Union([t, Type.Null()]);

/**
 * Development aids (api.md, "Development aid"). None of these routes exists when NODE_ENV=production: there
 * the paths answer 404 like any unknown path.
 */
export async function devRoutes(fastify: FastifyInstance) {
  if (fastify.ctx.config.production) return;
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { ctx } = app;

  app.get('/dev/outbox', {
    schema: {
      tags: ['dev'],
      summary: 'Messages sent to an e-mail address or phone number, newest first (not in production)',
      description: 'Lists every SMS and e-mail the server wrote to that address, delivered or not; `sentAt` is the delivery time, or the time it was written while undelivered. Absent (404) when NODE_ENV=production.',
      security: [],
      querystring: Type.Object({ to: Type.String({ minLength: 1, maxLength: 254, description: 'e-mail address or mobile number' }) }),
      response: {
        200: Type.Object({
          items: Type.Array(Type.Object({
            channel: Type.Union([Type.Literal('sms'), Type.Literal('email')]),
            to: Type.String(), subject: Type.String(), body: Type.String(),
            code: Nullable(Type.String()), link: Nullable(Type.String()), sentAt: Type.String(),
          })),
        }),
      },
    },
  }, async (request) => ({ items: await listOutbox(ctx, request.query.to) }));
}
