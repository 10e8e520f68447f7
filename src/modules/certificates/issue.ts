import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { AppContext } from '../../platform/context.js';
import type { DB } from '../../platform/database/schema.js';
import { requireAccount } from '../../platform/auth-guard.js';
import { AppError, errors } from '../../platform/errors.js';
import { audit } from '../../platform/audit.js';
import { publicBaseUrl } from '../../platform/config.js';
import type { CertificateIssuer, CertificateProjectRow, CertificateTrainingRow, CertificateVolunteer } from '../../platform/database/schema-certificates.js';
import { lockVolunteers } from '../service-records/totals.js';
import { chinaToday } from '../projects/status.js';
import { newCertificateNumber } from './number.js';
import { downloadUrlOf } from './document.js';
import { PDF_TEXT, TEXT } from './text.js';

/** At most one certificate per volunteer in this window (seed 002 §2.1.8.4: 3 小时内只能下载一次). */
export const CERTIFICATE_INTERVAL_MS = 3 * 3_600_000;

/**
 * Issues a certificate (志愿服务证明) to the signed-in volunteer: for the whole record by the platform, or with
 * `projectId` for one project by its organising group (谁记录谁证明). The volunteer's totals row is locked first,
 * as every hour write does, so the 3-hour limit holds under parallel requests and the snapshot cannot interleave
 * with a deletion. The PDF is made from the stored snapshot when downloaded (see document.ts).
 */
