import { Page } from '../../shared/Page';

/** /console/projects/:id: enrolments, schedule, attendance, hours, reports. */
export function ProjectManagePage() {
  return <Page title="ProjectManagePage">…</Page>;
}
