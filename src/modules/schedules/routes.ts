import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { UUID_PATTERN } from '../../platform/ids.js';
import { assignByGroup, dropShift, pickShift, unassignByGroup } from './assign.js';
import { correctCheckOut, scan, shiftAttendance, shiftQr } from './attendance.js';
import { mySchedule, toICalendar } from './mine.js';
import { createShift, listShifts } from './shifts.js';
import { TEXT } from './text.js';

const Uuid = Type.String({ pattern: UUID_PATTERN });
const IdParams = Type.Object({ id: Uuid });
const AccountParams = Type.Object({ id: Uuid, accountId: Uuid });
const DateTime = Type.String({ format: 'date-time' });
const NullableString = Type.Union([Type.String(), Type.Null()]);
const Shift = Type.Object({
  id: Type.String(), projectId: Type.String(), positionId: Type.String(), positionName: Type.String(),
  startsAt: Type.String(), endsAt: Type.String(), capacity: Type.Integer(), assigned: Type.Integer(),
});
const MyShift = Type.Object({
  shiftId: Type.String(), projectId: Type.String(), projectName: Type.String(), positionName: Type.String(), address: Type.String(),
  startsAt: Type.String(), endsAt: Type.String(), checkedInAt: NullableString, checkedOutAt: NullableString,
});
const Kind = Type.Union([Type.Literal('check_in'), Type.Literal('check_out')]);
const Attendance = Type.Object({ shiftId: Type.String(), kind: Kind, checkedInAt: Type.String(), checkedOutAt: NullableString });
const Empty = Type.Null();

