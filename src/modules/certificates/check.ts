import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { AppContext } from '../../platform/context.js';
import type { DB } from '../../platform/database/schema.js';
import { requireAccount } from '../../platform/auth-guard.js';
import { AppError, errors } from '../../platform/errors.js';
import { currentGroupActor } from '../groups/actor.js';
import { downloadUrlOf, pdfOf } from './document.js';
import { CERTIFICATE_INTERVAL_MS } from './issue.js';
import { parseCertificateNumber } from './number.js';
import { TEXT } from './text.js';

const maskName = (name: string) => `${[...name][0] ?? ''}${'*'.repeat(Math.max(1, [...name].length - 1))}`;

/**
 * Whether a certificate still holds: every service record it counted is still effective with the hours it had.
 * A deletion (or a correction of the hours, or a record turned ineffective) revokes it; revokedAt is when the
 * first such record changed. Computed on every check rather than stored, so no write path has to remember it.
 */
export async function revocationOf(db: Kysely<DB>, number: string): Promise<{ revoked: boolean; revokedAt: Date | null }> {
  const row = await db.selectFrom('certificate_records as cr')
    .leftJoin('service_records as r', 'r.id', 'cr.record_id')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min(eb.fn.coalesce('r.deleted_at', 'r.updated_at')).as('at')])
    .where('cr.number', '=', number)
    .where((eb) => eb.or([eb('r.id', 'is', null), eb('r.status', '<>', 'effective'), eb('r.hours', '<>', eb.ref('cr.hours'))]))
    .executeTakeFirstOrThrow();
  const revoked = Number(row.n) > 0;
  return { revoked, revokedAt: revoked && row.at ? new Date(row.at as Date) : null };
}

/** The public check (证书查询): what the certificate says, name masked, and whether it still holds. */
export async function checkCertificate(ctx: AppContext, input: string) {
  const number = parseCertificateNumber(input);
  if (!number) throw errors.notFound(TEXT.notFound);
  const row = await ctx.db.selectFrom('certificates')
    .select(['number', 'kind', 'volunteer', 'issuer', 'total_hours', 'projects', 'issued_at'])
    .where('number', '=', number).executeTakeFirst();
  if (!row) throw errors.notFound(TEXT.notFound);
  const { revoked, revokedAt } = await revocationOf(ctx.db, number);
  return {
    valid: !revoked, revoked, status: revoked ? 'revoked' as const : 'valid' as const, revokedAt: revokedAt?.toISOString() ?? null,
    number: row.number, kind: row.kind,
    volunteerName: maskName(row.volunteer.name), volunteerNumber: row.volunteer.volunteerNumber,
    totalHours: Number(row.total_hours), issuedAt: new Date(row.issued_at).toISOString(), issuer: row.issuer.name,
    projects: row.projects.map((p) => ({ name: p.name, organiser: p.organiser, from: p.from, to: p.to, hours: p.hours })),
    // Only platform certificates issued since trainings are listed carry them.
    ...(row.volunteer.trainings
      ? { trainings: row.volunteer.trainings.map((tr) => ({ kind: tr.kind, title: tr.title, provider: tr.provider, completedOn: tr.completedOn, score: tr.score })) }
      : {}),
  };
}

/**
 * The signed PDF, for the volunteer it certifies or, for a project certificate, the issuing group (its account or
 * a person acting for it).
 */
export async function certificatePdf(ctx: AppContext, request: FastifyRequest, input: string): Promise<{ number: string; pdf: Buffer }> {
  const account = requireAccount(request);
  const number = parseCertificateNumber(input);
  if (!number) throw errors.notFound(TEXT.notFound);
  const row = await ctx.db.selectFrom('certificates')
    .select(['number', 'kind', 'issued_at', 'volunteer', 'issuer', 'total_hours', 'projects', 'account_id', 'issuer_group_id'])
    .where('number', '=', number).executeTakeFirst();
  if (!row) throw errors.notFound(TEXT.notFound);
  if (row.account_id !== account.id) {
    const actor = row.issuer_group_id ? await currentGroupActor(ctx, request) : null;
    if (!actor || actor.group.id !== row.issuer_group_id) throw new AppError(403, 'FORBIDDEN', TEXT.notYours);
  }
  return { number, pdf: await pdfOf(ctx, row) };
}

/** The signed-in volunteer's certificates, newest first, and when the next one may be issued. */
export async function myCertificates(ctx: AppContext, request: FastifyRequest) {
  const account = requireAccount(request, 'volunteer');
  const rows = await ctx.db.selectFrom('certificates')
    .select(['number', 'kind', 'project_id', 'issuer', 'total_hours', 'issued_at'])
    .where('account_id', '=', account.id).orderBy('issued_at', 'desc').limit(50).execute();
  const items = [];
  for (const r of rows) {
    const { revoked } = await revocationOf(ctx.db, r.number);
    items.push({
      number: r.number, kind: r.kind, projectId: r.project_id, issuer: r.issuer.name, totalHours: Number(r.total_hours),
      issuedAt: new Date(r.issued_at).toISOString(), downloadUrl: downloadUrlOf(r.number), status: revoked ? 'revoked' as const : 'valid' as const,
    });
  }
  const next = rows[0] ? new Date(new Date(rows[0].issued_at).getTime() + CERTIFICATE_INTERVAL_MS) : null;
  return { items, nextIssueAt: next && next > ctx.now() ? next.toISOString() : null };
}
