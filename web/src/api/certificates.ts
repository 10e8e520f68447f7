// Certificates (志愿服务证明) and the volunteer card (志愿者证). Shapes follow the server's route schemas
// (src/modules/certificates/routes.ts, verify-upload.ts; src/modules/volunteer-cards/routes.ts).
import { API_PREFIX, api } from './client';

export type CertificateKind = 'platform' | 'project';
export type CertificateStatus = 'valid' | 'revoked';

export interface MyCertificate {
  number: string;
  kind: CertificateKind;
  projectId: string | null;
  issuer: string;
  totalHours: number;
  issuedAt: string;
  downloadUrl: string;
  status: CertificateStatus;
}

export interface CertificateCheck {
  valid: boolean;
  revoked: boolean;
  status: CertificateStatus;
  revokedAt: string | null;
  number: string;
  kind: CertificateKind;
  volunteerName: string;
  volunteerNumber: string;
  totalHours: number;
  issuedAt: string;
  issuer: string;
  projects: { name: string; organiser: string; from: string; to: string; hours: number }[];
}

export type SignatureVerdict = 'valid' | 'modified' | 'not_signed' | 'untrusted';

export interface UploadVerdict {
  signature: SignatureVerdict;
  number: string | null;
  known: boolean;
  revoked: boolean;
  certificate: CertificateCheck | null;
}

export interface MyCard {
  name: string;
  volunteerNumber: string;
  siteName: string;
  regionName: string | null;
  registeredOn: string;
  stars: number;
  totalHours: number;
  photoUrl: string | null;
  checkUrl: string;
}

export interface CardCheck {
  valid: boolean;
  volunteerName: string;
  volunteerNumber: string;
  siteName: string;
  stars: number;
}

const enc = encodeURIComponent;
const anonymous = { signedOutOn401: false } as const;

export const certificatesApi = {
  issue: (projectId?: string) => api.post<{ number: string; downloadUrl: string }>('/me/certificates', projectId ? { projectId } : {}),
  mine: () => api.get<{ items: MyCertificate[]; nextIssueAt: string | null }>('/me/certificates'),
  check: (number: string) => api.get<CertificateCheck>(`/certificates/${enc(number)}`, anonymous),
  verifyFile: (file: Blob) =>
    api.post<UploadVerdict>('/certificates/verify', file.type === 'application/pdf' ? file : new Blob([file], { type: 'application/pdf' }), anonymous),
};

export const cardApi = {
  mine: () => api.get<MyCard>('/me/card'),
  uploadPhoto: (file: File) => api.put<{ photoUrl: string }>('/me/card/photo', file),
  removePhoto: () => api.delete('/me/card/photo'),
  check: (number: string) => api.get<CardCheck>(`/volunteers/${enc(number)}/card-check`, anonymous),
  /** Same-origin links: the session cookie goes along, so a plain <a>/<img> works. */
  pngUrl: (side: 'front' | 'back', version: string) => `${API_PREFIX}/me/card.png?side=${side}&v=${enc(version)}`,
  pdfUrl: `${API_PREFIX}/me/card.pdf`,
};
