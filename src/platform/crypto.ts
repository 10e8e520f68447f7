import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Field encryption for ID-card and phone numbers: AES-256-GCM with a random 96-bit nonce, plus an
 * HMAC-SHA256 "lookup" so that equality searches never need the plaintext. Both keys are derived from
 * one master key (DATA_KEY) with HKDF, so rotating means re-encrypting with a new master.
 * Stored form: "v1.<nonce b64url>.<ciphertext+tag b64url>".
 */
export class FieldCipher {
  private readonly encKey: Buffer;
  private readonly macKey: Buffer;

  constructor(masterKey: Buffer) {
    if (masterKey.length !== 32) throw new Error('master key must be 32 bytes');
    this.encKey = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'zhiyuan field encryption v1', 32));
    this.macKey = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'zhiyuan lookup hmac v1', 32));
  }

  encrypt(plain: string): string {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.encKey, nonce);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `v1.${nonce.toString('base64url')}.${body.toString('base64url')}`;
  }

  decrypt(stored: string): string {
    const [version, nonceText, bodyText] = stored.split('.');
    if (version !== 'v1' || !nonceText || !bodyText) throw new Error('unknown ciphertext format');
    const body = Buffer.from(bodyText, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', this.encKey, Buffer.from(nonceText, 'base64url'));
    decipher.setAuthTag(body.subarray(body.length - 16));
    return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]).toString('utf8');
  }

  /** Keyed hash of a normalised value, for unique indexes and look-ups. `kind` keeps domains apart. */
  lookup(kind: string, value: string): string {
    return createHmac('sha256', this.macKey).update(`${kind}\u0000${value}`).digest('base64url');
  }
}

export const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');

export const randomToken = (bytes = 32) => randomBytes(bytes).toString('base64url');

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * The master key: DATA_KEY when configured (required in production); otherwise one generated on first
 * start and kept in DATA_DIR/keys/data.key, which is fine for a laptop and wrong for a real deployment.
 */
export function resolveMasterKey(configured: string | null, dataDir: string, warn: (msg: string) => void): Buffer {
  if (configured) return Buffer.from(configured, 'base64');
  const file = path.join(dataDir, 'keys', 'data.key');
  if (fs.existsSync(file)) {
    warn(`DATA_KEY is not set: using the development key in ${file}; set DATA_KEY in production`);
    return Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
  }
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  fs.writeFileSync(file, key.toString('base64'), { mode: 0o600 });
  warn(`DATA_KEY is not set: generated a development key in ${file}; set DATA_KEY in production`);
  return key;
}
