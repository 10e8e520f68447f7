import { Page } from '../../shared/Page';

/** /me/hours: my service records, corrections and reports. */
export function MyHoursPage() {
  return <Page title="MyHoursPage">…</Page>;
}
