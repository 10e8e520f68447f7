import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireAccount } from '../../platform/auth-guard.js';
import { errors } from '../../platform/errors.js';
import { IdTypeSchema } from '../volunteers/schemas.js';
import { MeSchema } from './schemas.js';
import { loadMe } from './me.js';
import { readProfile, updateProfile, type ProfilePatch } from './profile.js';

const Bag = Type.Record(Type.String({ maxLength: 40 }), Type.Unknown(), { description: 'free-form tab, at most 4 KB' });
const Nullable = (t: ReturnType<typeof Type.String>) => Type.Union([t, Type.Null()]);

export async function accountRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { ctx } = app;

  app.get('/me', {
    schema: { tags: ['accounts'], summary: 'The signed-in account', response: { 200: MeSchema } },
  }, async (request) => {
    const account = requireAccount(request);
    const me = await loadMe(ctx.db, account.id);
    if (!me) throw errors.unauthenticated();
    return me;
  });

  app.get('/me/profile', {
    schema: {
      tags: ['accounts'],
      summary: 'Your profile tabs (basic, identity, intentions, skills, other, event); full ID-card and phone numbers for the owner only',
      response: {
        200: Type.Object({
          basic: Type.Object({ id: Type.String(), username: Type.String(), siteCode: Type.String(), volunteerNumber: Nullable(Type.String()), email: Nullable(Type.String()), phone: Nullable(Type.String()), registeredAt: Type.String() }),
          identity: Type.Object({ name: Nullable(Type.String()), idType: Nullable(Type.String()), idNumber: Nullable(Type.String()), birthDate: Nullable(Type.String()), gender: Nullable(Type.String()), realNameStatus: Type.String(), locked: Type.Boolean() }),
          intentions: Type.Object({ serviceRegionCode: Nullable(Type.String()), serviceRegionName: Nullable(Type.String()), serviceCategories: Type.Array(Type.String()), serviceFields: Type.Array(Type.String()) }),
          skills: Type.Record(Type.String(), Type.Unknown()),
          other: Type.Record(Type.String(), Type.Unknown()),
          event: Type.Record(Type.String(), Type.Unknown()),
        }),
      },
    },
  }, async (request) => readProfile(ctx, requireAccount(request)));

  app.patch('/me/profile', {
    schema: {
      tags: ['accounts'],
      summary: 'Saves any of the profile tabs; identity is locked once verified (409 IDENTITY_LOCKED)',
      body: Type.Object({
        basic: Type.Optional(Type.Object({ email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })) })),
        identity: Type.Optional(Type.Object({
          name: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
          // No default here (unlike registration): a name-only correction must keep the document type it has.
          idType: Type.Optional(Type.Union(IdTypeSchema.anyOf, { description: '证件类型' })),
          idNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
        })),
        intentions: Type.Optional(Type.Object({
          serviceRegionCode: Type.Optional(Type.String({ pattern: '^[0-9]{6,12}$' })),
          serviceCategories: Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { maxItems: 20, uniqueItems: true })),
          serviceFields: Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { maxItems: 20, uniqueItems: true })),
        })),
        skills: Type.Optional(Bag), other: Type.Optional(Bag), event: Type.Optional(Bag),
      }),
      response: { 204: Type.Null() },
    },
  }, async (request, reply) => {
    const account = requireAccount(request);
    for (const tab of ['skills', 'other', 'event'] as const) {
      if (request.body[tab] && JSON.stringify(request.body[tab]).length > 4096) {
        throw errors.validation('资料内容过长，请精简后保存', [{ field: tab, code: 'TOO_LONG' }]);
      }
    }
    await updateProfile(ctx, account, request.body as ProfilePatch, request.ip);
    return reply.status(204).send(null);
  });
}
