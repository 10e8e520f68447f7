import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';

export interface FieldProblem {
  field: string;
  code: string;
  message?: string;
}

/**
 * An error a client can act on. Rendered as RFC 9457 problem+json; `title` is shown to people and
 * is always Chinese, `code` is for programs and never changes.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly options: { detail?: string; errors?: FieldProblem[]; extra?: Record<string, unknown>; headers?: Record<string, string> } = {},
  ) {
    super(`${code}: ${title}`);
  }
}

export const problemType = (code: string) => `/docs/problems#${code}`;

export function sendProblem(reply: FastifyReply, error: AppError) {
  const body: Record<string, unknown> = {
    type: problemType(error.code),
    status: error.status,
    code: error.code,
    title: error.title,
    ...(error.options.detail ? { detail: error.options.detail } : {}),
    ...(error.options.errors ? { errors: error.options.errors } : {}),
    ...error.options.extra,
  };
  for (const [name, value] of Object.entries(error.options.headers ?? {})) reply.header(name, value);
  return reply.status(error.status).type('application/problem+json; charset=utf-8').send(body);
}

/** Fastify's own error codes, mapped to problems a person can act on. */
const FRAMEWORK_ERRORS: Record<string, [number, string, string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'PAYLOAD_TOO_LARGE', '提交的内容过大，请精简后重试'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'UNSUPPORTED_MEDIA_TYPE', '请求格式不受支持，请以 JSON 提交'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'VALIDATION_FAILED', '请求内容为空，请填写后再提交'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'VALIDATION_FAILED', '请求内容不是有效的 JSON'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'VALIDATION_FAILED', '请求长度与内容不符'],
  FST_ERR_BAD_URL: [400, 'BAD_URL', '网址格式不正确'],
  FST_ERR_ASYNC_CONSTRAINT: [400, 'BAD_REQUEST', '请求无法处理'],
};

function fieldOf(instancePath: string, params: Record<string, unknown> | undefined): string {
  const base = instancePath.replace(/^\//, '').replace(/\//g, '.');
  const missing = params && typeof params.missingProperty === 'string' ? params.missingProperty : null;
  const extra = params && typeof params.additionalProperty === 'string' ? params.additionalProperty : null;
  const leaf = missing ?? extra;
  return leaf ? (base ? `${base}.${leaf}` : leaf) : base || '(body)';
}

const KEYWORD_CODES: Record<string, string> = {
  required: 'REQUIRED',
  maxLength: 'TOO_LONG',
  minLength: 'TOO_SHORT',
  pattern: 'BAD_FORMAT',
  format: 'BAD_FORMAT',
  type: 'WRONG_TYPE',
  enum: 'NOT_ALLOWED',
  const: 'NOT_ALLOWED',
  additionalProperties: 'UNKNOWN_FIELD',
  maximum: 'TOO_LARGE',
  minimum: 'TOO_SMALL',
  maxItems: 'TOO_MANY',
  minItems: 'TOO_FEW',
  uniqueItems: 'DUPLICATE',
};

export function registerErrorHandling(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    if (error instanceof AppError) return sendProblem(reply, error);
    if (error.validation) {
      const errors: FieldProblem[] = error.validation.map((v) => ({
        field: fieldOf(v.instancePath, v.params as Record<string, unknown>),
        code: KEYWORD_CODES[v.keyword] ?? 'INVALID',
        message: v.message,
      }));
      const where = error.validationContext === 'body' ? '' : `（${error.validationContext}）`;
      return sendProblem(reply, new AppError(400, 'VALIDATION_FAILED', `填写的内容格式不正确${where}，请按提示修改`, { errors }));
    }
    const mapped = error.code ? FRAMEWORK_ERRORS[error.code] : undefined;
    if (mapped) return sendProblem(reply, new AppError(mapped[0], mapped[1], mapped[2]));
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return sendProblem(reply, new AppError(error.statusCode, 'BAD_REQUEST', '请求无法处理，请检查后重试'));
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendProblem(reply, new AppError(500, 'INTERNAL_ERROR', '系统繁忙，请稍后再试'));
  });

  app.setNotFoundHandler((_request, reply) =>
    sendProblem(reply, new AppError(404, 'NOT_FOUND', '您访问的内容不存在')),
  );
}

/** Shorthands for the errors every module raises. */
export const errors = {
  unauthenticated: () => new AppError(401, 'UNAUTHENTICATED', '请先登录'),
  forbidden: (title = '您没有权限进行此操作') => new AppError(403, 'FORBIDDEN', title),
  notFound: (title = '您访问的内容不存在') => new AppError(404, 'NOT_FOUND', title),
  validation: (title: string, errs: FieldProblem[] = []) => new AppError(400, 'VALIDATION_FAILED', title, { errors: errs }),
  tooMany: (code: string, title: string, retryAfter: number) =>
    new AppError(429, code, title, { extra: { retryAfter }, headers: { 'retry-after': String(retryAfter) } }),
};
