import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireAccount } from '../../platform/auth-guard.js';

const Nullable = (t: ReturnType<typeof Type.String>) => Type.Union([t, Type.Null()]);

export async function auditRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = app.ctx;

  app.get('/admin/audit', {
    schema: {
      tags: ['admin'],
      summary: 'The audit log, newest first; system administrators only',
      querystring: Type.Object({
        actorId: Type.Optional(Type.String({ format: 'uuid' })),
        actor: Type.Optional(Type.String({ maxLength: 64, description: 'actor username' })),
        action: Type.Optional(Type.String({ maxLength: 64, description: 'exact action, or a prefix ending in "." such as "auth."' })),
        targetType: Type.Optional(Type.String({ maxLength: 40 })),
        targetId: Type.Optional(Type.String({ maxLength: 80 })),
        outcome: Type.Optional(Type.Union([Type.Literal('success'), Type.Literal('failure'), Type.Literal('denied')])),
        siteCode: Type.Optional(Type.String({ pattern: '^[0-9]{2}$' })),
        ip: Type.Optional(Type.String({ maxLength: 64 })),
        from: Type.Optional(Type.String({ format: 'date-time' })),
        to: Type.Optional(Type.String({ format: 'date-time' })),
        page: Type.Integer({ minimum: 1, maximum: 10000, default: 1 }),
        pageSize: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
      }),
      response: {
        200: Type.Object({
          items: Type.Array(Type.Object({
            id: Type.String(), at: Type.String(), actorId: Nullable(Type.String()), actorUsername: Nullable(Type.String()),
            action: Type.String(), targetType: Nullable(Type.String()), targetId: Nullable(Type.String()),
            siteCode: Nullable(Type.String()), ip: Nullable(Type.String()), outcome: Type.String(), detail: Type.Record(Type.String(), Type.Unknown()),
          })),
          total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer(),
        }),
      },
    },
  }, async (request) => {
    requireAccount(request, 'admin');
    const q = request.query;
    let query = db.selectFrom('audit_log');
    if (q.actorId) query = query.where('actor_id', '=', q.actorId);
    if (q.actor) query = query.where('actor_username', '=', q.actor);
    if (q.action) query = q.action.endsWith('.') ? query.where('action', 'like', `${q.action.replace(/[%_\\]/g, '\\$&')}%`) : query.where('action', '=', q.action);
    if (q.targetType) query = query.where('target_type', '=', q.targetType);
    if (q.targetId) query = query.where('target_id', '=', q.targetId);
    if (q.outcome) query = query.where('outcome', '=', q.outcome);
    if (q.siteCode) query = query.where('site_code', '=', q.siteCode);
    if (q.ip) query = query.where('ip', '=', q.ip);
    if (q.from) query = query.where('at', '>=', new Date(q.from));
    if (q.to) query = query.where('at', '<', new Date(q.to));
    const [rows, count] = await Promise.all([
      query.selectAll().orderBy('at', 'desc').orderBy('id', 'desc').limit(q.pageSize).offset((q.page - 1) * q.pageSize).execute(),
      query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return {
      items: rows.map((r) => ({
        id: r.id, at: r.at.toISOString(), actorId: r.actor_id, actorUsername: r.actor_username, action: r.action,
        targetType: r.target_type, targetId: r.target_id, siteCode: r.site_code, ip: r.ip, outcome: r.outcome,
        detail: r.detail as Record<string, unknown>,
      })),
      total: Number(count.n), page: q.page, pageSize: q.pageSize,
    };
  });
}
