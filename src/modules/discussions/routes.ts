import type { FastifyInstance } from 'fastify';

/** Routes for a project's discussion board (讨论). */
export async function discussionRoutes(_fastify: FastifyInstance) {}
