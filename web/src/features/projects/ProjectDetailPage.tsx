import { Page } from '../../shared/Page';

/** /projects/:id: a project, its positions, enrolment, discussion and public hour listing. */
export function ProjectDetailPage() {
  return <Page title="ProjectDetailPage">…</Page>;
}
