import type { AppContext } from '../../platform/context.js';
import { publicBaseUrl } from '../../platform/config.js';
import type { CertificateKind, CertificateIssuer, CertificateProjectRow, CertificateVolunteer } from '../../platform/database/schema-certificates.js';
import { chinaToday } from '../projects/status.js';
import { renderCertificatePdf, type CertificateContent } from './pdf.js';
import { loadSigningIdentity, signCertificatePdf } from './signing.js';

export const downloadUrlOf = (number: string) => `/api/v1/certificates/${number}/pdf`;

/** The public web page that checks a certificate (the QR code's target). */
export const checkUrlOf = (ctx: AppContext, number: string) => `${publicBaseUrl(ctx.config)}/certificates/${number}`;

/** The platform signing identity for this server (generated into DATA_DIR in development, with a warning). */
export const signingIdentityOf = (ctx: AppContext) => loadSigningIdentity(ctx.config, (m) => ctx.log.warn(m));

export interface CertificateRow {
  number: string; kind: CertificateKind; issued_at: Date; volunteer: CertificateVolunteer; issuer: CertificateIssuer;
  total_hours: number; projects: CertificateProjectRow[];
}

/** A stored certificate row as the PDF prints it. */
export function contentOf(ctx: AppContext, row: CertificateRow): CertificateContent {
  const issuedAt = new Date(row.issued_at);
  const { trainings = [], ...volunteer } = row.volunteer;
  return {
    number: row.number, kind: row.kind, issuedAt, issueDate: chinaToday(issuedAt), volunteer, issuer: row.issuer,
    totalHours: Number(row.total_hours), projects: row.projects, trainings, checkUrl: checkUrlOf(ctx, row.number),
  };
}

// The last few PDFs made, for the download that follows an issue and for repeated downloads: ~100 KB each.
const CACHE_SIZE = 32;
const cache = new Map<string, Buffer>();

/**
 * The signed PDF of a certificate, made from its snapshot. Everything in it, the signing time and the document ID
 * included, comes from the snapshot, so it is the same file on every download (per signing certificate).
 */
export async function pdfOf(ctx: AppContext, row: CertificateRow): Promise<Buffer> {
  const identity = signingIdentityOf(ctx);
  const key = `${identity.fingerprint}:${row.number}`;
  const cached = cache.get(key);
  if (cached) {
    cache.delete(key);
    cache.set(key, cached);
    return cached;
  }
  const content = contentOf(ctx, row);
  const pdf = await signCertificatePdf(await renderCertificatePdf(content), identity, content.issuedAt);
  cache.set(key, pdf);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return pdf;
}

/** Empties the PDF cache (tests prove a PDF made again is the same file). */
export const clearPdfCache = () => cache.clear();
