import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireAccount } from '../../platform/auth-guard.js';
import { listForReview, reviewRealname } from './review.js';

const Nullable = (t: ReturnType<typeof Type.String>) => Type.Union([t, Type.Null()]);

export async function realnameRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { ctx } = app;

  app.get('/admin/realname', {
    schema: {
      tags: ['admin'],
      summary: 'People whose real-name verification needs attention (pending, no_result, failed), oldest registration first; numbers masked. System administrators only',
      querystring: Type.Object({
        status: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('no_result'), Type.Literal('failed')], { description: 'default: all three' })),
        siteCode: Type.Optional(Type.String({ pattern: '^[0-9]{2}$' })),
        page: Type.Integer({ minimum: 1, maximum: 10000, default: 1 }),
        pageSize: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
      }),
      response: {
        200: Type.Object({
          items: Type.Array(Type.Object({
            accountId: Type.String(), username: Type.String(), siteCode: Type.String(), name: Type.String(),
            idType: Type.String(), idNumberMasked: Type.String(), phoneMasked: Nullable(Type.String()),
            realNameStatus: Type.String(),
            note: Nullable(Type.String({ description: 'how the status was reached: manual_review (document the provider cannot check), provider_mismatch, provider_no_record, manual' })),
            needsManualReview: Type.Boolean(),
            checkedAt: Nullable(Type.String()), registeredAt: Type.String(),
            serviceRegionCode: Nullable(Type.String()), volunteerNumber: Nullable(Type.String()),
          })),
          total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer(),
        }),
      },
    },
  }, async (request) => listForReview(ctx, requireAccount(request), request.query));

  app.post('/admin/realname/:accountId', {
    schema: {
      tags: ['admin'],
      summary: 'Records a manual real-name check (verified issues a volunteer number when the service region is set); audited, the person is told by SMS',
      params: Type.Object({ accountId: Type.String({ format: 'uuid' }) }),
      body: Type.Object({
        result: Type.Union([Type.Literal('verified'), Type.Literal('failed')]),
        reason: Type.Optional(Type.String({ maxLength: 200, description: 'told to the person; no document or phone numbers' })),
      }),
      response: {
        200: Type.Object({ accountId: Type.String(), realNameStatus: Type.String(), volunteerNumber: Nullable(Type.String()) }),
      },
    },
  }, async (request) => reviewRealname(ctx, requireAccount(request), request.params.accountId, request.body, request.ip));
}
