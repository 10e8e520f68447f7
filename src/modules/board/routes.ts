import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireAccount } from '../../platform/auth-guard.js';
import { COMMENT_MAX, listComments, listMyComments, moderateComment, postComment } from './comments.js';
import {
  COMPLAINT_MAX, HIDE_BATCH_MAX, NOTE_MAX, handleComplaint, hideComplaints, listInbox, listMyComplaints, markRead, submitComplaint,
} from './complaints.js';

const Uuid = Type.String({ format: 'uuid' });
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const paging = { page: Type.Integer({ minimum: 1, default: 1 }), pageSize: Type.Integer({ minimum: 1, maximum: 100, default: 20 }) };
const listOf = <T extends ReturnType<typeof Type.Object>>(item: T) =>
  Type.Object({ items: Type.Array(item), total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer() });
// Room for surrounding whitespace: the limits apply to the trimmed text and are checked in code.
const text = (max: number) => Type.String({ minLength: 1, maxLength: max + 100 });

const CommentView = Type.Object({
  id: Type.String(), body: Type.String(), authorName: Type.String({ description: "Masked, e.g. '张*'" }),
  status: Type.String({ enum: ['visible', 'hidden'] }), createdAt: Type.String(), moderatedAt: Nullable(Type.String()),
});
const MyCommentView = Type.Object({
  id: Type.String(), targetType: Type.String({ enum: ['group', 'project'], description: "'group': a group board comment (留言); 'project': a project discussion (讨论)" }),
  targetId: Type.String(), targetName: Type.String(), body: Type.String(), status: Type.String(), createdAt: Type.String(),
});
const ComplaintStatus = Type.String({ enum: ['new', 'read', 'handled'] });
const InboxView = Type.Object({
  id: Type.String(), targetType: Type.String({ enum: ['group', 'volunteer'] }),
  target: Type.Union([Type.Object({ accountId: Type.String(), name: Type.String(), username: Type.String() }), Type.Null()]),
  body: Type.String(), status: ComplaintStatus, handledNote: Nullable(Type.String()), hidden: Type.Boolean(), createdAt: Type.String(),
  complainant: Type.Object({
    name: Type.String({ description: 'Masked for the group itself, whole for an authority over the group' }),
    username: Type.Optional(Type.String({ description: 'Only for an authority over the group' })),
  }),
});
const MyComplaintView = Type.Object({
  id: Type.String(), groupId: Type.String(), groupName: Type.String(), targetType: Type.String({ enum: ['group', 'volunteer'] }),
  target: Type.Union([Type.Object({ accountId: Type.String(), name: Type.String() }), Type.Null()]),
  body: Type.String(), status: ComplaintStatus, handledNote: Nullable(Type.String()), createdAt: Type.String(),
});

