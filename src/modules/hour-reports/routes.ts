import type { FastifyInstance } from 'fastify';

/** Routes for reports (举报) on service records. */
export async function hourReportRoutes(_fastify: FastifyInstance) {}
