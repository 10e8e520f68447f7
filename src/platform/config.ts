import fs from 'node:fs';
import path from 'node:path';

/** Server configuration, read once from the environment and checked before anything starts. */
export interface Config {
  port: number;
  host: string;
  databaseUrl: string | null;
  dataDir: string;
  production: boolean;
  captcha: 'image' | 'off';
  smtpUrl: string | null;
  smsGatewayUrl: string | null;
  /** Alibaba Cloud SMS (SendSms) credentials and sign name; required together when SMS_GATEWAY_URL is set. */
  smsAccessKeyId: string | null;
  smsAccessKeySecret: string | null;
  smsSignName: string | null;
  /** Outbox template key → vendor template code (SMS_TEMPLATE_CODES="verification_code=SMS_123,password_reset=SMS_456"). */
  smsTemplateCodes: Record<string, string>;
  /** The From of outgoing mail; null: derived (see src/platform/outbox/transports.ts). */
  mailFrom: string | null;
  bootstrapAdmin: { username: string; password: string } | null;
  realnameProvider: 'registry' | 'http';
  realnameRegistry: string | null;
  realnameUrl: string | null;
  /** Alibaba Cloud ID Verification (Id2MetaVerify) credentials; required together when REALNAME_PROVIDER=http. */
  realnameAccessKeyId: string | null;
  realnameAccessKeySecret: string | null;
  /**
   * Face checks of self-service (src/modules/self-service/face-provider.ts): `local-review` keeps the photos
   * encrypted for an administrator to decide (it compares nothing itself; outside production it lets every check
   * pass and says so), `http` calls the face-verification vendor at FACE_URL with FACE_APP_CODE.
   */
  faceProvider: 'local-review' | 'http';
  faceUrl: string | null;
  faceAppCode: string | null;
  /** Similarity (0–1) from which the vendor's answer counts as the same person. */
  facePassScore: number;
  /** base64 of 32 bytes; null in development means "generate one in DATA_DIR". */
  dataKey: string | null;
  publicUrl: string | null;
  trustProxy: boolean;
  logLevel: string;
  sessionIdleMinutes: number;
  sessionAbsoluteHours: number;
  /** Failed sign-ins allowed from one source address per 15 minutes. */
  loginAddressFailureLimit: number;
  /** SMS codes one source address may request per hour (a bound against SMS pumping). */
  smsAddressHourlyLimit: number;
  /** How long the first pages of a public group search are kept in memory; 0 = off. */
  groupSearchCacheMs: number;
  /** How long the first pages of the public project search (GET /projects) are kept in memory; 0 = off. */
  projectSearchCacheMs: number;
  /**
   * The platform certificate that signs certificate PDFs (志愿服务证明): a PKCS#12 file and its password. Required in
   * production; null in development means "generate a self-signed one in DATA_DIR".
   */
  certSigningP12: string | null;
  certSigningPassword: string;
  /** Person in charge and contact printed on platform-issued certificates; null: the defaults in the certificate module. */
  certIssuerPerson: string | null;
  certIssuerContact: string | null;
  version: string;
}

export class ConfigError extends Error {
  constructor(readonly variable: string, message: string) {
    super(`${variable}: ${message}`);
  }
}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

