import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { SERVICE_CATEGORIES, SERVICE_FIELDS } from './catalog.js';

const CodeList = Type.Object({ items: Type.Array(Type.Object({ code: Type.String(), name: Type.String() })) });

export async function metaRoutes(app: FastifyInstance) {
  const { config } = app.ctx;

  app.get('/health', {
    schema: {
      tags: ['meta'],
      summary: 'Liveness and the database in use',
      response: { 200: Type.Object({ status: Type.Literal('ok'), database: Type.String(), version: Type.String() }) },
    },
  }, async () => {
    await app.ctx.db.selectNoFrom((eb) => eb.lit(1).as('one')).execute();
    return { status: 'ok' as const, database: app.ctx.dbKind, version: config.version };
  });

  app.get('/client-config', {
    schema: {
      tags: ['meta'],
      summary: 'What the web and phone clients need to know about this server',
      response: { 200: Type.Object({ captcha: Type.String(), production: Type.Boolean(), version: Type.String() }) },
    },
  }, async () => ({ captcha: config.captcha, production: config.production, version: config.version }));

  app.get('/service-categories', {
    schema: { tags: ['meta'], summary: '服务类别: the service categories', response: { 200: CodeList } },
  }, async () => ({ items: SERVICE_CATEGORIES }));

  app.get('/service-fields', {
    schema: { tags: ['meta'], summary: '服务领域/行业: the service fields', response: { 200: CodeList } },
  }, async () => ({ items: SERVICE_FIELDS }));
}
