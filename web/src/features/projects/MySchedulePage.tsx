import { Page } from '../../shared/Page';

/** /me/schedule: my shifts and the .ics export. */
export function MySchedulePage() {
  return <Page title="MySchedulePage">…</Page>;
}
