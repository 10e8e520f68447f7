import type { FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import type { AppContext } from '../../platform/context.js';
import { requireAccount } from '../../platform/auth-guard.js';
import { prepared } from '../../platform/database/prepared.js';
import { summaryColumns, toSummary, type SummaryRow } from '../service-records/listing.js';
import { shownAverage } from '../evaluations/evaluations.js';
import { chinaClock, chinaToday, projectStatus } from '../projects/status.js';
import type { StoredProjectStatus } from '../../platform/database/schema-projects.js';

/** How many of each list the home page shows; the "more" links open the full lists. */
export const HOME_LIST_SIZE = 5;
export const HOME_EVALUATIONS = 3;

interface Row extends SummaryRow {
  evaluation_count: string | number;
  average_rating: string | number | null;
  groups: { id: string; name: string; site_code: string }[] | null;
  projects: { id: string; name: string; site_code: string; start_date: string; end_date: string; status: StoredProjectStatus; position_name: string }[] | null;
  records: { id: string; project_id: string; project_name: string; service_date: string; start_at: string; end_at: string; hours: number }[] | null;
  evaluations: { project_id: string; project_name: string; group_id: string; group_name: string; rating: number; comment: string | null; updated_at: string }[] | null;
}

/**
 * Everything the volunteer home page shows (seed 002 §2.1.6.1), in one statement: a phone pays one round trip and the
 * database one plan. Every part is an index read by account (volunteer_totals' key, group_members_account,
 * enrollments_mine, service_records_mine, evaluations_account), so its cost does not grow with the ledger.
 */
export async function volunteerHome(ctx: AppContext, request: FastifyRequest) {
  const account = requireAccount(request, 'volunteer');
  const id = account.id;
  const { rows: [row] } = await sql<Row>`
    select ${summaryColumns(id)},
      (select count(*) from evaluations where account_id = ${id}) as evaluation_count,
      (select avg(rating) from evaluations where account_id = ${id}) as average_rating,
      (select json_agg(x) from (
         select g.id, g.name, g.site_code from group_members gm
           join groups g on g.site_code = gm.site_code and g.id = gm.group_id
          where gm.account_id = ${id} and gm.status = 'joined'
          order by gm.applied_at desc, gm.group_id limit ${HOME_LIST_SIZE}) x) as groups,
      (select json_agg(x) from (
         select p.id, p.name, p.site_code, p.start_date, p.end_date, p.status, pos.name as position_name from enrollments e
           join projects p on p.site_code = e.site_code and p.id = e.project_id
           join positions pos on pos.site_code = e.site_code and pos.project_id = e.project_id and pos.id = e.position_id
          where e.account_id = ${id} and e.status = 'enrolled'
          order by e.applied_at desc, e.project_id limit ${HOME_LIST_SIZE}) x) as projects,
      (select json_agg(x) from (
         select r.id, r.project_id, p.name as project_name, r.service_date, r.start_at, r.end_at, r.hours from service_records r
           join projects p on p.site_code = r.site_code and p.id = r.project_id
          where r.account_id = ${id} and r.status = 'effective'
          order by r.service_date desc, r.id desc limit ${HOME_LIST_SIZE}) x) as records,
      (select json_agg(x) from (
         select e.project_id, p.name as project_name, e.group_id, g.name as group_name, e.rating, e.comment, e.updated_at from evaluations e
           join projects p on p.site_code = e.site_code and p.id = e.project_id
           join groups g on g.site_code = e.site_code and g.id = e.group_id
          where e.account_id = ${id}
          order by e.created_at desc, e.project_id limit ${HOME_EVALUATIONS}) x) as evaluations${prepared}`.execute(ctx.db);
  const { totalHours, stars, groups: groupCount, projects: projectCount } = toSummary(row);
  const evaluationCount = Number(row?.evaluation_count ?? 0);
  const today = chinaToday(ctx.now());
  return {
    totalHours,
    stars,
    groupCount,
    projectCount,
    groups: (row?.groups ?? []).map((g) => ({ groupId: g.id, groupName: g.name, siteCode: g.site_code })),
    projects: (row?.projects ?? []).map((p) => ({
      projectId: p.id, projectName: p.name, siteCode: p.site_code, positionName: p.position_name, startDate: p.start_date, endDate: p.end_date,
      projectStatus: projectStatus(p.status, p.start_date, p.end_date, today),
    })),
    recentHours: (row?.records ?? []).map((r) => ({
      id: r.id, projectId: r.project_id, projectName: r.project_name, serviceDate: r.service_date,
      startTime: chinaClock(r.start_at), endTime: chinaClock(r.end_at), hours: Number(r.hours),
    })),
    evaluations: {
      items: (row?.evaluations ?? []).map((e) => ({
        projectId: e.project_id, projectName: e.project_name, groupId: e.group_id, groupName: e.group_name,
        rating: Number(e.rating), comment: e.comment, updatedAt: new Date(e.updated_at).toISOString(),
      })),
      averageRating: shownAverage(evaluationCount, row?.average_rating),
      total: evaluationCount,
    },
  };
}
