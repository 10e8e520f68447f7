import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** numeric columns are parsed to numbers (see database.ts). */
type Numeric = ColumnType<number, number | string, number | string>;
type Json<T> = ColumnType<T, string, string>;

export type CertificateKind = 'platform' | 'project';

/** Who issued a certificate, as printed on it. */
export interface CertificateIssuer { name: string; personInCharge: string; contact: string }

/**
 * The volunteer as printed on the certificate: the ID number only masked. trainings: on a platform certificate,
 * the trainings the volunteer had completed at issue, oldest first (absent on project certificates and on those
 * issued before trainings were listed).
 */
export interface CertificateVolunteer {
  name: string; idType: string; idNumberMasked: string; volunteerNumber: string; trainings?: CertificateTrainingRow[];
}

/** A completed training as listed on a platform certificate: an attended offline training, a course, a passed exam. */
export interface CertificateTrainingRow {
  trainingId: string;
  kind: 'offline' | 'course' | 'exam';
  title: string;
  provider: string;
  /** 'YYYY-MM-DD' China time. */
  completedOn: string;
  /** Best score in percent, exams only. */
  score: number | null;
}

/** One row of the certificate's table: a project's effective hours. */
export interface CertificateProjectRow {
  projectId: string;
  name: string;
  organiser: string;
  /** First and last service date, 'YYYY-MM-DD' China time. */
  from: string;
  to: string;
  hours: number;
  records: number;
}

export interface CertificatesTable {
  number: string;
  account_id: string;
  site_code: string;
  kind: CertificateKind;
  project_site_code: string | null;
  project_id: string | null;
  issuer_group_id: string | null;
  issuer: Json<CertificateIssuer>;
  volunteer: Json<CertificateVolunteer>;
  total_hours: Numeric;
  projects: Json<CertificateProjectRow[]>;
  record_count: number;
  issued_at: Timestamp;
}

export interface CertificateRecordsTable {
  number: string;
  record_id: string;
  hours: Numeric;
}

/** Tables of migrations/0017_certificates.ts. */
export interface CertificateTables {
  certificates: CertificatesTable;
  certificate_records: CertificateRecordsTable;
}
