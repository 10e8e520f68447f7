import { Page } from '../../shared/Page';

/** /me/projects: my enrolments (joined / pending / rejected). */
export function MyProjectsPage() {
  return <Page title="MyProjectsPage">…</Page>;
}
