import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { SERVICE_CATEGORY_CODES } from '../meta/catalog.js';
import { publishProject } from './publish.js';
import { projectDetail } from './detail.js';
import { reviewProject } from './review.js';
import { cancelProject, editProject } from './edit.js';
import { groupProjects, SEARCH_TOTAL_CAP, searchPublicProjects } from './search.js';
import { COVER_TEXT, SERVICE_TARGET_CODES } from './text.js';
import { PROJECT_STATUS_SCHEMA } from './status.js';
import { AppError } from '../../platform/errors.js';
import { COVER_UPLOAD_TYPES, COVER_WIDTH, MAX_COVER_BYTES, MAX_COVER_PIXELS, readCover, removeCover, setCover } from './cover.js';

const DATE = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description: 'YYYY-MM-DD, China time (+08:00)' });
const LOCATION = Type.Object({ lat: Type.Number({ minimum: -90, maximum: 90 }), lng: Type.Number({ minimum: -180, maximum: 180 }) },
  { additionalProperties: false, description: 'a point inside mainland China (WGS-84)' });
const CATEGORY = Type.Union(SERVICE_CATEGORY_CODES.map((c) => Type.Literal(c)), { description: 'one service category code' });
const TARGET = Type.Union(SERVICE_TARGET_CODES.map((c) => Type.Literal(c)), { description: '服务对象 code' });
const SCOPE = Type.Union([Type.Literal('public'), Type.Literal('members')]);
const ID_PARAMS = Type.Object({ id: Type.String({ format: 'uuid' }) });
const PAGE = { page: Type.Integer({ minimum: 1, maximum: 10_000, default: 1 }), pageSize: Type.Integer({ minimum: 1, maximum: 100, default: 20 }) };

const COVER_URL = Type.Union([Type.String(), Type.Null()], { description: 'the cover image (GET, image/jpeg), versioned by `v`; null without one' });

const LIST_ITEM = Type.Object({
  id: Type.String(), siteCode: Type.String(), groupId: Type.String(), name: Type.String(), regionCode: Type.String(), regionName: Type.String(),
  category: Type.String(), serviceTarget: Type.String(), enrollmentScope: Type.String(), startDate: Type.String(), endDate: Type.String(),
  recruitFrom: Type.String(), recruitTo: Type.String(), address: Type.String(), location: Type.Union([LOCATION, Type.Null()]),
  status: PROJECT_STATUS_SCHEMA, totalQuota: Type.Integer(), enrolledCount: Type.Integer(), createdAt: Type.String({ format: 'date-time' }),
  distanceKm: Type.Union([Type.Number(), Type.Null()], { description: 'km from `near`; null without it' }),
  coverUrl: COVER_URL,
});
const PAGE_OF = Type.Object({ items: Type.Array(LIST_ITEM), total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer() });
const SEARCH_PAGE = Type.Object({
  items: Type.Array(LIST_ITEM),
  total: Type.Integer({ description: `exact up to ${SEARCH_TOTAL_CAP} (or to the end of a deeper page)` }),
  totalCapped: Type.Boolean({ description: `true when more projects match than total says (show "${SEARCH_TOTAL_CAP}+")` }),
  page: Type.Integer(),
  pageSize: Type.Integer(),
});
const STATUS_REPLY = Type.Object({ id: Type.String(), status: PROJECT_STATUS_SCHEMA });

