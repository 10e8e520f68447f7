import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { UUID_PATTERN } from '../../platform/ids.js';
import { deleteRecord, recordHours } from './record.js';
import { myHours, mySummary, organiserRecords, projectHours } from './listing.js';
import { recordFromAttendance, unrecordedAttendance, UNRECORDED_LIMIT } from './from-attendance.js';
import { hoursTemplate, importHours, MAX_IMPORT_BYTES, MAX_IMPORT_ROWS } from './import.js';
import { parseMultipart } from './multipart.js';
import { AppError } from '../../platform/errors.js';
import { IMPORT_TEXT } from './text.js';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const Created = Type.Object({ created: Type.Integer(), ids: Type.Array(Type.String()) });
const HoursErrors = 'INVALID, HOURS_INVALID, HOURS_EXCEED_SPAN, FUTURE_DATE, OUTSIDE_PROJECT, NOT_ENROLLED, UNKNOWN, OVERLAP, DAILY_CAP';

const Uuid = Type.String({ pattern: UUID_PATTERN });
const Params = Type.Object({ id: Uuid });
const Paging = { page: Type.Integer({ minimum: 1, default: 1 }), pageSize: Type.Integer({ minimum: 1, maximum: 100, default: 20 }) };
const Status = Type.Union([Type.Literal('effective'), Type.Literal('ineffective'), Type.Literal('deleted')]);
const NullableString = Type.Union([Type.String(), Type.Null()]);
const Page = <T extends ReturnType<typeof Type.Object>>(item: T) =>
  Type.Object({ items: Type.Array(item), total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer() });

// Row fields are checked by the handler rather than the schema, so a bad row is reported by its index with the rest.
const RecordRow = Type.Object({
  volunteerId: Type.String({ maxLength: 64 }),
  positionId: Type.Optional(Type.String({ maxLength: 64 })),
  serviceDate: Type.String({ maxLength: 10, description: 'YYYY-MM-DD, China time' }),
  startTime: Type.String({ maxLength: 5, description: 'HH:MM' }),
  endTime: Type.String({ maxLength: 5, description: 'HH:MM; earlier than startTime: the shift ends the next day' }),
  hours: Type.Number({ description: 'at most the span, two decimals' }),
  note: Type.Optional(Type.String({ maxLength: 500 })),
}, { additionalProperties: false });

