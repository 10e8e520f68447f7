import type { FastifyInstance } from 'fastify';

/** Routes for volunteers' correction requests on their service records. */
export async function hourCorrectionRoutes(_fastify: FastifyInstance) {}