/** Routes for group message boards (留言) and complaints (投诉), seed 002 §2.1.6.3, §2.1.6.7, §2.2.5.6, §2.2.5.12. */
export async function boardRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { ctx } = app;

  app.post('/groups/:id/comments', {
    schema: {
      tags: ['board'],
      summary: '写留言: a signed-in volunteer or staff member posts on an approved group\'s board',
      description: `Body 1–${COMMENT_MAX} characters after trimming, stored and returned as plain text (clients escape it). `
        + '10 per 10 minutes per account (429 COMMENT_RATE_LIMITED). Unknown or unapproved group: 404.',
      params: Type.Object({ id: Uuid }),
      body: Type.Object({ body: text(COMMENT_MAX) }, { additionalProperties: false }),
      response: { 201: Type.Object({ id: Type.String() }) },
    },
  }, async (request, reply) => {
    const account = requireAccount(request, 'volunteer', 'staff');
    return reply.status(201).send(await postComment(ctx, account, request.params.id, request.body.body, request.ip));
  });

  app.get('/groups/:id/comments', {
    schema: {
      tags: ['board'],
      summary: '留言咨询: a group\'s board, newest first; authors as masked names',
      description: 'Public: visible comments only. `includeHidden=true` is for the group itself (moderate_board) and shows hidden ones too.',
      security: [],
      params: Type.Object({ id: Uuid }),
      querystring: Type.Object({ ...paging, includeHidden: Type.Optional(Type.Boolean()) }),
      response: { 200: listOf(CommentView) },
    },
  }, async (request) => listComments(ctx, request, request.params.id, request.query));

  for (const [action, status] of [['hide', 'hidden'], ['show', 'visible']] as const) {
    app.post(`/groups/:id/comments/:commentId/${action}`, {
      schema: {
        tags: ['board'],
        summary: action === 'hide' ? 'The group hides a comment from its board (audited)' : 'The group shows a hidden comment again (audited)',
        params: Type.Object({ id: Uuid, commentId: Uuid }),
        response: { 200: Type.Object({ id: Type.String(), status: Type.String({ enum: ['visible', 'hidden'] }) }) },
      },
    }, async (request) => moderateComment(ctx, request, request.params.id, request.params.commentId, status));
  }

  app.get('/me/comments', {
    schema: {
      tags: ['board'],
      summary: '我的评论: the caller\'s comments on group boards and project discussions, newest first',
      querystring: Type.Object(paging),
      response: { 200: listOf(MyCommentView) },
    },
  }, async (request) => listMyComments(ctx, requireAccount(request), request.query));

  app.post('/complaints', {
    schema: {
      tags: ['board'],
      summary: '我要投诉: a volunteer complains about a group, or about a member volunteer to that group',
      description: `Body 1–${COMPLAINT_MAX} characters after trimming. targetType volunteer needs targetAccountId, a joined member of `
        + 'the group (422 TARGET_NOT_MEMBER). 5 per hour per account (429 COMPLAINT_RATE_LIMITED).',
      body: Type.Object({
        groupId: Uuid,
        targetType: Type.Union([Type.Literal('group'), Type.Literal('volunteer')]),
        targetAccountId: Type.Optional(Uuid),
        body: text(COMPLAINT_MAX),
      }, { additionalProperties: false }),
      response: { 201: Type.Object({ id: Type.String(), status: Type.Literal('new') }) },
    },
  }, async (request, reply) => {
    const account = requireAccount(request, 'volunteer');
    return reply.status(201).send(await submitComplaint(ctx, account, request.body, request.ip));
  });

  app.get('/groups/:id/complaints', {
    schema: {
      tags: ['board'],
      summary: '投诉举报: the group\'s complaint inbox; also readable by an authority over the group',
      description: 'The group sees complainants as masked names and never what it deleted (includeHidden: 403). An authority over the '
        + 'group (system administrator, advanced group covering it) sees names and usernames, and deleted ones with includeHidden=true. Others: 404.',
      params: Type.Object({ id: Uuid }),
      querystring: Type.Object({ ...paging, status: Type.Optional(ComplaintStatus), includeHidden: Type.Optional(Type.Boolean()) }),
      response: { 200: listOf(InboxView) },
    },
  }, async (request) => listInbox(ctx, request, request.params.id, {
    ...request.query, status: request.query.status as 'new' | 'read' | 'handled' | undefined,
  }));

  app.post('/groups/:id/complaints/:complaintId/read', {
    schema: {
      tags: ['board'],
      summary: 'The group marks a complaint read (new → read; otherwise unchanged)',
      params: Type.Object({ id: Uuid, complaintId: Uuid }),
      response: { 200: Type.Object({ id: Type.String(), status: ComplaintStatus }) },
    },
  }, async (request) => markRead(ctx, request, request.params.id, request.params.complaintId));

  app.post('/groups/:id/complaints/:complaintId/handle', {
    schema: {
      tags: ['board'],
      summary: 'The group records how it handled a complaint (409 COMPLAINT_ALREADY_HANDLED the second time)',
      params: Type.Object({ id: Uuid, complaintId: Uuid }),
      body: Type.Object({ note: text(NOTE_MAX) }, { additionalProperties: false }),
      response: { 200: Type.Object({ id: Type.String(), status: ComplaintStatus, handledNote: Type.String() }) },
    },
  }, async (request) => handleComplaint(ctx, request, request.params.id, request.params.complaintId, request.body.note));

  app.post('/groups/:id/complaints/hide', {
    schema: {
      tags: ['board'],
      summary: '批量删除: hides complaints from the group\'s inbox, keeping the records',
      description: `1–${HIDE_BATCH_MAX} ids, all of this group, or nothing changes (404 COMPLAINT_NOT_FOUND listing the bad ones).`,
      params: Type.Object({ id: Uuid }),
      body: Type.Object({ ids: Type.Array(Uuid, { minItems: 1, maxItems: HIDE_BATCH_MAX }) }, { additionalProperties: false }),
      response: { 200: Type.Object({ hidden: Type.Integer() }) },
    },
  }, async (request) => hideComplaints(ctx, request, request.params.id, request.body.ids));

  app.get('/me/complaints', {
    schema: {
      tags: ['board'],
      summary: 'The complaints the caller submitted, newest first, with status and the group\'s note',
      querystring: Type.Object(paging),
      response: { 200: listOf(MyComplaintView) },
    },
  }, async (request) => listMyComplaints(ctx, requireAccount(request), request.query));
}
