import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fastifyStatic from '@fastify/static';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppContext } from './platform/context.js';
import { registerErrorHandling } from './platform/errors.js';
import { registerAuthGuard } from './platform/auth-guard.js';
import { loggerOptions } from './platform/logger.js';
import { metaRoutes } from './modules/meta/routes.js';
import { placesRoutes } from './modules/places/routes.js';
import { captchaRoutes } from './modules/captcha/routes.js';
import { passwordPolicyRoutes } from './modules/password-policy/routes.js';
import { volunteerRoutes } from './modules/volunteers/routes.js';
import { accountRoutes } from './modules/accounts/routes.js';
import { authRoutes } from './modules/auth/routes.js';
import { auditRoutes } from './modules/audit/routes.js';
import { smsCodeRoutes } from './modules/sms-codes/routes.js';
import { recoveryRoutes } from './modules/recovery/routes.js';
import { securityQuestionRoutes } from './modules/security-questions/routes.js';
import { realnameRoutes } from './modules/realname/routes.js';
import { selfServiceRoutes } from './modules/self-service/routes.js';
import { unitRoutes } from './modules/units/routes.js';
import { importRoutes } from './modules/imports/routes.js';
import { activationRoutes } from './modules/activation/routes.js';
import { devRoutes } from './modules/dev/routes.js';

import { groupRoutes } from './modules/groups/routes.js';
import { groupSearchRoutes } from './modules/group-search/routes.js';
import { memberRoutes } from './modules/members/routes.js';
import { actingRoutes } from './modules/acting/routes.js';
import { boardRoutes } from './modules/board/routes.js';
import { projectRoutes } from './modules/projects/routes.js';
import { enrollmentRoutes } from './modules/enrollments/routes.js';
import { serviceRecordRoutes } from './modules/service-records/routes.js';
import { scheduleRoutes } from './modules/schedules/routes.js';
import { hourReportRoutes } from './modules/hour-reports/routes.js';
import { hourCorrectionRoutes } from './modules/hour-corrections/routes.js';
import { discussionRoutes } from './modules/discussions/routes.js';
import { certificateRoutes } from './modules/certificates/routes.js';
import { certificateVerifyRoutes } from './modules/certificates/verify-upload.js';
import { trainingRoutes } from './modules/trainings/routes.js';
import { volunteerCardRoutes } from './modules/volunteer-cards/routes.js';
import { evaluationRoutes } from './modules/evaluations/routes.js';
import { commendationRoutes } from './modules/commendations/routes.js';
import { recordTransferRoutes } from './modules/record-transfers/routes.js';
import { homeRoutes } from './modules/home/routes.js';
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface BuildOptions {
  ctx: Omit<AppContext, 'log'>;
  /** Where log lines go; tests capture them to prove nothing sensitive is written. */
  logStream?: NodeJS.WritableStream;
  webRoot?: string | null;
}

export async function buildApp(options: BuildOptions): Promise<FastifyInstance> {
  const { config } = options.ctx;
  const app = Fastify({
    logger: loggerOptions(config.logLevel, options.logStream),
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024,
    ajv: { customOptions: { removeAdditional: 'all', coerceTypes: 'array', useDefaults: true, allErrors: true } },
    genReqId: () => Math.random().toString(36).slice(2, 12),
  });
  app.decorate('ctx', { ...options.ctx, log: app.log });

  registerErrorHandling(app);
  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Zhiyuan 志愿 API',
        version: config.version,
        description: 'National volunteer service information system. Errors are RFC 9457 problem+json with a stable `code` and a Chinese `title`.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'zy_session' },
          bearer: { type: 'http', scheme: 'bearer' },
          selfServiceTicket: { type: 'apiKey', in: 'header', name: 'X-Self-Service-Ticket', description: 'the ticket of POST /api/v1/self-service/identity (15 minutes)' },
        },
      },
      security: [{ session: [] }, { bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  registerAuthGuard(app);

  await app.register(
    async (api) => {
      await api.register(metaRoutes);
      await api.register(placesRoutes);
      await api.register(captchaRoutes);
      await api.register(passwordPolicyRoutes);
      await api.register(volunteerRoutes);
      await api.register(accountRoutes);
      await api.register(authRoutes);
      await api.register(auditRoutes);
      await api.register(smsCodeRoutes);
      await api.register(recoveryRoutes);
      await api.register(securityQuestionRoutes);
      await api.register(groupRoutes);
      await api.register(groupSearchRoutes);
      await api.register(memberRoutes);
      await api.register(actingRoutes);
      await api.register(boardRoutes);
      await api.register(projectRoutes);
      await api.register(enrollmentRoutes);
      await api.register(serviceRecordRoutes);
      await api.register(scheduleRoutes);
      await api.register(hourReportRoutes);
      await api.register(hourCorrectionRoutes);
      await api.register(discussionRoutes);
      await api.register(certificateRoutes);
      await api.register(certificateVerifyRoutes);
      await api.register(trainingRoutes);
      await api.register(volunteerCardRoutes);
      await api.register(evaluationRoutes);
      await api.register(commendationRoutes);
      await api.register(recordTransferRoutes);
      await api.register(homeRoutes);
      await api.register(realnameRoutes);
      await api.register(selfServiceRoutes);
      await api.register(unitRoutes);
      await api.register(importRoutes);
      await api.register(activationRoutes);
      await api.register(devRoutes);
    },
    { prefix: '/api/v1' },
  );

  const webRoot = options.webRoot === undefined ? path.join(PROJECT_ROOT, 'dist', 'web') : options.webRoot;
  if (webRoot && fs.existsSync(path.join(webRoot, 'index.html'))) {
    await app.register(fastifyStatic, { root: webRoot, wildcard: false, index: ['index.html'] });
    // Client-side routes (/login, /me/password, …) all load the single-page app.
    app.get('/*', { schema: { hide: true } }, (request, reply) => {
      // API paths and missing files (anything with an extension) are real 404s, not the app's page.
      const path = request.url.split('?')[0];
      if (path.startsWith('/api/') || /\.[a-z0-9]+$/i.test(path)) return reply.callNotFound();
      return reply.type('text/html; charset=utf-8').sendFile('index.html');
    });
  }
  return app;
}
