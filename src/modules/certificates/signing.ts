import { createHash, createPrivateKey, generateKeyPairSync, privateEncrypt, randomBytes, verify, X509Certificate, constants, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import forge from 'node-forge';
import { SignPdf, Signer } from '@signpdf/signpdf';
import type { Config } from '../../platform/config.js';

/** The platform certificate and key that sign certificate PDFs. */
export interface SigningIdentity {
  /** The signer certificate, then any CA certificates that came with it. */
  certificates: forge.pki.Certificate[];
  key: KeyObject;
  /** SHA-256 of the signer certificate's DER, hex: what a verifier compares. */
  fingerprint: string;
  subject: string;
  source: 'configured' | 'development';
}

export const DEV_SIGNING_FILE = path.join('keys', 'certificate-signing.pem');

const certDer = (cert: forge.pki.Certificate) => Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), 'binary');
export const fingerprintOf = (der: Buffer) => createHash('sha256').update(der).digest('hex');
const subjectOf = (cert: forge.pki.Certificate) => cert.subject.attributes.map((a) => `${a.shortName ?? a.name}=${a.value}`).join(', ');

function identity(certificates: forge.pki.Certificate[], keyPem: string, source: SigningIdentity['source']): SigningIdentity {
  const key = createPrivateKey(keyPem);
  const [signer] = certificates;
  return { certificates, key, fingerprint: fingerprintOf(certDer(signer)), subject: subjectOf(signer), source };
}

/** Reads a PKCS#12 file: the certificate whose public key matches the private key signs; the others travel along. */
export function identityFromP12(p12: Buffer, password: string): SigningIdentity {
  const parsed = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(p12.toString('binary')), false, password);
  const keyBag = parsed.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag })[forge.pki.oids.pkcs8ShroudedKeyBag]?.[0]
    ?? parsed.getBags({ bagType: forge.pki.oids.keyBag })[forge.pki.oids.keyBag]?.[0];
  const certs = (parsed.getBags({ bagType: forge.pki.oids.certBag })[forge.pki.oids.certBag] ?? []).map((b) => b.cert).filter((c) => c !== undefined);
  if (!keyBag?.key) throw new Error('the PKCS#12 file holds no private key');
  const key = keyBag.key as forge.pki.rsa.PrivateKey;
  const signer = certs.find((c) => {
    const pub = c.publicKey as forge.pki.rsa.PublicKey;
    return pub.n?.compareTo(key.n) === 0 && pub.e?.compareTo(key.e) === 0;
  });
  if (!signer) throw new Error('the PKCS#12 file holds no certificate for its private key');
  return identity([signer, ...certs.filter((c) => c !== signer)], forge.pki.privateKeyToPem(key), 'configured');
}

/** A self-signed development certificate: node's native RSA for the key (fast), forge for the X.509 structure. */
function generateDevelopment(): string {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  cert.serialNumber = `01${randomBytes(15).toString('hex')}`;
  cert.validity.notBefore = new Date(Date.now() - 86_400_000);
  cert.validity.notAfter = new Date(Date.now() + 10 * 365 * 86_400_000);
  const attrs = [
    { shortName: 'CN', value: 'Zhiyuan development certificate signing (not for production)' },
    { shortName: 'O', value: 'Zhiyuan' },
    { shortName: 'C', value: 'CN' },
  ];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, nonRepudiation: true },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(keyPem), forge.md.sha256.create());
  return `${forge.pki.certificateToPem(cert)}${keyPem}`;
}

function parsePem(pem: string): { certificates: forge.pki.Certificate[]; keyPem: string } {
  const certificates = [...pem.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)].map((m) => forge.pki.certificateFromPem(m[0]));
  const keyPem = /-----BEGIN (?:RSA )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA )?PRIVATE KEY-----/.exec(pem)?.[0];
  if (certificates.length === 0 || !keyPem) throw new Error('the PEM file needs a certificate and a private key');
  return { certificates, keyPem };
}

const cache = new Map<string, SigningIdentity>();

/**
 * The signing identity: CERT_SIGNING_P12 when configured (required in production); otherwise a self-signed
 * certificate generated once into DATA_DIR/keys/certificate-signing.pem, with a warning. `create: false` (the
 * verify command) never generates one.
 */