/** Routes for shifts (排班) and attendance (签到/签退). */
export async function scheduleRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { ctx } = app;

  app.post('/projects/:id/shifts', {
    schema: {
      tags: ['schedules'],
      summary: '新增班次: the project\'s group adds a shift of one position (inside the project dates, capacity ≥ 1)',
      description: 'Errors: 400 VALIDATION_FAILED (positionId UNKNOWN, startsAt/endsAt OUTSIDE_PROJECT, endsAt BEFORE_START); ' +
        '403 GROUP_LEVEL_INSUFFICIENT; 404 NOT_FOUND (also another group\'s project); 409 PROJECT_NOT_PUBLISHED.',
      params: IdParams,
      body: Type.Object({ positionId: Uuid, startsAt: DateTime, endsAt: DateTime, capacity: Type.Integer({ minimum: 1, maximum: 10000 }) },
        { additionalProperties: false }),
      response: { 201: Shift },
    },
  }, async (request, reply) => reply.status(201).send(await createShift(ctx, request, request.params.id, request.body)));

  app.get('/projects/:id/shifts', {
    schema: {
      tags: ['schedules'],
      summary: '项目班次: a published project\'s shifts with how many are assigned to each',
      params: IdParams,
      response: { 200: Type.Object({ items: Type.Array(Shift) }) },
    },
  }, async (request) => listShifts(ctx, request, request.params.id));

  app.post('/shifts/:id/assignments', {
    schema: {
      tags: ['schedules'],
      summary: '排班: the project\'s group puts a volunteer enrolled in the shift\'s position into the shift',
      description: 'Errors: 404 NOT_FOUND (also another group\'s shift); 409 NOT_ENROLLED, ALREADY_ASSIGNED, SHIFT_OVERLAP, SHIFT_FULL.',
      params: IdParams,
      body: Type.Object({ accountId: Uuid }, { additionalProperties: false }),
      response: { 204: Empty },
    },
  }, async (request, reply) => {
    await assignByGroup(ctx, request, request.params.id, request.body.accountId);
    return reply.status(204).send(null);
  });

  app.delete('/shifts/:id/assignments/:accountId', {
    schema: {
      tags: ['schedules'],
      summary: '取消排班: the project\'s group takes a volunteer off a shift (not once they have checked in)',
      description: 'Errors: 404 NOT_FOUND; 409 ALREADY_CHECKED_IN.',
      params: AccountParams,
      response: { 204: Empty },
    },
  }, async (request, reply) => {
    await unassignByGroup(ctx, request, request.params.id, request.params.accountId);
    return reply.status(204).send(null);
  });

  app.post('/shifts/:id/assignments/me', {
    schema: {
      tags: ['schedules'],
      summary: '选择班次: the signed-in volunteer picks a shift of the position they are enrolled in',
      description: 'Errors: 404 NOT_FOUND; 409 NOT_ENROLLED, ALREADY_ASSIGNED, SHIFT_OVERLAP, SHIFT_FULL.',
      params: IdParams,
      response: { 204: Empty },
    },
  }, async (request, reply) => {
    await pickShift(ctx, request, request.params.id);
    return reply.status(204).send(null);
  });

  app.delete('/shifts/:id/assignments/me', {
    schema: {
      tags: ['schedules'],
      summary: '退出班次: the signed-in volunteer leaves a shift (not once checked in)',
      description: 'Errors: 404 NOT_FOUND; 409 ALREADY_CHECKED_IN.',
      params: IdParams,
      response: { 204: Empty },
    },
  }, async (request, reply) => {
    await dropShift(ctx, request, request.params.id);
    return reply.status(204).send(null);
  });

  app.get('/me/schedule', {
    schema: {
      tags: ['schedules'],
      summary: '我的排班: the signed-in volunteer\'s shifts with their attendance',
      response: { 200: Type.Object({ items: Type.Array(MyShift) }) },
    },
  }, async (request) => mySchedule(ctx, request));

  app.get('/me/schedule.ics', {
    schema: {
      tags: ['schedules'],
      summary: '导出日历: the signed-in volunteer\'s shifts as an iCalendar (.ics) file',
      produces: ['text/calendar'],
    },
  }, async (request, reply) => {
    const { items } = await mySchedule(ctx, request);
    return reply
      .header('content-type', 'text/calendar; charset=utf-8')
      .header('content-disposition', 'attachment; filename="schedule.ics"')
      .send(toICalendar(items, ctx.now(), TEXT.calendarName));
  });

  app.get('/shifts/:id/qr', {
    schema: {
      tags: ['schedules'],
      summary: '签到二维码: the project\'s group gets a signed code for check-in or check-out, valid for 3 minutes',
      description: 'qrDataUrl is a PNG data URL (null if the qrcode package is missing) of `<publicUrl>/checkin?t=<token>`, which phone ' +
        'camera apps open; POST /attendance/scan takes the token. Errors: 404 NOT_FOUND (also another group\'s shift).',
      params: IdParams,
      querystring: Type.Object({ kind: Kind }),
      response: { 200: Type.Object({ token: Type.String(), kind: Kind, expiresAt: Type.String(), qrDataUrl: NullableString }) },
    },
  }, async (request) => shiftQr(ctx, request, request.params.id, request.query.kind));

  app.post('/attendance/scan', {
    schema: {
      tags: ['schedules'],
      summary: '扫码签到/签退: the signed-in volunteer scans the group\'s code; repeating a scan changes nothing',
      description: 'Errors: 403 NOT_ASSIGNED; 409 NOT_CHECKED_IN (check-out first); 422 QR_INVALID, QR_EXPIRED, TOO_FAR (over 1 km from the project\'s point).',
      body: Type.Object({
        token: Type.String({ minLength: 1, maxLength: 200 }),
        lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })),
        lng: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })),
      }, { additionalProperties: false }),
      response: { 200: Attendance },
    },
  }, async (request) => scan(ctx, request, request.body));

  app.post('/shifts/:id/attendance/:accountId/correction', {
    schema: {
      tags: ['schedules'],
      summary: '更正签退: the project\'s group enters a missed (or automatic) check-out with a reason',
      description: 'Errors: 400 VALIDATION_FAILED (reason REQUIRED, checkedOutAt BEFORE_CHECK_IN or FUTURE); 404 NOT_FOUND.',
      params: AccountParams,
      body: Type.Object({ checkedOutAt: DateTime, reason: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false }),
      response: { 200: Attendance },
    },
  }, async (request) => correctCheckOut(ctx, request, request.params.id, request.params.accountId, request.body));

  app.get('/shifts/:id/attendance', {
    schema: {
      tags: ['schedules'],
      summary: '班次考勤: the project\'s group sees who is assigned and their check-in/out',
      params: IdParams,
      response: {
        200: Type.Object({
          items: Type.Array(Type.Object({
            accountId: Type.String(), name: Type.String(), assignedBy: Type.String(), checkedInAt: NullableString, checkedOutAt: NullableString,
            checkOutKind: NullableString, correctionReason: NullableString, flagged: Type.Boolean(),
          })),
        }),
      },
    },
  }, async (request) => shiftAttendance(ctx, request, request.params.id));
}
