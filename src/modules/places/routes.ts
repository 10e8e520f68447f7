import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { childrenOf, getRegion, SITES } from './divisions.js';
import { AppError } from '../../platform/errors.js';
import { requireAccount } from '../../platform/auth-guard.js';
import { audit } from '../../platform/audit.js';
import { DEFAULT_SITE_SETTINGS, siteSettings } from './site-settings.js';
import { refreshPublicity } from '../service-records/effectiveness.js';

const SettingsSchema = Type.Object({
  requirePhoneVerification: Type.Boolean({ description: 'registration needs an SMS code for the phone' }),
  securityQuestions: Type.Boolean({ description: 'password recovery by security questions (off by default; see docs/security.md)' }),
  publicityDays: Type.Integer({ minimum: 0, maximum: 90, description: 'days a new service record stays ineffective for public scrutiny (时长公示期)' }),
});
const SiteParams = Type.Object({ code: Type.String({ pattern: '^[0-9]{2}$' }) });

function knownSite(code: string) {
  if (!SITES.some((s) => s.code === code)) throw new AppError(404, 'SITE_NOT_FOUND', '该分站不存在');
}

export async function placesRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/sites', {
    schema: {
      tags: ['places'],
      summary: 'The provincial-level sites (分站), one per province',
      response: { 200: Type.Object({ items: Type.Array(Type.Object({ code: Type.String(), name: Type.String() })) }) },
    },
  }, async () => ({ items: SITES.map((s) => ({ code: s.code, name: s.name })) }));

  app.get('/regions', {
    schema: {
      tags: ['places'],
      summary: 'Children of an administrative division (GB/T 2260); without `parent`, the provinces',
      querystring: Type.Object({ parent: Type.Optional(Type.String({ pattern: '^[0-9]{2,12}$', description: '2-digit province or 6/9-digit division code' })) }),
      response: {
        200: Type.Object({
          items: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), level: Type.String(), hasChildren: Type.Boolean() })),
        }),
      },
    },
  }, async (request) => {
    let parent = request.query.parent ?? null;
    if (parent && parent.length === 2) parent = `${parent}0000`;
    if (parent && !getRegion(parent)) throw new AppError(404, 'REGION_NOT_FOUND', '该行政区划不存在，请重新选择');
    return { items: childrenOf(parent).map((r) => ({ code: r.code, name: r.name, level: r.level, hasChildren: r.hasChildren })) };
  });

  app.get('/sites/:code/settings', {
    schema: { tags: ['places'], summary: "A site's settings (what clients need to know: e.g. whether registration needs an SMS code)", params: SiteParams, response: { 200: SettingsSchema } },
  }, async (request) => {
    knownSite(request.params.code);
    return siteSettings(app.ctx.db, request.params.code);
  });

  app.patch('/admin/sites/:code/settings', {
    schema: {
      tags: ['admin'], summary: "Changes a site's settings; system administrators only (audited)",
      params: SiteParams, body: Type.Partial(SettingsSchema), response: { 200: SettingsSchema },
    },
  }, async (request) => {
    const admin = requireAccount(request, 'admin');
    knownSite(request.params.code);
    const next = { ...(await siteSettings(app.ctx.db, request.params.code)), ...request.body };
    const stored = Object.fromEntries(Object.entries(next).filter(([k, v]) => DEFAULT_SITE_SETTINGS[k as keyof typeof DEFAULT_SITE_SETTINGS] !== v));
    await app.ctx.db.transaction().execute(async (trx) => {
      await trx.updateTable('sites').set({ settings: JSON.stringify(stored) }).where('code', '=', request.params.code).execute();
      await audit(trx, { actor: admin, action: 'site.settings_update', target: { type: 'site', id: request.params.code }, siteCode: request.params.code, ip: request.ip, outcome: 'success', detail: { changes: request.body } }, app.ctx.now());
    });
    // A shorter publicity window lets waiting records count now (bounded; housekeeping takes any rest). A longer
    // one does not take back hours already effective.
    if (request.body.publicityDays !== undefined) await refreshPublicity(app.ctx.db, app.ctx.now(), { siteCode: request.params.code });
    return next;
  });
}