export function loadSigningIdentity(config: Pick<Config, 'certSigningP12' | 'certSigningPassword' | 'dataDir'>,
  warn: (message: string) => void, options: { create?: boolean } = {}): SigningIdentity {
  const cacheKey = config.certSigningP12 ?? `dev:${config.dataDir}`;
  const cached = cache.get(cacheKey);
  if (cached) return cached;
  let result: SigningIdentity;
  if (config.certSigningP12) {
    result = identityFromP12(fs.readFileSync(config.certSigningP12), config.certSigningPassword);
  } else {
    const file = path.join(config.dataDir, DEV_SIGNING_FILE);
    if (!fs.existsSync(file)) {
      if (options.create === false) throw new Error(`no platform signing certificate: CERT_SIGNING_P12 is not set and ${file} does not exist`);
      fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      // Written aside and linked into place: two processes starting together keep whichever came first.
      const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
      fs.writeFileSync(temp, generateDevelopment(), { mode: 0o600 });
      try {
        fs.linkSync(temp, file);
        warn(`CERT_SIGNING_P12 is not set: generated a self-signed certificate for signing certificate PDFs in ${file}; configure CERT_SIGNING_P12 in production`);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      } finally {
        fs.rmSync(temp, { force: true });
      }
    } else {
      warn(`CERT_SIGNING_P12 is not set: certificate PDFs are signed with the self-signed development certificate in ${file}`);
    }
    const { certificates, keyPem } = parsePem(fs.readFileSync(file, 'utf8'));
    result = identity(certificates, keyPem, 'development');
  }
  cache.set(cacheKey, result);
  return result;
}

// DigestInfo prefix of SHA-256 (RFC 8017 §9.2): the RSA operation itself is node's, forge only builds the CMS.
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');

class PlatformSigner extends Signer {
  constructor(private readonly id: SigningIdentity) { super(); }

  override async sign(pdf: Buffer, signingTime?: Date): Promise<Buffer> {
    const p7 = forge.pkcs7.createSignedData();
    p7.content = forge.util.createBuffer(pdf.toString('binary'));
    for (const cert of this.id.certificates) p7.addCertificate(cert);
    const key = {
      sign: (md: forge.md.MessageDigest) => privateEncrypt({ key: this.id.key, padding: constants.RSA_PKCS1_PADDING },
        Buffer.concat([SHA256_DIGEST_INFO, Buffer.from(md.digest().getBytes(), 'binary')])).toString('binary'),
    };
    p7.addSigner({
      key: key as unknown as forge.pki.rsa.PrivateKey,
      certificate: this.id.certificates[0],
      digestAlgorithm: forge.pki.oids.sha256,
      authenticatedAttributes: [
        { type: forge.pki.oids.contentType, value: forge.pki.oids.data },
        { type: forge.pki.oids.signingTime, value: (signingTime ?? new Date()) as unknown as string },
        { type: forge.pki.oids.messageDigest },
      ],
    });
    p7.sign({ detached: true });
    return Buffer.from(forge.asn1.toDer(p7.toAsn1()).getBytes(), 'binary');
  }
}

const signPdf = new SignPdf();

/** Fills the placeholder a PDF was made with (see pdf.ts) with a CMS (adbe.pkcs7.detached) signature. */
export function signCertificatePdf(pdf: Buffer, id: SigningIdentity, signingTime: Date): Promise<Buffer> {
  return signPdf.sign(pdf, new PlatformSigner(id), signingTime);
}

export type VerifyFailure = 'NOT_SIGNED' | 'MALFORMED' | 'MODIFIED' | 'APPENDED' | 'UNTRUSTED_SIGNER';

export type SignatureCheck =
  | { ok: true; number: string | null; signer: string; fingerprint: string; signedAt: Date | null }
  | { ok: false; reason: VerifyFailure; detail: string; number: string | null };

const OID = { sha256: '2.16.840.1.101.3.4.2.1', messageDigest: '1.2.840.113549.1.9.4', signingTime: '1.2.840.113549.1.9.5' };

/** The certificate number the PDF names (in its document information, inside the signed bytes). */
export function numberInPdf(pdf: Buffer): string | null {
  const text = pdf.toString('latin1');
  const direct = /\/CertificateNumber \((ZY[0-9A-Z]+)\)/.exec(text);
  if (direct) return direct[1];
  // pdfkit writes document information values as indirect objects.
  const ref = /\/CertificateNumber (\d+) 0 R/.exec(text);
  return ref ? new RegExp(`(?:^|\\n)${ref[1]} 0 obj\\s*\\((ZY[0-9A-Z]+)\\)`).exec(text)?.[1] ?? null : null;
}

/**
 * Checks a certificate PDF's signature without trusting anything in it: exactly one signature covering the whole
 * file but its own value; the CMS message digest equals SHA-256 of the covered bytes; the RSA signature over the
 * signed attributes verifies with the signer certificate; and that certificate is `trusted` (SHA-256 fingerprints).
 */
