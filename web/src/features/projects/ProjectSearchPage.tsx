import { Page } from '../../shared/Page';

/** /projects: public project search. */
export function ProjectSearchPage() {
  return <Page title="ProjectSearchPage">…</Page>;
}
