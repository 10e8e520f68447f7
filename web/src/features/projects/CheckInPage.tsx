import { Page } from '../../shared/Page';

/** /checkin?t=…: the phone screen a scanned attendance QR code opens. */
export function CheckInPage() {
  return <Page title="CheckInPage">…</Page>;
}
