// Typed calls to the server, one function per endpoint the browser app uses.
import { api, ApiError } from './client';
import type {
  AccountType,
  Captcha,
  ClientConfig,
  CodeName,
  Items,
  LoginBody,
  FaceResult,
  Me,
  OutboxMessage,
  Page,
  PasswordCheck,
  Region,
  RegisterVolunteerBody,
  RecoverUsernameBody,
  RegisterVolunteerResult,
  RequestPasswordResetBody,
  ResetPasswordBody,
  SelfServiceAccount,
  SelfServiceTicket,
  SentTo,
  SessionInfo,
  SmsCodePurpose,
} from './types';

/** Answers that never change while the page is open are fetched once. */
function once<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | null = null;
  return () => {
    if (!pending) {
      pending = load().catch((err: unknown) => {
        pending = null; // let the next caller try again
        throw err;
      });
    }
    return pending;
  };
}

export const getClientConfig = once(() =>
  api.get<ClientConfig>('/client-config').catch((): ClientConfig => ({ captcha: 'image', production: true, version: '' })),
);
export const getSites = once(() => api.get<Items<CodeName>>('/sites').then((r) => r.items));
export const getServiceCategories = once(() => api.get<Items<CodeName>>('/service-categories').then((r) => r.items));
export const getServiceFields = once(() => api.get<Items<CodeName>>('/service-fields').then((r) => r.items));

const regionCache = new Map<string, Promise<Region[]>>();
export function getRegions(parent?: string): Promise<Region[]> {
  const key = parent ?? '';
  let pending = regionCache.get(key);
  if (!pending) {
    pending = api.get<Items<Region>>('/regions', { query: { parent } }).then((r) => r.items);
    pending.catch(() => regionCache.delete(key));
    regionCache.set(key, pending);
  }
  return pending;
}

export const newCaptcha = () => api.post<Captcha>('/captcha');

export const checkPassword = (
  body: { siteCode: string; password: string; username?: string; accountType?: AccountType },
  signal?: AbortSignal,
) => api.post<PasswordCheck>('/password-policy/check', body, { signal });

export const registerVolunteer = (body: RegisterVolunteerBody) => api.post<RegisterVolunteerResult>('/volunteers', body);

export const login = (body: LoginBody) => api.post<{ account: Me }>('/auth/login', body, { signedOutOn401: false });
export const logout = () => api.post<void>('/auth/logout', {}, { signedOutOn401: false });

/** Who is signed in; `null` when nobody is (401). */
export async function getMe(): Promise<Me | null> {
  try {
    return await api.get<Me>('/me', { signedOutOn401: false });
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return null;
    throw err;
  }
}

export const changePassword = (body: { oldPassword: string; newPassword: string }) =>
  api.post<void>('/me/password', body, { signedOutOn401: false });

export const listSessions = (page: number, pageSize: number) =>
  api.get<Page<SessionInfo>>('/me/sessions', { query: { page, pageSize } });
export const endSession = (id: string) => api.delete(`/me/sessions/${encodeURIComponent(id)}`);

export const sendSmsCode = (body: { phone: string; purpose: SmsCodePurpose }) =>
  api.post<{ sent: boolean; expiresInSeconds: number }>('/sms-codes', body);

// Recovery (找回用户名, 忘记密码). None of these need a session: a 401 never means "signed out" here.
const anonymous = { signedOutOn401: false } as const;

export const recoverUsername = (body: RecoverUsernameBody) => api.post<{ username: string }>('/recovery/username', body, anonymous);
export const requestPasswordReset = (body: RequestPasswordResetBody) => api.post<SentTo>('/recovery/password', body, anonymous);
export const resetPassword = (body: ResetPasswordBody) => api.post<void>('/recovery/password/reset', body, anonymous);
export const requestAdminRecovery = (body: { account: string; name: string }) =>
  api.post<unknown>('/recovery/admin-request', body, anonymous);

// 新账号激活 (accounts created by an import or a unit administrator).
export const startActivation = (body: { account: string; name: string }) => api.post<SentTo>('/activation/start', body, anonymous);
export const completeActivation = (body: { account: string; code: string; newPassword: string }) =>
  api.post<void>('/activation/complete', body, anonymous);

// 自助服务: identity check → face check → the account's details. The ticket lives in React state only.
export const startSelfService = (body: { name: string; idNumber: string; captchaId?: string; captchaAnswer?: string; faceCheckId?: string }) =>
  api.post<SelfServiceTicket>('/self-service/identity', body, anonymous);

const withTicket = (ticket: string) => ({ ...anonymous, headers: { 'X-Self-Service-Ticket': ticket } });

export const selfService = {
  face: (ticket: string, photo: string, idCardPhoto?: string) =>
    api.post<FaceResult>('/self-service/face', idCardPhoto ? { photo, idCardPhoto } : { photo }, withTicket(ticket)),
  account: (ticket: string) => api.post<SelfServiceAccount>('/self-service/account', {}, withTicket(ticket)),
  password: (ticket: string, newPassword: string) => api.post<void>('/self-service/password', { newPassword }, withTicket(ticket)),
  contact: (ticket: string, body: { email: string } | { phone: string; smsCode: string }) =>
    api.post<Partial<SelfServiceAccount> | undefined>('/self-service/contact', body, withTicket(ticket)),
  username: (ticket: string, username: string) =>
    api.post<Partial<SelfServiceAccount> | undefined>('/self-service/username', { username }, withTicket(ticket)),
  name: (ticket: string, name: string) => api.post<unknown>('/self-service/name', { name }, withTicket(ticket)),
};

/** Development aid: the messages the server wrote to an address (absent in production). */
export const getOutbox = (to: string) => api.get<Items<OutboxMessage>>('/dev/outbox', { query: { to }, ...anonymous }).then((r) => r.items);
