import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { UUID_PATTERN } from '../../platform/ids.js';
import { certificatePdf, checkCertificate, myCertificates } from './check.js';
import { issueCertificate } from './issue.js';
import { hitWindow } from '../../platform/rate-limit.js';
import { errors } from '../../platform/errors.js';
import { TEXT } from './text.js';

const CHECKS_PER_MINUTE = 60;

const Number_ = Type.String({ minLength: 1, maxLength: 40, description: 'certificate number, e.g. ZY1120261121K7Q3M9X2P' });
const Kind = Type.Union([Type.Literal('platform'), Type.Literal('project')]);
const Status = Type.Union([Type.Literal('valid'), Type.Literal('revoked')]);

/** Routes for certificates (志愿服务证明): issue, download, public check. */
export async function certificateRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { ctx } = app;

  app.post('/me/certificates', {
    // The body is optional: a POST without one asks for the platform certificate.
    preValidation: async (request) => { request.body ??= {}; },
    schema: {
      tags: ['certificates'],
      summary: '开具志愿服务证明: the signed-in volunteer gets a signed certificate of their effective hours; with projectId, for one project, issued by its organising group',
      description: 'At most one per 3 hours. Errors: 401; 403 CERTIFICATE_NOT_VERIFIED (no real-name verification or volunteer number), ' +
        'FORBIDDEN (not a volunteer); 404 NOT_FOUND (projectId); 409 CERTIFICATE_NO_HOURS; 429 CERTIFICATE_RATE_LIMITED with retryAfter (seconds).',
      body: Type.Object({ projectId: Type.Optional(Type.String({ pattern: UUID_PATTERN })) }, { additionalProperties: false }),
      response: { 201: Type.Object({ number: Type.String(), downloadUrl: Type.String() }) },
    },
  }, async (request, reply) => reply.status(201).send(await issueCertificate(ctx, request, request.body.projectId)));

  app.get('/me/certificates', {
    schema: {
      tags: ['certificates'],
      summary: '我的志愿服务证明: the signed-in volunteer\'s certificates (newest 50) and when the next may be issued',
      description: 'Errors: 401; 403 FORBIDDEN (not a volunteer).',
      response: {
        200: Type.Object({
          items: Type.Array(Type.Object({
            number: Type.String(), kind: Kind, projectId: Type.Union([Type.String(), Type.Null()]), issuer: Type.String(),
            totalHours: Type.Number(), issuedAt: Type.String(), downloadUrl: Type.String(), status: Status,
          })),
          nextIssueAt: Type.Union([Type.String(), Type.Null()]),
        }),
      },
    },
  }, async (request) => myCertificates(ctx, request));

  app.get('/certificates/:number/pdf', {
    schema: {
      tags: ['certificates'],
      summary: '下载志愿服务证明: the signed A4 PDF, for the volunteer it certifies or the group that issued a project certificate',
      description: 'application/pdf. Errors: 401; 403 FORBIDDEN (someone else\'s certificate); 404 NOT_FOUND.',
      params: Type.Object({ number: Number_ }),
    },
  }, async (request, reply) => {
    const { number, pdf } = await certificatePdf(ctx, request, request.params.number);
    return reply.type('application/pdf').header('content-disposition', `attachment; filename="${number}.pdf"`)
      .header('cache-control', 'private, no-store').send(pdf);
  });

  app.get('/certificates/:number', {
    schema: {
      tags: ['certificates'],
      summary: '志愿服务证明查询: public check of a certificate number; what it certified, name masked, and whether it still holds',
      description: 'valid is false and status "revoked" once any record it counted was deleted, corrected or made ineffective. ' +
        `Errors: 404 NOT_FOUND (unknown number or wrong check character); 429 CERTIFICATE_CHECK_RATE_LIMITED (${CHECKS_PER_MINUTE} a minute per address).`,
      security: [],
      params: Type.Object({ number: Number_ }),
      response: {
        200: Type.Object({
          valid: Type.Boolean(), revoked: Type.Boolean(), status: Status, revokedAt: Type.Union([Type.String(), Type.Null()]),
          number: Type.String(), kind: Kind, volunteerName: Type.String(), volunteerNumber: Type.String(), totalHours: Type.Number(),
          issuedAt: Type.String(), issuer: Type.String(),
          projects: Type.Array(Type.Object({ name: Type.String(), organiser: Type.String(), from: Type.String(), to: Type.String(), hours: Type.Number() })),
          trainings: Type.Optional(Type.Array(Type.Object({
            kind: Type.Union([Type.Literal('offline'), Type.Literal('course'), Type.Literal('exam')]), title: Type.String(), provider: Type.String(),
            completedOn: Type.String({ description: 'YYYY-MM-DD, China time' }), score: Type.Union([Type.Integer(), Type.Null()], { description: 'exams: best score in percent' }),
          }), { description: 'platform certificates only: completed offline trainings, courses and passed exams at issue, oldest first' })),
        }),
      },
    },
  }, async (request) => {
    // Numbers carry 40 random bits; the limit keeps anyone from trying them in bulk all the same.
    const hit = await hitWindow(ctx.db, `certificate-check:${request.ip}`, 60, CHECKS_PER_MINUTE, ctx.now());
    if (!hit.allowed) throw errors.tooMany('CERTIFICATE_CHECK_RATE_LIMITED', TEXT.checkRateLimited, hit.retryAfter);
    return checkCertificate(ctx, request.params.number);
  });
}
