// Shapes of the server's answers (see shared/api.md).

export type AccountType = 'volunteer' | 'group' | 'staff' | 'admin';
export type RealNameStatus = 'pending' | 'verified' | 'failed' | 'no_result';
export type RealNameLevel = 'none' | 'basic' | 'intermediate' | 'advanced';
export type IdType = 'resident_id' | 'passport' | 'hk_macao_permit' | 'taiwan_permit';

export interface Me {
  id: string;
  type: AccountType;
  username: string;
  name: string | null;
  realNameStatus: RealNameStatus | null;
  realNameLevel: RealNameLevel | null;
  volunteerNumber: string | null;
  siteCode: string | null;
  /** For a group account: its group. */
  groupId?: string | null;
}

export interface ClientConfig {
  captcha: 'image' | 'off';
  production: boolean;
  version: string;
}

export interface CodeName {
  code: string;
  name: string;
}

export type RegionLevel = 'province' | 'city' | 'county' | 'town' | 'community';

export interface Region extends CodeName {
  level: RegionLevel;
  hasChildren: boolean;
}

export interface Items<T> {
  items: T[];
}

export interface Page<T> extends Items<T> {
  total: number;
  page: number;
  pageSize: number;
}

export interface Captcha {
  captchaId: string;
  image: string;
}

export interface PasswordCheck {
  ok: boolean;
  errors: { code: string; message?: string }[];
  rules?: string[];
}

export interface RegisterVolunteerBody {
  siteCode: string;
  username: string;
  password: string;
  name: string;
  idType: IdType;
  idNumber: string;
  phone: string;
  email: string;
  serviceRegionCode: string;
  serviceCategories: string[];
  serviceFields?: string[];
  skills?: string[];
  captchaId?: string;
  captchaAnswer?: string;
}

export interface RegisterVolunteerResult {
  id: string;
  username: string;
  realNameStatus: RealNameStatus;
  volunteerNumber: string | null;
}

export interface LoginBody {
  identifier: string;
  password: string;
  siteCode?: string;
  captchaId?: string;
  captchaAnswer?: string;
}

export interface SessionInfo {
  id: string;
  kind: 'cookie' | 'token';
  createdAt: string;
  lastSeenAt: string | null;
  ip: string | null;
  userAgent: string | null;
  current: boolean;
}

export type RecoverUsernameBody =
  | { accountType: 'volunteer'; name: string; idNumber: string; phone: string }
  | { accountType: 'group'; groupName: string; leaderName: string; leaderIdNumber: string };

export type RecoveryChannel = 'email' | 'sms';

export interface RequestPasswordResetBody {
  username: string;
  channel: RecoveryChannel;
  email?: string;
  phone?: string;
}

export type ResetPasswordBody = { username: string; code: string; newPassword: string } | { token: string; newPassword: string };

/** Where a code was sent, masked (`***@qq.com`, `138****5678`). */
export interface SentTo {
  sentTo: string;
  /** Present when the server tells which rules the account's new password must meet. */
  siteCode?: string | null;
  accountType?: AccountType | null;
  /** Activation: the account's username (to sign in with, and for the "no username in the password" rule). */
  username?: string | null;
}

export type SmsCodePurpose = 'register' | 'contact' | 'recovery' | 'activation' | 'change_phone';

export interface SelfServiceTicket {
  ticket: string;
  expiresAt: string;
  /** True when a reviewed face check (`faceCheckId`) already counts for this ticket. */
  faceChecked?: boolean;
  realNameStatus?: RealNameStatus;
}

export interface FaceResult {
  outcome: 'pass' | 'fail' | 'pending_review';
  provider: string;
  message?: string | null;
  /** 核验单号: quoted to come back after a manual review. */
  checkId?: string;
  autoPassed?: boolean;
  realNameStatus?: RealNameStatus;
}

export interface SelfServiceAccount {
  username: string;
  name?: string | null;
  volunteerNumber?: string | null;
  maskedPhone: string | null;
  maskedEmail: string | null;
  usernameChangeableAt: string | null;
  /** Optional extras a server may add. */
  siteCode?: string | null;
  accountType?: AccountType | null;
}

export interface OutboxMessage {
  channel: 'sms' | 'email';
  to: string;
  subject: string;
  body: string;
  code: string | null;
  link: string | null;
  sentAt: string;
}
