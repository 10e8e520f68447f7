// The one way the browser app talks to the server: JSON over fetch, cookie session,
// and the `X-Requested-With` header that the server requires as its CSRF defence.

import { apiText } from './text';

export const API_PREFIX = '/api/v1';

export interface FieldProblem {
  field: string;
  code: string;
  message?: string;
}

/** RFC 9457 problem details as the server sends them. */
export interface Problem {
  type?: string;
  status: number;
  code: string;
  title: string;
  detail?: string;
  errors?: FieldProblem[];
  retryAfter?: number;
}

export class ApiError extends Error {
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(problem.title);
    this.name = 'ApiError';
    this.problem = problem;
  }
  get status(): number {
    return this.problem.status;
  }
  get code(): string {
    return this.problem.code;
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  query?: Record<string, string | number | undefined | null>;
  signal?: AbortSignal;
  /**
   * A 401 normally means "signed out" and the app goes to the sign-in page.
   * Requests whose 401 means something else (wrong password at sign-in or when
   * changing it) turn that off.
   */
  signedOutOn401?: boolean;
  /** Extra request headers (e.g. the self-service ticket). */
  headers?: Record<string, string>;
}

type SignedOutListener = () => void;
const signedOutListeners = new Set<SignedOutListener>();

/** Called whenever a request finds the session gone (401). Returns an unsubscribe function. */
export function onSignedOut(listener: SignedOutListener): () => void {
  signedOutListeners.add(listener);
  return () => signedOutListeners.delete(listener);
}

function buildUrl(path: string, query?: RequestOptions['query']): string {
  let url = API_PREFIX + path;
  if (query) {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
    }
    const qs = params.toString();
    if (qs) url += (url.includes('?') ? '&' : '?') + qs;
  }
  return url;
}

function isProblemLike(value: unknown): value is Partial<Problem> {
  return typeof value === 'object' && value !== null && ('code' in value || 'title' in value);
}

function fallbackTitle(status: number): string {
  if (status === 401) return apiText.signedOut;
  if (status === 403) return apiText.forbidden;
  if (status === 404) return apiText.notFound;
  if (status === 429) return apiText.tooMany;
  if (status >= 500) return apiText.serverError;
  return apiText.requestFailed;
}

async function toProblem(response: Response): Promise<Problem> {
  let body: unknown = null;
  const text = await response.text().catch(() => '');
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
  }
  const retryHeader = Number(response.headers.get('Retry-After'));
  if (isProblemLike(body)) {
    return {
      ...body,
      status: typeof body.status === 'number' ? body.status : response.status,
      code: typeof body.code === 'string' ? body.code : `HTTP_${response.status}`,
      title: typeof body.title === 'string' && body.title ? body.title : fallbackTitle(response.status),
      errors: Array.isArray(body.errors) ? body.errors : undefined,
      retryAfter:
        typeof body.retryAfter === 'number' ? body.retryAfter : Number.isFinite(retryHeader) && retryHeader > 0 ? retryHeader : undefined,
    };
  }
  return { status: response.status, code: `HTTP_${response.status}`, title: fallbackTitle(response.status) };
}

export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const { method = 'GET', body, query, signal, signedOutOn401 = true } = options;
  const headers: Record<string, string> = {
    ...options.headers,
    Accept: 'application/json, application/problem+json',
    'X-Requested-With': 'zhiyuan-web',
  };
  // A Blob (an uploaded file) goes as the raw body with its own type; anything else as JSON.
  const raw = body instanceof Blob;
  if (body !== undefined) headers['Content-Type'] = raw ? body.type || 'application/octet-stream' : 'application/json';

  let response: Response;
  try {
    response = await fetch(buildUrl(path, query), {
      method,
      headers,
      body: body === undefined ? undefined : raw ? body : JSON.stringify(body),
      credentials: 'same-origin',
      signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError({ status: 0, code: 'NETWORK_ERROR', title: apiText.network });
  }

  if (!response.ok) {
    const problem = await toProblem(response);
    if (response.status === 401 && signedOutOn401) {
      for (const listener of signedOutListeners) listener();
    }
    throw new ApiError(problem);
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  if (!text) return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiError({ status: response.status, code: 'BAD_RESPONSE', title: apiText.badResponse });
  }
}

export const api = {
  get: <T>(path: string, options?: Omit<RequestOptions, 'method' | 'body'>) => request<T>(path, { ...options, method: 'GET' }),
  post: <T>(path: string, body?: unknown, options?: Omit<RequestOptions, 'method' | 'body'>) =>
    request<T>(path, { ...options, method: 'POST', body: body ?? {} }),
  put: <T>(path: string, body: unknown, options?: Omit<RequestOptions, 'method' | 'body'>) =>
    request<T>(path, { ...options, method: 'PUT', body }),
  patch: <T>(path: string, body: unknown, options?: Omit<RequestOptions, 'method' | 'body'>) =>
    request<T>(path, { ...options, method: 'PATCH', body }),
  delete: <T = void>(path: string, options?: Omit<RequestOptions, 'method' | 'body'>) => request<T>(path, { ...options, method: 'DELETE' }),
};

/** The message to show a person for any thrown value. */
export function errorTitle(err: unknown): string {
  if (err instanceof ApiError) return err.problem.title;
  return apiText.unexpected;
}
