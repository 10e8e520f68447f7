import { Page } from '../../shared/Page';

/** /console/projects/:id/shifts/:shiftId/qr: the attendance QR shown by the group. */
export function ShiftQrPage() {
  return <Page title="ShiftQrPage">…</Page>;
}