/** Routes for volunteer projects: publication, review, detail, editing, cancellation and search. */
export async function projectRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { ctx } = app;

  app.post('/projects', {
    schema: {
      tags: ['projects'],
      summary: '发布志愿项目: by a group; published directly or for review by its level',
      description: 'The group (its own account, or a person acting for it) publishes in its own site. Levels with publish_project_direct ' +
        'publish as recruiting; basic and primary_group levels as pending_review; others 403 GROUP_LEVEL_INSUFFICIENT. ' +
        'recruitFrom defaults to today and recruitTo to endDate. Bad fields: 400 VALIDATION_FAILED naming each (NOT_GROUP_SITE, ' +
        'UNKNOWN_REGION, NOT_IN_SITE, TOO_BROAD, BAD_DATE, IN_PAST, BEFORE_START, BEFORE_FROM, AFTER_END, OUTSIDE_CHINA, DUPLICATE or a schema keyword).',
      body: Type.Object({
        name: Type.String({ minLength: 2, maxLength: 100 }),
        siteCode: Type.String({ pattern: '^[0-9]{2}$' }),
        regionCode: Type.String({ pattern: '^([0-9]{6}|[0-9]{9})$', description: 'a city, county or town inside the site' }),
        category: CATEGORY,
        serviceTarget: TARGET,
        enrollmentScope: SCOPE,
        startDate: DATE,
        endDate: DATE,
        recruitFrom: Type.Optional(DATE),
        recruitTo: Type.Optional(DATE),
        address: Type.String({ minLength: 1, maxLength: 200 }),
        location: Type.Optional(LOCATION),
        description: Type.Optional(Type.String({ maxLength: 5000 })),
        positions: Type.Array(Type.Object({
          name: Type.String({ minLength: 1, maxLength: 50 }),
          quota: Type.Integer({ minimum: 1, maximum: 10_000 }),
          requirements: Type.Optional(Type.String({ maxLength: 500 })),
        }, { additionalProperties: false }), { minItems: 1, maxItems: 50 }),
        exemptPassword: Type.Optional(Type.String({ minLength: 4, maxLength: 32, description: '免审密码: volunteers who know it enrol without review' })),
      }, { additionalProperties: false }),
      response: { 201: STATUS_REPLY },
    },
  }, async (request, reply) => reply.status(201).send(await publishProject(ctx, request, request.body)));

  app.get('/projects', {
    schema: {
      tags: ['projects'],
      summary: '志愿项目搜索: published projects by every filter, with distance',
      description: 'Public. Lists published projects (status recruiting, in_progress or finished, from their dates), or cancelled ones ' +
        'with status=cancelled. regionCode matches the region and all inside it; name is a case-insensitive substring; from/to keep ' +
        'projects whose dates overlap the range; minQuota/maxQuota bound the total quota; near=`lat,lng` keeps projects within ' +
        'radiusKm (default 10, at most 200) and sorts nearest first unless sort says otherwise. Bad filters: 400 VALIDATION_FAILED ' +
        '(UNKNOWN_SITE, NOT_IN_SITE, BAD_DATE, BEFORE_FROM, BELOW_MIN, BAD_POINT, NEAR_REQUIRED or a schema keyword). ' +
        `total is exact up to ${SEARCH_TOTAL_CAP} matches (or to the end of a deeper page); beyond that it says that many and totalCapped is true.`,
      security: [],
      querystring: Type.Object({
        siteCode: Type.Optional(Type.String({ pattern: '^[0-9]{2}$' })),
        regionCode: Type.Optional(Type.String({ pattern: '^([0-9]{6}|[0-9]{9})$' })),
        category: Type.Optional(CATEGORY),
        status: Type.Optional(Type.Union([Type.Literal('recruiting'), Type.Literal('in_progress'), Type.Literal('finished'), Type.Literal('cancelled')])),
        enrollmentScope: Type.Optional(SCOPE),
        serviceTarget: Type.Optional(TARGET),
        minQuota: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
        maxQuota: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
        id: Type.Optional(Type.String({ format: 'uuid' })),
        name: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
        from: Type.Optional(DATE),
        to: Type.Optional(DATE),
        near: Type.Optional(Type.String({ maxLength: 40, description: '`lat,lng`' })),
        radiusKm: Type.Number({ exclusiveMinimum: 0, maximum: 200, default: 10 }),
        sort: Type.Optional(Type.Union([Type.Literal('newest'), Type.Literal('start'), Type.Literal('distance')])),
        ...PAGE,
      }, { additionalProperties: false }),
      response: { 200: SEARCH_PAGE },
    },
  }, async (request) => searchPublicProjects(ctx, request.query));

  app.get('/projects/:id', {
    schema: {
      tags: ['projects'],
      summary: '项目详情: public once published; under review or rejected only to its group and authorities (others 404)',
      params: ID_PARAMS,
      response: {
        200: Type.Object({
          id: Type.String(), siteCode: Type.String(), groupId: Type.String(), groupName: Type.String(), name: Type.String(),
          regionCode: Type.String(), regionName: Type.String(), category: Type.String(), serviceTarget: Type.String(),
          enrollmentScope: Type.String(), startDate: Type.String(), endDate: Type.String(), recruitFrom: Type.String(), recruitTo: Type.String(),
          recruitmentOpen: Type.Boolean(), address: Type.String(), location: Type.Union([LOCATION, Type.Null()]), description: Type.String(),
          status: PROJECT_STATUS_SCHEMA, reviewReason: Type.Union([Type.String(), Type.Null()]), cancelReason: Type.Union([Type.String(), Type.Null()]),
          exemptPasswordSet: Type.Boolean(), totalQuota: Type.Integer(), enrolledCount: Type.Integer(), totalHours: Type.Number(),
          positions: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), quota: Type.Integer(), requirements: Type.String(), enrolledCount: Type.Integer() })),
          coverUrl: COVER_URL, createdAt: Type.String({ format: 'date-time' }),
        }),
      },
    },
  }, async (request) => projectDetail(ctx, request, request.params.id));

  app.post('/projects/:id/review', {
    schema: {
      tags: ['projects'],
      summary: '项目审核: by a system administrator or an advanced group whose jurisdiction covers the project',
      description: 'Others get 404. reject needs a reason (422 REASON_REQUIRED); a decided project answers 409 PROJECT_ALREADY_REVIEWED.',
      params: ID_PARAMS,
      body: Type.Object({
        decision: Type.Union([Type.Literal('approve'), Type.Literal('reject')]),
        reason: Type.Optional(Type.String({ maxLength: 500 })),
      }, { additionalProperties: false }),
      response: { 200: STATUS_REPLY },
    },
  }, async (request) => reviewProject(ctx, request, request.params.id, request.body));

  app.patch('/projects/:id', {
    schema: {
      tags: ['projects'],
      summary: '修改项目: description, address, location, recruitment window, exempt password and position quotas, by its group',
      description: 'Not after the project finished, was cancelled or rejected (409 PROJECT_NOT_EDITABLE). A quota below the ' +
        'enrolled count answers 409 QUOTA_BELOW_ENROLLED. location or exemptPassword null removes it.',
      params: ID_PARAMS,
      body: Type.Object({
        description: Type.Optional(Type.String({ maxLength: 5000 })),
        address: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
        location: Type.Optional(Type.Union([LOCATION, Type.Null()])),
        recruitFrom: Type.Optional(DATE),
        recruitTo: Type.Optional(DATE),
        exemptPassword: Type.Optional(Type.Union([Type.String({ minLength: 4, maxLength: 32 }), Type.Null()])),
        positions: Type.Optional(Type.Array(Type.Object({
          id: Type.String({ format: 'uuid' }), quota: Type.Integer({ minimum: 1, maximum: 10_000 }),
        }, { additionalProperties: false }), { maxItems: 50 })),
      }, { additionalProperties: false, minProperties: 1 }),
      response: { 200: Type.Object({ id: Type.String() }) },
    },
  }, async (request) => editProject(ctx, request, request.params.id, request.body));

  app.post('/projects/:id/cancel', {
    schema: {
      tags: ['projects'],
      summary: '取消项目: by its group, with a reason, before it finishes',
      description: 'Another group gets 404; a finished, rejected or cancelled project 409 PROJECT_NOT_CANCELLABLE.',
      params: ID_PARAMS,
      body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false }),
      response: { 200: STATUS_REPLY },
    },
  }, async (request) => cancelProject(ctx, request, request.params.id, request.body));

  // The cover upload is the raw image as the body. Its own scope reads any body as bytes (the bytes decide what it is),
  // and names the cover's limits in its errors instead of the generic ones.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_COVER_BYTES }, (request, body, done) => {
      const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (!(COVER_UPLOAD_TYPES as readonly string[]).includes(type)) done(new AppError(415, 'COVER_TYPE_UNSUPPORTED', COVER_TEXT.unsupportedType), undefined);
      else done(null, body);
    });
    scope.setErrorHandler((error: Error & { code?: string }) => {
      if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') throw new AppError(413, 'COVER_TOO_LARGE', COVER_TEXT.tooLarge);
      if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') throw new AppError(415, 'COVER_TYPE_UNSUPPORTED', COVER_TEXT.unsupportedType);
      throw error;
    });
    scope.withTypeProvider<TypeBoxTypeProvider>().put('/projects/:id/cover', {
      schema: {
        tags: ['projects'],
        summary: '项目封面: the organising group uploads the cover image as the raw body',
        description: `Content-Type image/jpeg, image/png or image/webp (else 415 COVER_TYPE_UNSUPPORTED); at most ${MAX_COVER_BYTES / 1024 / 1024} MB `
          + `(413 COVER_TOO_LARGE) and ${MAX_COVER_PIXELS / 1_000_000} megapixels (413 COVER_TOO_MANY_PIXELS). The bytes decide the type, not the `
          + 'header: anything that is not a whole JPEG, PNG or WebP answers 400 COVER_INVALID. The image is decoded and written anew as a JPEG '
          + `at most ${COVER_WIDTH} px wide, without EXIF or any other metadata; it replaces the previous cover. Not the organising group: 403; `
          + 'no session 401; a finished, cancelled or rejected project 409 PROJECT_NOT_EDITABLE.',
        params: ID_PARAMS,
        body: {
          content: Object.fromEntries(COVER_UPLOAD_TYPES.map((t) => [t, { schema: { description: 'the image file as the request body' } }])),
        } as never,
        response: { 200: Type.Object({ coverUrl: Type.String() }) },
      },
    }, async (request) => setCover(ctx, request, request.params.id, request.body));
  });

  app.delete('/projects/:id/cover', {
    schema: {
      tags: ['projects'],
      summary: '删除项目封面: by the organising group (audited); 204 also when there was none',
      description: 'Not the organising group: 403; no session 401; unknown project 404.',
      params: ID_PARAMS,
      response: { 204: Type.Null() },
    },
  }, async (request, reply) => {
    await removeCover(ctx, request, request.params.id);
    return reply.status(204).send(null);
  });

  app.get('/projects/:id/cover', {
    schema: {
      tags: ['projects'],
      summary: '项目封面图片 (image/jpeg), with ETag; 304 on If-None-Match',
      description: 'Public for published projects; while under review or rejected only for its group and authorities (others 404). '
        + 'No cover: 404 COVER_NOT_FOUND. With `v` equal to the current version (as in coverUrl) the answer may be cached for good.',
      security: [],
      params: ID_PARAMS,
      querystring: Type.Object({ v: Type.Optional(Type.String({ maxLength: 64 })) }),
      response: { 200: { type: 'string', format: 'binary', description: 'image/jpeg' } as never, 304: Type.Null() },
    },
  }, async (request, reply) => {
    const cover = await readCover(ctx, request, request.params.id, request.query.v);
    reply.header('etag', `"${cover.etag}"`).header('cache-control', cover.cacheControl).header('x-content-type-options', 'nosniff');
    if (cover.notModified) return reply.status(304).send(null);
    return reply.type('image/jpeg').send(cover.image);
  });

  app.get('/groups/:id/projects', {
    schema: {
      tags: ['projects'],
      summary: '团体的项目: every status for the group and its authorities, published and cancelled ones for everyone else',
      params: ID_PARAMS,
      querystring: Type.Object(PAGE, { additionalProperties: false }),
      response: { 200: PAGE_OF },
    },
  }, async (request) => groupProjects(ctx, request, request.params.id, request.query));
}
