import { Page } from '../../shared/Page';

/** /console/projects/new: publish a project with its positions. */
export function ProjectPublishPage() {
  return <Page title="ProjectPublishPage">…</Page>;
}
