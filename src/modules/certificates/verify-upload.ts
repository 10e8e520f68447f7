import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../platform/context.js';
import { AppError, errors } from '../../platform/errors.js';
import { hitWindow } from '../../platform/rate-limit.js';
import { checkCertificate } from './check.js';
import { signingIdentityOf } from './document.js';
import { verifyCertificatePdf, type VerifyFailure } from './signing.js';

export const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;
export const VERIFY_LIMIT = 20;
export const VERIFY_WINDOW_SECONDS = 600;

const UPLOAD_TEXT = {
  notPdf: '请上传志愿服务证明的 PDF 文件（以 %PDF 开头的文件）',
  tooLarge: '文件不能超过 5 MB，志愿服务证明的 PDF 通常只有几百 KB',
  wrongType: '请以 application/pdf 格式上传证明文件',
  tooMany: '核验过于频繁，请稍后再试',
} as const;

type Signature = 'valid' | 'modified' | 'not_signed' | 'untrusted';

// Anything that breaks the signature's framing or value counts as altered: a genuine file never has those faults.
const SIGNATURE_OF: Record<VerifyFailure, Signature> = {
  NOT_SIGNED: 'not_signed', MALFORMED: 'modified', MODIFIED: 'modified', APPENDED: 'modified', UNTRUSTED_SIGNER: 'untrusted',
};

/**
 * 上传证明文件核验: checks an uploaded certificate PDF's signature against this platform's certificate, then looks
 * its number up like the public check. The number is reported even for an altered file, so the page can show what
 * the platform actually issued under it.
 */
export async function verifyUpload(ctx: AppContext, request: FastifyRequest, pdf: Buffer) {
  const hit = await hitWindow(ctx.db, `certificate-verify:${request.ip}`, VERIFY_WINDOW_SECONDS, VERIFY_LIMIT, ctx.now());
  if (!hit.allowed) throw errors.tooMany('CERTIFICATE_VERIFY_RATE_LIMITED', UPLOAD_TEXT.tooMany, hit.retryAfter);
  if (pdf.length < 8 || pdf.subarray(0, 1024).indexOf('%PDF-') < 0) throw new AppError(400, 'CERTIFICATE_FILE_INVALID', UPLOAD_TEXT.notPdf);
  const check = verifyCertificatePdf(pdf, [signingIdentityOf(ctx).fingerprint]);
  const signature: Signature = check.ok ? 'valid' : SIGNATURE_OF[check.reason];
  let certificate: Awaited<ReturnType<typeof checkCertificate>> | null = null;
  if (check.number) {
    try {
      certificate = await checkCertificate(ctx, check.number);
    } catch (error) {
      if (!(error instanceof AppError) || error.status !== 404) throw error;
    }
  }
  return {
    signature, number: check.number, known: certificate !== null, revoked: certificate?.revoked ?? false, certificate,
  };
}

const Project = Type.Object({ name: Type.String(), organiser: Type.String(), from: Type.String(), to: Type.String(), hours: Type.Number() });
const Certificate = Type.Object({
  valid: Type.Boolean(), revoked: Type.Boolean(), status: Type.Union([Type.Literal('valid'), Type.Literal('revoked')]),
  revokedAt: Type.Union([Type.String(), Type.Null()]), number: Type.String(),
  kind: Type.Union([Type.Literal('platform'), Type.Literal('project')]), volunteerName: Type.String(), volunteerNumber: Type.String(),
  totalHours: Type.Number(), issuedAt: Type.String(), issuer: Type.String(), projects: Type.Array(Project),
});

/** POST /certificates/verify: anyone uploads a certificate PDF as the raw body and learns whether it is genuine. */
export async function certificateVerifyRoutes(fastify: FastifyInstance) {
  const { ctx } = fastify;
  // Its own scope reads the body as bytes, so the upload's limits answer in its own words.
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_UPLOAD_BYTES }, (request, body, done) => {
    const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/pdf' && type !== 'application/octet-stream') done(new AppError(415, 'CERTIFICATE_FILE_TYPE', UPLOAD_TEXT.wrongType), undefined);
    else done(null, body);
  });
  fastify.setErrorHandler((error: Error & { code?: string }) => {
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') throw new AppError(413, 'CERTIFICATE_FILE_TOO_LARGE', UPLOAD_TEXT.tooLarge);
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') throw new AppError(415, 'CERTIFICATE_FILE_TYPE', UPLOAD_TEXT.wrongType);
    if (error.code === 'FST_ERR_CTP_EMPTY_BODY') throw new AppError(400, 'CERTIFICATE_FILE_INVALID', UPLOAD_TEXT.notPdf);
    throw error;
  });
  fastify.withTypeProvider<TypeBoxTypeProvider>().post('/certificates/verify', {
    schema: {
      tags: ['certificates'],
      summary: '上传证明文件核验: anyone uploads a certificate PDF; is its signature the platform\'s and intact, and is its number known and not revoked',
      description: `Raw body, Content-Type application/pdf, at most ${MAX_UPLOAD_BYTES / 1024 / 1024} MB. signature: valid (signed by this `
        + 'platform, unchanged since), modified (changed after signing, or a broken signature), not_signed (no signature), untrusted (signed '
        + 'by someone else). number is the certificate number the file names; certificate is the public check of it (null when unknown). '
        + 'Errors: 400 CERTIFICATE_FILE_INVALID (not a PDF or empty); 413 CERTIFICATE_FILE_TOO_LARGE; 415 CERTIFICATE_FILE_TYPE; '
        + `429 CERTIFICATE_VERIFY_RATE_LIMITED with retryAfter after ${VERIFY_LIMIT} uploads in ${VERIFY_WINDOW_SECONDS / 60} minutes from one address.`,
      security: [],
      body: { content: { 'application/pdf': { schema: { description: 'the certificate PDF as the request body' } } } } as never,
      response: {
        200: Type.Object({
          signature: Type.Union([Type.Literal('valid'), Type.Literal('modified'), Type.Literal('not_signed'), Type.Literal('untrusted')]),
          number: Type.Union([Type.String(), Type.Null()]),
          known: Type.Boolean(),
          revoked: Type.Boolean(),
          certificate: Type.Union([Certificate, Type.Null()]),
        }),
      },
    },
  }, async (request) => verifyUpload(ctx, request, request.body as Buffer));
}
