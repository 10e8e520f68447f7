import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireAccount } from '../../platform/auth-guard.js';
import { AppError } from '../../platform/errors.js';
import type { ImportKind, ImportMode } from '../../platform/database/schema.js';
import { createImport, MAX_FILE_BYTES, stopImports } from './job.js';
import { attachment, getImport, listImportRows, listImports, reportCsv, reportFileName, reportJob, reportXlsx, templateCsv, templateXlsx } from './report.js';
import { TEXT } from './text.js';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const RAW_TYPES = ['application/octet-stream', 'text/csv', XLSX_TYPE, 'application/vnd.ms-excel', 'text/plain'];

const Kind = Type.Union([Type.Literal('volunteers'), Type.Literal('staff')], { description: 'volunteers: 志愿者（系统管理员）; staff: 工作人员（单位管理员，导入本单位）' });
const Mode = Type.Union([Type.Literal('all_or_nothing'), Type.Literal('good_rows')], {
  description: 'all_or_nothing (default): any refused row → nothing is created; good_rows: the good rows are created, refused rows reported',
});
const Uuid = Type.String({ format: 'uuid' });
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

const JsonUpload = Type.Object({
  fileName: Type.String({ minLength: 1, maxLength: 200 }),
  contentBase64: Type.String({ minLength: 1, maxLength: 42 * 1024 * 1024 }),
  kind: Kind,
  mode: Type.Optional(Mode),
  siteCode: Type.Optional(Type.String({ pattern: '^[0-9]{2}$' })),
  unitId: Type.Optional(Uuid),
});

const ImportViewSchema = Type.Object({
  id: Type.String(), kind: Type.String(), mode: Type.String(), fileName: Type.String(), format: Type.String(),
  siteCode: Type.String(), unitId: Nullable(Type.String()),
  status: Type.String({ description: 'queued | running | done | rejected (all_or_nothing with refused rows: nothing created) | failed' }),
  phase: Nullable(Type.String({ description: 'reading | checking | writing | notifying while running' })),
  rowsRead: Type.Integer(), total: Type.Union([Type.Integer(), Type.Null()]), processed: Type.Integer(),
  created: Type.Integer(), refused: Type.Integer(), percent: Type.Integer({ minimum: 0, maximum: 100 }),
  error: Type.Union([Type.Object({ code: Type.String(), message: Type.String() }), Type.Null()]),
  createdAt: Type.String(), startedAt: Nullable(Type.String()), finishedAt: Nullable(Type.String()),
  reportUrls: Type.Union([Type.Object({ xlsx: Type.String(), csv: Type.String() }), Type.Null()]),
});

const ReportRowSchema = Type.Object({
  row: Type.Integer(), status: Type.String(), statusText: Type.String(), name: Nullable(Type.String()), username: Nullable(Type.String()),
  reasons: Type.Array(Type.Object({ field: Type.String(), code: Type.String(), message: Type.String() })),
});

function decodeBase64(text: string): Buffer {
  const clean = text.replace(/^data:[^,]*,/, '').replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(clean)) throw new AppError(422, 'IMPORT_FILE_ENCODING', TEXT.badBase64, { errors: [{ field: 'contentBase64', code: 'BAD_FORMAT' }] });
  return Buffer.from(clean, 'base64');
}

/** `X-File-Name: <percent-encoded name>`, for clients that cannot put it in the query. */
function headerFileName(header: string | string[] | undefined): string {
  if (typeof header !== 'string') return '';
  try {
    return decodeURIComponent(header);
  } catch {
    return header;
  }
}