export function verifyCertificatePdf(pdf: Buffer, trusted: string[]): SignatureCheck {
  const text = pdf.toString('latin1');
  const number = numberInPdf(pdf);
  const fail = (reason: VerifyFailure, detail: string): SignatureCheck => ({ ok: false, reason, detail, number });
  const ranges = [...text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)];
  if (ranges.length === 0) return fail('NOT_SIGNED', 'no signature (ByteRange) found');
  if (ranges.length > 1) return fail('MALFORMED', 'more than one signature');
  const [a, b, c, d] = ranges[0].slice(1).map(Number);
  if (a !== 0 || b <= 0 || c <= b || text[b] !== '<' || text[c - 1] !== '>') return fail('MALFORMED', 'the byte range does not frame the signature value');
  if (c + d !== pdf.length) return fail('APPENDED', 'bytes were added after the signed range (an incremental update or an edit)');
  const hex = text.slice(b + 1, c - 1);
  if (!/^[0-9a-fA-F]*$/.test(hex)) return fail('MODIFIED', 'the signature value is not hexadecimal');
  let signerInfo: forge.asn1.Asn1;
  let p7: forge.pkcs7.PkcsSignedData;
  try {
    const asn1 = forge.asn1.fromDer(forge.util.hexToBytes(hex.replace(/(00)+$/, '').padEnd(2, '0')), { parseAllBytes: false, strict: false } as never);
    p7 = forge.pkcs7.messageFromAsn1(asn1) as forge.pkcs7.PkcsSignedData;
    const infos = (p7 as unknown as { rawCapture: { signerInfos: forge.asn1.Asn1[] } }).rawCapture.signerInfos;
    if (!infos || infos.length !== 1) return fail('MALFORMED', 'expected one signer');
    signerInfo = infos[0];
  } catch (error) {
    return fail('MODIFIED', `the signature value cannot be read (${(error as Error).message})`);
  }
  const parts = signerInfo.value as forge.asn1.Asn1[];
  const attrs = parts.find((p) => p.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && p.type === 0);
  const encrypted = parts.find((p) => p.tagClass === forge.asn1.Class.UNIVERSAL && p.type === forge.asn1.Type.OCTETSTRING);
  const digestAlg = forge.asn1.derToOid(((parts[2].value as forge.asn1.Asn1[])[0].value) as string);
  if (!attrs || !encrypted || digestAlg !== OID.sha256) return fail('MALFORMED', 'expected SHA-256 signed attributes');
  let messageDigest: string | null = null;
  let signedAt: Date | null = null;
  for (const attr of attrs.value as forge.asn1.Asn1[]) {
    const [oid, set] = attr.value as forge.asn1.Asn1[];
    const type = forge.asn1.derToOid(oid.value as string);
    const value = (set.value as forge.asn1.Asn1[])[0];
    if (type === OID.messageDigest) messageDigest = Buffer.from(value.value as string, 'binary').toString('hex');
    if (type === OID.signingTime) signedAt = forge.asn1.utcTimeToDate(value.value as string);
  }
  const covered = createHash('sha256').update(pdf.subarray(0, b)).update(pdf.subarray(c)).digest('hex');
  if (messageDigest !== covered) return fail('MODIFIED', 'the file was changed after it was signed (digest mismatch)');

  const signer = p7.certificates.find((cert) => {
    const [issuerAndSerial] = [parts[1].value as forge.asn1.Asn1[]];
    return forge.util.bytesToHex(issuerAndSerial[1].value as string).replace(/^00/, '') === cert.serialNumber.replace(/^00/, '');
  });
  if (!signer) return fail('MALFORMED', 'the signer certificate is not in the signature');
  const setDer = forge.asn1.toDer(forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.SET, true, attrs.value as forge.asn1.Asn1[])).getBytes();
  const publicKey = new X509Certificate(forge.pki.certificateToPem(signer)).publicKey;
  if (!verify('sha256', Buffer.from(setDer, 'binary'), publicKey, Buffer.from(encrypted.value as string, 'binary'))) {
    return fail('MODIFIED', 'the signature does not verify with the signer certificate');
  }
  const fingerprint = fingerprintOf(certDer(signer));
  if (!trusted.includes(fingerprint)) return fail('UNTRUSTED_SIGNER', `signed by ${subjectOf(signer)}, not by the platform certificate`);
  return { ok: true, number, signer: subjectOf(signer), fingerprint, signedAt };
}
