import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireAccount } from '../../platform/auth-guard.js';
import { DISCUSSION_MAX, listDiscussions, postDiscussion, removeDiscussion } from './discussions.js';

const Uuid = Type.String({ format: 'uuid' });
const paging = { page: Type.Integer({ minimum: 1, maximum: 10_000, default: 1 }), pageSize: Type.Integer({ minimum: 1, maximum: 100, default: 20 }) };

const DiscussionView = Type.Object({
  id: Type.String(), body: Type.String({ description: 'plain text; clients escape it' }),
  authorType: Type.String({ enum: ['person', 'group'] }),
  authorName: Type.String({ description: "a person's name masked ('张*'); a group account's name whole" }),
  createdAt: Type.String({ format: 'date-time' }),
});

/** Routes for a project's discussion board (讨论), seed 002 §2.1.6.3 and §2.2.5.6. */
export async function discussionRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { ctx } = app;

  app.get('/projects/:id/discussions', {
    schema: {
      tags: ['discussions'],
      summary: '讨论: a project\'s discussion board, newest first; authors as masked names',
      description: 'Public for published projects (also cancelled ones); a project under review, rejected or unknown: 404. '
        + 'Posts deleted by their author or hidden by the group are not listed.',
      security: [],
      params: Type.Object({ id: Uuid }),
      querystring: Type.Object(paging, { additionalProperties: false }),
      response: {
        200: Type.Object({ items: Type.Array(DiscussionView), total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer() }),
      },
    },
  }, async (request) => listDiscussions(ctx, request.params.id, request.query));

  app.post('/projects/:id/discussions', {
    schema: {
      tags: ['discussions'],
      summary: '发表讨论: a signed-in account posts on a published project\'s board',
      description: `Body 1–${DISCUSSION_MAX} characters after trimming (400 VALIDATION_FAILED: REQUIRED, TOO_LONG), kept as plain text. `
        + '10 per 10 minutes per account (429 DISCUSSION_RATE_LIMITED). 401 without a session; 404 for a project that is not public; '
        + '409 DISCUSSION_CLOSED once cancelled.',
      params: Type.Object({ id: Uuid }),
      // Room for surrounding whitespace: the limit applies to the trimmed text and is checked in code.
      body: Type.Object({ body: Type.String({ minLength: 1, maxLength: DISCUSSION_MAX + 100 }) }, { additionalProperties: false }),
      response: { 201: Type.Object({ id: Type.String() }) },
    },
  }, async (request, reply) => {
    const account = requireAccount(request);
    return reply.status(201).send(await postDiscussion(ctx, account, request.params.id, request.body.body, request.ip));
  });

  app.delete('/discussions/:id', {
    schema: {
      tags: ['discussions'],
      summary: '删除讨论: its author deletes it, or the organising group hides it (audited)',
      description: '204. Its author: gone from every view. The group that published the project (its account or a person acting for it): '
        + 'hidden from the board, still listed to the author as hidden. Anyone else 403; unknown or already deleted 404.',
      params: Type.Object({ id: Uuid }),
      response: { 204: Type.Null() },
    },
  }, async (request, reply) => {
    await removeDiscussion(ctx, request, request.params.id);
    return reply.status(204).send(null);
  });
}