export async function importRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { ctx } = app;

  // Files come as the raw request body (no multipart needed); JSON with base64 content also works.
  fastify.addContentTypeParser(RAW_TYPES, { parseAs: 'buffer', bodyLimit: MAX_FILE_BYTES }, (_request, body, done) => done(null, body));
  fastify.addHook('onClose', async () => stopImports(ctx));

  app.post('/imports', {
    bodyLimit: 42 * 1024 * 1024,
    schema: {
      tags: ['imports'],
      summary: 'Imports people from an .xlsx or .csv file (background job)',
      description:
        'Send the file as the raw body (`Content-Type: text/csv`, `application/octet-stream` or the xlsx type) with `fileName`, `kind`, `mode`, ' +
        '`siteCode` (volunteers) or `unitId` (staff) in the query; or as JSON `{fileName, contentBase64, kind, mode, siteCode?, unitId?}`. ' +
        'Up to 30 MB and 100,000 data rows; row 1 holds the column names (Chinese as in the template, or English field names). ' +
        'Answers 202 with the job id; follow it with GET /imports/{id}. Who may: system administrators; a unit\'s administrators (kind staff, into that unit). ' +
        'Errors: 422 IMPORT_FILE_TYPE, IMPORT_FILE_EMPTY, SITE_UNKNOWN, UNIT_REQUIRED; 403 FORBIDDEN; 404 UNIT_NOT_FOUND; 413 PAYLOAD_TOO_LARGE.',
      querystring: Type.Object({
        fileName: Type.Optional(Type.String({ maxLength: 200 })),
        kind: Type.Optional(Kind),
        mode: Type.Optional(Mode),
        siteCode: Type.Optional(Type.String({ pattern: '^[0-9]{2}$' })),
        unitId: Type.Optional(Uuid),
      }),
      body: {
        content: {
          'application/json': { schema: JsonUpload },
          // Raw uploads: any bytes; what they are is checked by createImport (type, size, then row by row).
          'text/csv': { schema: { description: 'the .csv file as the request body (UTF-8 or GB18030)' } },
          [XLSX_TYPE]: { schema: { description: 'the .xlsx file as the request body' } },
          'application/octet-stream': { schema: { description: 'the .xlsx or .csv file as the request body' } },
        },
      } as never,
      response: { 202: Type.Object({ importId: Type.String(), status: Type.String() }) },
    },
  }, async (request, reply) => {
    const account = requireAccount(request);
    const body = request.body as unknown;
    let input: { fileName: string; content: Buffer; kind: ImportKind; mode: ImportMode; siteCode: string | null; unitId: string | null };
    if (Buffer.isBuffer(body)) {
      const q = request.query;
      if (!q.kind) throw new AppError(400, 'VALIDATION_FAILED', '请指定导入类型（kind）', { errors: [{ field: 'kind', code: 'REQUIRED' }] });
      const fileName = q.fileName || headerFileName(request.headers['x-file-name']);
      input = { fileName, content: body, kind: q.kind, mode: q.mode ?? 'all_or_nothing', siteCode: q.siteCode ?? null, unitId: q.unitId ?? null };
    } else if (body && typeof body === 'object' && 'contentBase64' in body) {
      const json = body as { fileName: string; contentBase64: string; kind: ImportKind; mode?: ImportMode; siteCode?: string; unitId?: string };
      input = { fileName: json.fileName, content: decodeBase64(json.contentBase64), kind: json.kind, mode: json.mode ?? 'all_or_nothing', siteCode: json.siteCode ?? null, unitId: json.unitId ?? null };
    } else {
      throw new AppError(422, 'IMPORT_FILE_EMPTY', TEXT.fileMissing, { errors: [{ field: 'file', code: 'REQUIRED' }] });
    }
    const job = await createImport(ctx, account, input, request.ip);
    return reply.status(202).send({ importId: job.id, status: job.status });
  });

  app.get('/imports', {
    schema: {
      tags: ['imports'],
      summary: 'Your imports, newest first',
      querystring: Type.Object({ page: Type.Integer({ minimum: 1, default: 1 }), pageSize: Type.Integer({ minimum: 1, maximum: 100, default: 20 }) }),
      response: { 200: Type.Object({ items: Type.Array(ImportViewSchema), total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer() }) },
    },
  }, async (request) => listImports(ctx, requireAccount(request), request.query.page, request.query.pageSize));

  app.get('/imports/template.xlsx', {
    schema: {
      tags: ['imports'], summary: 'The import template (.xlsx) for a kind: the column names, and a sheet explaining each column',
      querystring: Type.Object({ kind: Kind }),
    },
  }, async (request, reply) => {
    requireAccount(request);
    const name = request.query.kind === 'staff' ? '工作人员导入模板.xlsx' : '志愿者导入模板.xlsx';
    return reply.type(XLSX_TYPE).header('content-disposition', attachment(name)).send(await templateXlsx(request.query.kind));
  });

  app.get('/imports/template.csv', {
    schema: { tags: ['imports'], summary: 'The import template (.csv, UTF-8) for a kind', querystring: Type.Object({ kind: Kind }) },
  }, async (request, reply) => {
    requireAccount(request);
    const name = request.query.kind === 'staff' ? '工作人员导入模板.csv' : '志愿者导入模板.csv';
    return reply.type('text/csv; charset=utf-8').header('content-disposition', attachment(name)).send(templateCsv(request.query.kind));
  });

  app.get('/imports/:id', {
    schema: {
      tags: ['imports'],
      summary: 'An import: status, progress (processed / total, percent) and summary',
      description: 'Visible to whoever started it and to system administrators; anyone else 404 IMPORT_NOT_FOUND.',
      params: Type.Object({ id: Uuid }),
      response: { 200: ImportViewSchema },
    },
  }, async (request) => getImport(ctx, requireAccount(request), request.params.id));

  app.get('/imports/:id/rows', {
    schema: {
      tags: ['imports'],
      summary: 'The row report, a page at a time: row number, result, and the reasons in Chinese',
      params: Type.Object({ id: Uuid }),
      querystring: Type.Object({
        status: Type.Optional(Type.Union([Type.Literal('created'), Type.Literal('refused'), Type.Literal('not_created')])),
        page: Type.Integer({ minimum: 1, default: 1 }),
        pageSize: Type.Integer({ minimum: 1, maximum: 100, default: 50 }),
      }),
      response: { 200: Type.Object({ items: Type.Array(ReportRowSchema), total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer() }) },
    },
  }, async (request) => listImportRows(ctx, requireAccount(request), request.params.id, request.query));

  for (const ext of ['xlsx', 'csv'] as const) {
    app.get(`/imports/:id/report.${ext}`, {
      schema: {
        tags: ['imports'],
        summary: `The whole row report as a .${ext} file (行号, 结果, 姓名, 用户名, 原因)`,
        description: '409 IMPORT_NOT_FINISHED while the job is still queued or running.',
        params: Type.Object({ id: Uuid }),
      },
    }, async (request, reply) => {
      const job = await reportJob(ctx, requireAccount(request), request.params.id);
      const name = reportFileName(job.file_name, ext);
      reply.header('content-disposition', attachment(name));
      if (ext === 'csv') return reply.type('text/csv; charset=utf-8').send(reportCsv(ctx, job.id));
      return reply.type(XLSX_TYPE).send(reportXlsx(ctx, job.id, {
        fileName: job.file_name, status: job.status, created: job.created_count, refused: job.refused_count, total: job.total, error: job.error,
      }));
    });
  }
}