/** Routes for service records (服务时长): recording, the public listing, and a volunteer's hours and totals. */
export async function serviceRecordRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { ctx } = app;

  // The hour import takes one file as multipart/form-data, read whole (a few MB) and split by parseMultipart.
  // Above this limit Fastify answers 413; between 5 MB and this the handler answers 400 IMPORT_FILE_TOO_LARGE.
  fastify.addContentTypeParser('multipart/form-data', { parseAs: 'buffer', bodyLimit: 2 * MAX_IMPORT_BYTES }, (_request, body, done) => done(null, body));

  app.post('/projects/:id/hours', {
    bodyLimit: 4 * 1024 * 1024,
    schema: {
      tags: ['hours'],
      summary: '记录服务时长: the organising group records a batch of hours; all rows or none',
      description: 'Errors: 403 NOT_ORGANISER (another group), GROUP_LEVEL_INSUFFICIENT; 404 NOT_FOUND; 422 HOURS_INVALID with ' +
        'errors [{field: "records[3].hours", code}] for each bad row; codes INVALID, HOURS_INVALID, HOURS_EXCEED_SPAN, FUTURE_DATE, ' +
        'OUTSIDE_PROJECT, NOT_ENROLLED, UNKNOWN (positionId), OVERLAP, DAILY_CAP (24 h per China day), EMPTY.',
      params: Params,
      body: Type.Object({ records: Type.Array(RecordRow, { maxItems: 10_000 }) }, { additionalProperties: false }),
      response: { 201: Type.Object({ created: Type.Integer(), ids: Type.Array(Type.String()) }) },
    },
  }, async (request, reply) => reply.status(201).send(await recordHours(ctx, request, request.params.id, request.body.records)));

  app.delete('/hours/:id', {
    schema: {
      tags: ['hours'],
      summary: '删除服务时长: the organising group marks a record deleted with a reason; the row and its history stay',
      description: 'Errors: 400 reason REQUIRED; 403 NOT_ORGANISER; 404 NOT_FOUND; 409 ALREADY_DELETED.',
      params: Params,
      body: Type.Object({ reason: Type.String({ maxLength: 500 }) }, { additionalProperties: false }),
      response: { 204: Type.Null() },
    },
  }, async (request, reply) => {
    await deleteRecord(ctx, request, request.params.id, request.body.reason);
    return reply.status(204).send(null);
  });

  app.get('/projects/:id/hours', {
    schema: {
      tags: ['hours'],
      summary: '时长公示: the public listing of a project\'s effective hours, names masked',
      params: Params,
      querystring: Type.Object(Paging),
      response: {
        200: Page(Type.Object({
          id: Type.String(), volunteerName: Type.String(), volunteerNumber: NullableString, serviceDate: Type.String(),
          startTime: Type.String(), endTime: Type.String(), hours: Type.Number(),
        })),
      },
    },
  }, async (request) => projectHours(ctx, request.params.id, request.query.page, request.query.pageSize));

  app.get('/me/hours', {
    schema: {
      tags: ['hours'],
      summary: '我的服务时长: the signed-in volunteer\'s records by status (default effective)',
      querystring: Type.Object({ status: Type.Optional(Status), ...Paging }),
      response: {
        200: Page(Type.Object({
          id: Type.String(), siteCode: Type.String(), projectId: Type.String(), projectName: Type.String(), serviceDate: Type.String(),
          startTime: Type.String(), endTime: Type.String(), hours: Type.Number(), note: NullableString, status: Status,
          ineffectiveReason: NullableString, deletedAt: NullableString, deletedReason: NullableString,
        })),
      },
    },
  }, async (request) => myHours(ctx, request, request.query.status ?? 'effective', request.query.page, request.query.pageSize));

  app.get('/me/summary', {
    schema: {
      tags: ['hours'],
      summary: '志愿者主页汇总: effective hours, stars (1–5 at 100/300/600/1000/1500 h), joined groups, enrolled projects',
      response: { 200: Type.Object({ totalHours: Type.Number(), stars: Type.Integer(), groups: Type.Integer(), projects: Type.Integer() }) },
    },
  }, async (request) => mySummary(ctx, request));

  app.get('/projects/:id/attendance/unrecorded', {
    schema: {
      tags: ['hours'],
      summary: '待记录签到: the organising group\'s attendance with check-in and check-out not yet turned into service records',
      description: 'Times are China time, whole minutes inside the shift: the start (later of check-in and shift start) rounded up, the end ' +
        '(earlier of check-out and shift end) rounded down; hours = that span rounded down to two decimals. flagged: checked out ' +
        'automatically and not corrected (correct the check-out first; it cannot be recorded as it is). from/to filter the China date of ' +
        `check-in; at most ${UNRECORDED_LIMIT} rows, oldest first. Errors: 400 VALIDATION_FAILED (from/to); 403 NOT_ORGANISER; 404 NOT_FOUND.`,
      params: Params,
      querystring: Type.Object({
        from: Type.Optional(Type.String({ maxLength: 10, description: 'YYYY-MM-DD' })),
        to: Type.Optional(Type.String({ maxLength: 10, description: 'YYYY-MM-DD' })),
      }),
      response: {
        200: Type.Object({
          items: Type.Array(Type.Object({
            attendanceId: Type.String(), volunteerId: Type.String(), volunteerName: Type.String(), volunteerNumber: NullableString,
            positionId: Type.String(), shiftId: Type.String(), serviceDate: Type.String(), startTime: Type.String(), endTime: Type.String(),
            hours: Type.Number(), flagged: Type.Boolean(),
          })),
        }),
      },
    },
  }, async (request) => unrecordedAttendance(ctx, request, request.params.id, request.query.from, request.query.to));

  app.post('/projects/:id/hours/from-attendance', {
    schema: {
      tags: ['hours'],
      summary: '按签到记录生成服务时长: records hours from attendance rows, through the batch rules; all rows or none',
      description: 'Each row as in GET /projects/{id}/attendance/unrecorded. Errors: 403 NOT_ORGANISER, GROUP_LEVEL_INSUFFICIENT; 404 NOT_FOUND; ' +
        `422 HOURS_INVALID with errors [{field: "attendanceIds[3]", code}]: ${HoursErrors}, and UNKNOWN (not this project's attendance), ` +
        'DUPLICATE, NOT_CHECKED_OUT, FLAGGED (automatic check-out not corrected), NO_TIME_IN_SHIFT, ALREADY_RECORDED (a record, even a ' +
        'deleted one, was already made from it); 409 ALREADY_RECORDED when a parallel request took it first.',
      params: Params,
      body: Type.Object({ attendanceIds: Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: 10_000 }) }, { additionalProperties: false }),
      response: { 201: Created },
    },
  }, async (request, reply) => reply.status(201).send(await recordFromAttendance(ctx, request, request.params.id, request.body.attendanceIds)));

  app.post('/projects/:id/hours/import', {
    bodyLimit: 2 * MAX_IMPORT_BYTES,
    schema: {
      tags: ['hours'],
      summary: '导入服务时长: records hours from an .xlsx or .csv file through the batch rules; all rows or none',
      description: `multipart/form-data with one file (field \`file\`, .xlsx or .csv, at most ${MAX_IMPORT_BYTES / 1024 / 1024} MB and ` +
        `${MAX_IMPORT_ROWS} data rows) and optional \`dryRun=true\` (check only). Row 1 holds the column names, in any order: ` +
        '志愿者编号 or 证件号码 (either identifies the volunteer), 岗位 (position name, optional), 服务日期, 开始时间, 结束时间, 时长(小时), 备注. ' +
        'Answers 201 {created, ids}, or with dryRun 200 {ok, rows}. Errors: 400 IMPORT_FILE_MISSING, IMPORT_FILE_TYPE, IMPORT_FILE_EMPTY, ' +
        'IMPORT_FILE_TOO_LARGE, IMPORT_FILE_UNREADABLE, IMPORT_TOO_MANY_ROWS, IMPORT_HEADER_MISSING, IMPORT_HEADER_DUPLICATE; 403 NOT_ORGANISER; ' +
        `404 NOT_FOUND; 422 HOURS_INVALID with errors [{row, field (column header), code, message}]: ${HoursErrors}, REQUIRED, ` +
        'VOLUNTEER_NOT_FOUND, ID_NUMBER_AS_NUMBER, TOO_LONG.',
      params: Params,
      querystring: Type.Object({ dryRun: Type.Optional(Type.Boolean({ description: 'same as the form field' })) }),
      response: { 200: Type.Object({ ok: Type.Boolean(), rows: Type.Integer() }), 201: Created },
    },
  }, async (request, reply) => {
    const body = request.body as unknown;
    const parts = Buffer.isBuffer(body) ? parseMultipart(body, request.headers['content-type']) : null;
    if (!parts) throw new AppError(400, 'IMPORT_FILE_MISSING', IMPORT_TEXT.notMultipart, { errors: [{ field: 'file', code: 'REQUIRED' }] });
    const file = parts.find((p) => p.name === 'file' && p.fileName !== null) ?? parts.find((p) => p.fileName !== null);
    if (!file) throw new AppError(400, 'IMPORT_FILE_MISSING', IMPORT_TEXT.fileMissing, { errors: [{ field: 'file', code: 'REQUIRED' }] });
    const dryRunField = parts.find((p) => p.name === 'dryRun' && p.fileName === null)?.data.toString('utf8').trim();
    const dryRun = request.query.dryRun === true || dryRunField === 'true' || dryRunField === '1';
    const result = await importHours(ctx, request, request.params.id, { fileName: file.fileName ?? '', content: file.data }, dryRun);
    return reply.status('ok' in result ? 200 : 201).send(result);
  });

  app.get('/projects/:id/hours/template.xlsx', {
    schema: {
      tags: ['hours'],
      summary: '服务时长导入模板: the .xlsx template (column names, one example row, and a sheet of notes), for the organising group',
      description: 'Errors: 403 NOT_ORGANISER; 404 NOT_FOUND.',
      params: Params,
    },
  }, async (request, reply) => {
    const content = await hoursTemplate(ctx, request, request.params.id);
    return reply.type(XLSX_TYPE)
      .header('content-disposition', `attachment; filename="hours-template.xlsx"; filename*=UTF-8''${encodeURIComponent('服务时长导入模板.xlsx')}`)
      .send(content);
  });

  app.get('/projects/:id/service-records', {
    schema: {
      tags: ['hours'],
      summary: '项目服务时长管理: every record of a project with full names, for the organising group (or an authority over it)',
      description: 'All statuses unless status is given; newest service date first. Errors: 403 NOT_ORGANISER; 404 NOT_FOUND.',
      params: Params,
      querystring: Type.Object({ status: Type.Optional(Status), ...Paging }),
      response: {
        200: Page(Type.Object({
          id: Type.String(), volunteerId: Type.String(), volunteerName: Type.String(), volunteerNumber: NullableString, positionId: NullableString,
          serviceDate: Type.String(), startTime: Type.String(), endTime: Type.String(), hours: Type.Number(), status: Status,
          ineffectiveReason: NullableString, deletedReason: NullableString, note: NullableString, createdAt: Type.String(),
        })),
      },
    },
  }, async (request) => organiserRecords(ctx, request, request.params.id, request.query.status, request.query.page, request.query.pageSize));
}
