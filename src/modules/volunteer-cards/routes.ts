import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { AppError } from '../../platform/errors.js';
import { checkCard, CHECK_LIMIT, CHECK_WINDOW_SECONDS, myCard, myCardPdf, myCardPng } from './card.js';
import { MAX_PHOTO_BYTES, PHOTO_SIZE, PHOTO_UPLOAD_TYPES, readPhoto, removePhoto, setPhoto } from './photo.js';
import { CARD_PX } from './render.js';
import { PHOTO_TEXT } from './text.js';

const NOT_READY = '409 CARD_REALNAME_REQUIRED (real-name verification not passed), 409 CARD_NUMBER_MISSING (no volunteer number yet)';

/** Routes for the volunteer card (志愿者证): the ID photo, the card's data, PNG and PDF downloads, the public check. */
export async function volunteerCardRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { ctx } = app;

  // The photo upload is the raw image as the body. Its own scope reads any body as bytes (the bytes decide what it
  // is), and names the photo's limits in its errors instead of the generic ones.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_PHOTO_BYTES }, (request, body, done) => {
      const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (!(PHOTO_UPLOAD_TYPES as readonly string[]).includes(type)) done(new AppError(415, 'PHOTO_TYPE_UNSUPPORTED', PHOTO_TEXT.unsupportedType), undefined);
      else done(null, body);
    });
    scope.setErrorHandler((error: Error & { code?: string }) => {
      if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') throw new AppError(413, 'PHOTO_TOO_LARGE', PHOTO_TEXT.tooLarge);
      if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') throw new AppError(415, 'PHOTO_TYPE_UNSUPPORTED', PHOTO_TEXT.unsupportedType);
      throw error;
    });
    scope.withTypeProvider<TypeBoxTypeProvider>().put('/me/card/photo', {
      schema: {
        tags: ['volunteer-cards'],
        summary: '上传志愿者证件照: the signed-in volunteer uploads the ID photo for the card as the raw body',
        description: `Content-Type image/jpeg or image/png (else 415 PHOTO_TYPE_UNSUPPORTED); at most ${MAX_PHOTO_BYTES / 1024 / 1024} MB `
          + '(413 PHOTO_TOO_LARGE) and 25 megapixels (413 PHOTO_TOO_MANY_PIXELS). The bytes decide the type, not the header: anything '
          + 'that is not a whole JPEG or PNG, or is smaller than 150×200 px, answers 400 PHOTO_INVALID. The image is decoded, cropped to '
          + `the ID-photo shape and written anew as a ${PHOTO_SIZE.width}×${PHOTO_SIZE.height} JPEG without EXIF, GPS, ICC or any other `
          + 'metadata; it replaces the previous photo. 401 without a session; 403 for other kinds of account.',
        body: {
          content: Object.fromEntries(PHOTO_UPLOAD_TYPES.map((t) => [t, { schema: { description: 'the image file as the request body' } }])),
        } as never,
        response: { 200: Type.Object({ photoUrl: Type.String() }) },
      },
    }, async (request) => setPhoto(ctx, request, request.body));
  });

  app.get('/me/card/photo', {
    schema: {
      tags: ['volunteer-cards'],
      summary: '志愿者证件照 (image/jpeg) of the signed-in volunteer, with ETag; 304 on If-None-Match',
      description: '404 PHOTO_NOT_FOUND before an upload; 401; 403 for other kinds of account. With `v` equal to the current version '
        + '(as in photoUrl) the browser may keep it for good.',
      querystring: Type.Object({ v: Type.Optional(Type.String({ maxLength: 64 })) }),
      response: { 200: { type: 'string', format: 'binary', description: 'image/jpeg' } as never, 304: Type.Null() },
    },
  }, async (request, reply) => {
    const photo = await readPhoto(ctx, request, request.query.v);
    reply.header('etag', `"${photo.etag}"`).header('cache-control', photo.cacheControl).header('x-content-type-options', 'nosniff');
    if (photo.notModified) return reply.status(304).send(null);
    return reply.type('image/jpeg').send(photo.image);
  });

  app.delete('/me/card/photo', {
    schema: {
      tags: ['volunteer-cards'],
      summary: '删除志愿者证件照 (audited); 204 also when there was none',
      description: '401; 403 for other kinds of account.',
      response: { 204: Type.Null() },
    },
  }, async (request, reply) => {
    await removePhoto(ctx, request);
    return reply.status(204).send(null);
  });

  app.get('/me/card', {
    schema: {
      tags: ['volunteer-cards'],
      summary: '我的志愿者证: what the signed-in volunteer\'s card shows (seed 002 §2.1.6.2)',
      description: `photoUrl is null until a photo is uploaded. Errors: 401; 403 (not a volunteer); ${NOT_READY}.`,
      response: {
        200: Type.Object({
          name: Type.String(), volunteerNumber: Type.String(), siteName: Type.String(), regionName: Type.Union([Type.String(), Type.Null()]),
          registeredOn: Type.String({ description: 'China date of registration, YYYY-MM-DD' }), stars: Type.Integer({ minimum: 0, maximum: 5 }),
          totalHours: Type.Number(), photoUrl: Type.Union([Type.String(), Type.Null()]),
          checkUrl: Type.String({ description: 'the public check page the QR code opens' }),
        }),
      },
    },
  }, async (request) => myCard(ctx, request));

  app.get('/me/card.png', {
    schema: {
      tags: ['volunteer-cards'],
      summary: '下载志愿者证图片: one side of the card as a PNG, CR80 at 300 dpi',
      description: `image/png, ${CARD_PX.width}×${CARD_PX.height} px. The front carries the photo, name, number, site, region and stars; `
        + `the back the QR code to checkUrl. Errors: 401; 403 (not a volunteer); ${NOT_READY}; 409 CARD_PHOTO_MISSING (no photo uploaded).`,
      querystring: Type.Object({ side: Type.Optional(Type.Union([Type.Literal('front'), Type.Literal('back')], { default: 'front' })) }),
      response: { 200: { type: 'string', format: 'binary', description: 'image/png' } as never },
    },
  }, async (request, reply) => {
    const side = request.query.side ?? 'front';
    const { png, number } = await myCardPng(ctx, request, side);
    return reply.type('image/png').header('content-disposition', `attachment; filename="volunteer-card-${number}-${side}.png"`)
      .header('cache-control', 'private, no-store').send(png);
  });

  app.get('/me/card.pdf', {
    schema: {
      tags: ['volunteer-cards'],
      summary: '打印志愿者证: front and back at real size (85.6 × 54 mm) on one A4 page with cut marks',
      description: `application/pdf. Errors: 401; 403 (not a volunteer); ${NOT_READY}; 409 CARD_PHOTO_MISSING (no photo uploaded).`,
      response: { 200: { type: 'string', format: 'binary', description: 'application/pdf' } as never },
    },
  }, async (request, reply) => {
    const { pdf, number } = await myCardPdf(ctx, request);
    return reply.type('application/pdf').header('content-disposition', `attachment; filename="volunteer-card-${number}.pdf"`)
      .header('cache-control', 'private, no-store').send(pdf);
  });

  app.get('/volunteers/:number/card-check', {
    schema: {
      tags: ['volunteer-cards'],
      summary: '志愿者证查验: public check of the volunteer number on a card (the QR code\'s page); name masked',
      description: `valid is false for a disabled account or a lapsed verification. Errors: 404 NOT_FOUND (unknown number); `
        + `429 CARD_CHECK_RATE_LIMITED with retryAfter after ${CHECK_LIMIT} checks a ${CHECK_WINDOW_SECONDS}-second window from one address.`,
      security: [],
      params: Type.Object({ number: Type.String({ pattern: '^[0-9A-Za-z]{1,32}$', description: 'volunteer number' }) }),
      response: {
        200: Type.Object({
          valid: Type.Boolean(), volunteerName: Type.String({ description: 'masked: first character, then *' }), volunteerNumber: Type.String(),
          siteName: Type.String(), stars: Type.Integer({ minimum: 0, maximum: 5 }),
        }),
      },
    },
  }, async (request) => checkCard(ctx, request, request.params.number));
}