export async function issueCertificate(ctx: AppContext, request: FastifyRequest, projectId: string | undefined) {
  const account = requireAccount(request, 'volunteer');
  const person = await ctx.db.selectFrom('accounts as a')
    .innerJoin('people as p', 'p.account_id', 'a.id')
    .leftJoin('volunteer_profiles as v', 'v.account_id', 'a.id')
    .innerJoin('sites as s', 's.code', 'a.site_code')
    .select(['a.site_code', 's.name as site_name', 'p.name', 'p.id_type', 'p.id_number_masked', 'p.realname_status', 'v.volunteer_number'])
    .where('a.id', '=', account.id).executeTakeFirst();
  if (!person || person.realname_status !== 'verified' || !person.volunteer_number) {
    throw new AppError(403, 'CERTIFICATE_NOT_VERIFIED', TEXT.notVerified);
  }
  const volunteer: CertificateVolunteer = {
    name: person.name, idType: person.id_type, idNumberMasked: person.id_number_masked, volunteerNumber: person.volunteer_number,
  };

  let issuer: CertificateIssuer;
  let project: { site_code: string; id: string; group_id: string } | null = null;
  if (projectId) {
    const row = await ctx.db.selectFrom('projects as pr')
      .innerJoin('groups as g', (j) => j.onRef('g.site_code', '=', 'pr.site_code').onRef('g.id', '=', 'pr.group_id'))
      .select(['pr.site_code', 'pr.id', 'pr.group_id', 'g.name', 'g.leader_name', 'g.contact_name', 'g.contact_phone_enc'])
      .where('pr.id', '=', projectId).executeTakeFirst();
    if (!row) throw errors.notFound(TEXT.projectNotFound);
    project = row;
    issuer = { name: row.name, personInCharge: row.leader_name, contact: `${row.contact_name} ${ctx.cipher.decrypt(row.contact_phone_enc)}` };
  } else {
    issuer = {
      name: PDF_TEXT.platformIssuer(person.site_name),
      personInCharge: ctx.config.certIssuerPerson ?? PDF_TEXT.platformPerson,
      contact: ctx.config.certIssuerContact ?? publicBaseUrl(ctx.config),
    };
  }

  const now = ctx.now();
  const issued = await ctx.db.transaction().execute(async (trx) => {
    await lockVolunteers(trx, [account.id]);
    let records = trx.selectFrom('service_records as r')
      .innerJoin('projects as pr', (j) => j.onRef('pr.site_code', '=', 'r.site_code').onRef('pr.id', '=', 'r.project_id'))
      .innerJoin('groups as g', (j) => j.onRef('g.site_code', '=', 'r.site_code').onRef('g.id', '=', 'r.group_id'))
      .select(['r.id', 'r.project_id', 'r.service_date', 'r.hours', 'pr.name as project_name', 'g.name as group_name'])
      .where('r.account_id', '=', account.id).where('r.status', '=', 'effective');
    if (project) records = records.where('r.site_code', '=', project.site_code).where('r.project_id', '=', project.id);
    const rows = await records.orderBy('r.service_date').orderBy('r.id').execute();
    if (rows.length === 0) throw new AppError(409, 'CERTIFICATE_NO_HOURS', project ? TEXT.noProjectHours : TEXT.noHours);

    const last = await trx.selectFrom('certificates').select('issued_at').where('account_id', '=', account.id)
      .orderBy('issued_at', 'desc').limit(1).executeTakeFirst();
    const since = last ? now.getTime() - new Date(last.issued_at).getTime() : Infinity;
    if (since < CERTIFICATE_INTERVAL_MS) {
      throw errors.tooMany('CERTIFICATE_RATE_LIMITED', TEXT.rateLimited, Math.ceil((CERTIFICATE_INTERVAL_MS - since) / 1000));
    }

    // Hours are summed in cents so the printed total is exactly the sum of the printed rows.
    const byProject = new Map<string, CertificateProjectRow & { cents: number }>();
    for (const r of rows) {
      const e = byProject.get(r.project_id) ?? { projectId: r.project_id, name: r.project_name, organiser: r.group_name, from: r.service_date, to: r.service_date, hours: 0, records: 0, cents: 0 };
      e.cents += Math.round(Number(r.hours) * 100);
      e.records += 1;
      if (r.service_date < e.from) e.from = r.service_date;
      if (r.service_date > e.to) e.to = r.service_date;
      byProject.set(r.project_id, e);
    }
    const projects = [...byProject.values()].sort((a, b) => (a.from === b.from ? a.name.localeCompare(b.name) : a.from < b.from ? -1 : 1))
      .map(({ cents, ...p }) => ({ ...p, hours: cents / 100 }));
    const totalHours = [...byProject.values()].reduce((sum, p) => sum + p.cents, 0) / 100;

    // A platform certificate covers the whole record, so it also lists the trainings completed so far (issue 6 §4);
    // a project certificate speaks for one project's group only. Trainings never revoke a certificate.
    const snapshot: CertificateVolunteer = project ? volunteer : { ...volunteer, trainings: await completedTrainings(trx, account.id) };

    const issueDate = chinaToday(now);
    let number = '';
    for (let attempt = 0; ; attempt++) {
      number = newCertificateNumber(person.site_code, issueDate);
      const inserted = await trx.insertInto('certificates').values({
        number, account_id: account.id, site_code: person.site_code, kind: project ? 'project' : 'platform',
        project_site_code: project?.site_code ?? null, project_id: project?.id ?? null, issuer_group_id: project?.group_id ?? null,
        issuer: JSON.stringify(issuer), volunteer: JSON.stringify(snapshot), total_hours: totalHours, projects: JSON.stringify(projects),
        record_count: rows.length, issued_at: now,
      }).onConflict((oc) => oc.column('number').doNothing()).returning('number').executeTakeFirst();
      if (inserted) break;
      if (attempt >= 5) throw new Error('could not draw an unused certificate number');
    }
    for (let i = 0; i < rows.length; i += 1000) {
      await trx.insertInto('certificate_records')
        .values(rows.slice(i, i + 1000).map((r) => ({ number, record_id: r.id, hours: r.hours }))).execute();
    }
    await audit(trx, {
      actor: account, action: 'volunteer.certificate_issued', target: { type: 'certificate', id: number }, siteCode: person.site_code,
      ip: request.ip, outcome: 'success', detail: { kind: project ? 'project' : 'platform', projectId: project?.id ?? null, totalHours, records: rows.length },
    }, now);
    return { number };
  });

  return { number: issued.number, downloadUrl: downloadUrlOf(issued.number) };
}

/** The volunteer's completed trainings (attended offline trainings, completed courses, passed exams), oldest first. */
async function completedTrainings(trx: Kysely<DB>, accountId: string): Promise<CertificateTrainingRow[]> {
  const rows = await trx.selectFrom('training_completions as c')
    .innerJoin('trainings as t', (j) => j.onRef('t.site_code', '=', 'c.site_code').onRef('t.id', '=', 'c.training_id'))
    .select(['t.id', 't.kind', 't.title', 't.provider_name', 'c.completed_at', 'c.score'])
    .where('c.account_id', '=', accountId).orderBy('c.completed_at').orderBy('t.id').execute();
  return rows.map((r) => ({
    trainingId: r.id, kind: r.kind, title: r.title, provider: r.provider_name, completedOn: chinaToday(new Date(r.completed_at)),
    score: r.kind === 'exam' ? r.score : null,
  }));
}