function url(env: Env, name: string, protocols: string[]): string | null {
  const raw = env[name];
  if (raw === undefined || raw === '') return null;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, 'is not a valid URL');
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must start with ${protocols.map((p) => `${p}//`).join(' or ')}`);
  }
  return raw;
}

/** "key=CODE,key.sub=CODE" → { key: 'CODE', 'key.sub': 'CODE' }. */
function templateCodes(env: Env, name: string): Record<string, string> {
  const raw = env[name];
  const codes: Record<string, string> = {};
  if (raw === undefined || raw.trim() === '') return codes;
  for (const pair of raw.split(',')) {
    const match = /^\s*([a-z_][a-z0-9_.]*)\s*=\s*([A-Za-z0-9_]+)\s*$/.exec(pair);
    if (!match) throw new ConfigError(name, `must be a comma-separated list of template=CODE pairs, got "${pair.trim()}"`);
    codes[match[1]] = match[2];
  }
  return codes;
}

export function loadConfig(env: Env = process.env): Config {
  const nodeEnv = oneOf(env, 'NODE_ENV', ['development', 'production', 'test'], 'development');
  const production = nodeEnv === 'production';
  const captcha = oneOf(env, 'CAPTCHA', ['image', 'off'], 'image');
  if (production && captcha === 'off') throw new ConfigError('CAPTCHA', '"off" is refused when NODE_ENV=production');

  const adminUser = env.BOOTSTRAP_ADMIN_USERNAME || '';
  const adminPassword = env.BOOTSTRAP_ADMIN_PASSWORD || '';
  if (Boolean(adminUser) !== Boolean(adminPassword)) {
    throw new ConfigError(adminUser ? 'BOOTSTRAP_ADMIN_PASSWORD' : 'BOOTSTRAP_ADMIN_USERNAME',
      'BOOTSTRAP_ADMIN_USERNAME and BOOTSTRAP_ADMIN_PASSWORD must be set together');
  }

  const dataKey = env.DATA_KEY || null;
  if (dataKey !== null && Buffer.from(dataKey, 'base64').length !== 32) {
    throw new ConfigError('DATA_KEY', 'must be 32 bytes in base64 (openssl rand -base64 32)');
  }
  if (production && !dataKey) throw new ConfigError('DATA_KEY', 'is required when NODE_ENV=production');

  const realnameProvider = oneOf(env, 'REALNAME_PROVIDER', ['registry', 'http'], 'registry');
  const realnameUrl = url(env, 'REALNAME_URL', ['http:', 'https:']);
  if (realnameProvider === 'http' && !realnameUrl) throw new ConfigError('REALNAME_URL', 'is required when REALNAME_PROVIDER=http');
  const realnameAccessKeyId = env.REALNAME_ACCESS_KEY_ID || null;
  const realnameAccessKeySecret = env.REALNAME_ACCESS_KEY_SECRET || null;
  if (realnameProvider === 'http') {
    for (const [name, value] of [['REALNAME_ACCESS_KEY_ID', realnameAccessKeyId], ['REALNAME_ACCESS_KEY_SECRET', realnameAccessKeySecret]] as const) {
      if (!value) throw new ConfigError(name, 'is required when REALNAME_PROVIDER=http');
    }
  }

  const faceProvider = oneOf(env, 'FACE_PROVIDER', ['local-review', 'http'], 'local-review');
  const faceUrl = url(env, 'FACE_URL', ['http:', 'https:']);
  const faceAppCode = env.FACE_APP_CODE || null;
  if (faceProvider === 'http') {
    if (!faceUrl) throw new ConfigError('FACE_URL', 'is required when FACE_PROVIDER=http');
    if (!faceAppCode) throw new ConfigError('FACE_APP_CODE', 'is required when FACE_PROVIDER=http');
  }
  const facePassScoreRaw = env.FACE_PASS_SCORE;
  let facePassScore = 0.6;
  if (facePassScoreRaw !== undefined && facePassScoreRaw !== '') {
    facePassScore = Number(facePassScoreRaw);
    if (!/^(0(\.\d+)?|1(\.0+)?)$/.test(facePassScoreRaw) || facePassScore <= 0) {
      throw new ConfigError('FACE_PASS_SCORE', `must be a number above 0 and at most 1, got "${facePassScoreRaw}"`);
    }
  }

  const smsGatewayUrl = url(env, 'SMS_GATEWAY_URL', ['http:', 'https:']);
  const smsAccessKeyId = env.SMS_ACCESS_KEY_ID || null;
  const smsAccessKeySecret = env.SMS_ACCESS_KEY_SECRET || null;
  const smsSignName = env.SMS_SIGN_NAME || null;
  if (smsGatewayUrl) {
    for (const [name, value] of [['SMS_ACCESS_KEY_ID', smsAccessKeyId], ['SMS_ACCESS_KEY_SECRET', smsAccessKeySecret], ['SMS_SIGN_NAME', smsSignName]] as const) {
      if (!value) throw new ConfigError(name, 'is required when SMS_GATEWAY_URL is set');
    }
  }
  const mailFrom = env.MAIL_FROM || null;
  if (mailFrom !== null && !/^(?:[^<>]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/.test(mailFrom.trim())) {
    throw new ConfigError('MAIL_FROM', 'must be an address, e.g. no-reply@example.org or "名称 <no-reply@example.org>"');
  }

  const certSigningP12 = env.CERT_SIGNING_P12 ? path.resolve(env.CERT_SIGNING_P12) : null;
  if (certSigningP12 !== null && !fs.existsSync(certSigningP12)) throw new ConfigError('CERT_SIGNING_P12', `no such file: ${certSigningP12}`);
  if (production && !certSigningP12) {
    throw new ConfigError('CERT_SIGNING_P12', 'is required when NODE_ENV=production (a PKCS#12 file with the platform signing certificate and key)');
  }
  if (env.CERT_SIGNING_PASSWORD && !certSigningP12) throw new ConfigError('CERT_SIGNING_PASSWORD', 'is only used with CERT_SIGNING_P12');

  const host = env.HOST || '127.0.0.1';
  const publicUrl = url(env, 'PUBLIC_URL', ['http:', 'https:']);

  return {
    port: int(env, 'PORT', 3000, 0, 65535),
    host,
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    dataDir: path.resolve(env.DATA_DIR || './data'),
    production,
    captcha,
    smtpUrl: url(env, 'SMTP_URL', ['smtp:', 'smtps:']),
    smsGatewayUrl,
    smsAccessKeyId,
    smsAccessKeySecret,
    smsSignName,
    smsTemplateCodes: templateCodes(env, 'SMS_TEMPLATE_CODES'),
    mailFrom: mailFrom?.trim() ?? null,
    bootstrapAdmin: adminUser ? { username: adminUser, password: adminPassword } : null,
    realnameProvider,
    realnameRegistry: env.REALNAME_REGISTRY || null,
    realnameUrl,
    realnameAccessKeyId,
    realnameAccessKeySecret,
    faceProvider,
    faceUrl,
    faceAppCode,
    facePassScore,
    dataKey,
    publicUrl,
    trustProxy: oneOf(env, 'TRUST_PROXY', ['true', 'false'], 'false') === 'true',
    logLevel: oneOf(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
    sessionIdleMinutes: int(env, 'SESSION_IDLE_MINUTES', 30, 1, 24 * 60),
    sessionAbsoluteHours: int(env, 'SESSION_ABSOLUTE_HOURS', 12, 1, 24 * 30),
    loginAddressFailureLimit: int(env, 'LOGIN_ADDRESS_FAILURE_LIMIT', 300, 10, 1_000_000),
    smsAddressHourlyLimit: int(env, 'SMS_ADDRESS_HOURLY_LIMIT', 100, 1, 1_000_000),
    groupSearchCacheMs: int(env, 'GROUP_SEARCH_CACHE_MS', 3_000, 0, 600_000),
    projectSearchCacheMs: int(env, 'PROJECT_SEARCH_CACHE_MS', 3_000, 0, 600_000),
    certSigningP12,
    certSigningPassword: env.CERT_SIGNING_PASSWORD ?? '',
    certIssuerPerson: env.CERT_ISSUER_PERSON?.trim() || null,
    certIssuerContact: env.CERT_ISSUER_CONTACT?.trim() || null,
    version: env.npm_package_version || '0.1.0',
  };
}

/** The address people use to reach this server, for links in messages. */
export function publicBaseUrl(config: Pick<Config, 'publicUrl' | 'host' | 'port'>): string {
  if (config.publicUrl) return config.publicUrl.replace(/\/+$/, '');
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  return `http://${host}:${config.port}`;
}

