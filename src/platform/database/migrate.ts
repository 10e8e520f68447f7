import type { Kysely } from 'kysely';
import { Migrator, type Migration, type MigrationProvider } from 'kysely/migration';
import * as m0001 from './migrations/0001_foundation.js';
import * as m0002 from './migrations/0002_outbox.js';
import * as m0003 from './migrations/0003_codes.js';
import * as m0004 from './migrations/0004_realname.js';
import * as m0005 from './migrations/0005_self_service.js';
import * as m0006 from './migrations/0006_units_imports.js';
import * as m0007 from './migrations/0007_security_questions.js';
import * as m0008 from './migrations/0008_groups.js';
import * as m0009 from './migrations/0009_group_search.js';
import * as m0010 from './migrations/0010_projects.js';
import * as m0011 from './migrations/0011_enrollments.js';
import * as m0012 from './migrations/0012_service_records.js';
import * as m0013 from './migrations/0013_schedules.js';
import * as m0014 from './migrations/0014_hour_sources.js';
import * as m0015 from './migrations/0015_record_disputes.js';
import * as m0016 from './migrations/0016_project_extras.js';
import * as m0017 from './migrations/0017_certificates.js';
import * as m0018 from './migrations/0018_transfers_commendations.js';
import * as m0019 from './migrations/0019_volunteer_cards.js';
import * as m0020 from './migrations/0020_trainings.js';
import * as m0021 from './migrations/0021_project_search.js';

const migrations: Record<string, Migration> = {
  '0001_foundation': m0001,
  '0002_outbox': m0002,
  '0003_codes': m0003,
  '0004_realname': m0004,
  '0005_self_service': m0005,
  '0006_units_imports': m0006,
  '0007_security_questions': m0007,
  '0008_groups': m0008,
  '0009_group_search': m0009,
  '0010_projects': m0010,
  '0011_enrollments': m0011,
  '0012_service_records': m0012,
  '0013_schedules': m0013,
  '0014_hour_sources': m0014,
  '0015_record_disputes': m0015,
  '0016_project_extras': m0016,
  '0017_certificates': m0017,
  '0018_transfers_commendations': m0018,
  '0019_volunteer_cards': m0019,
  '0020_trainings': m0020,
  '0021_project_search': m0021,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

export async function migrateToLatest(db: Kysely<any>): Promise<void> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${String((error as Error)?.message ?? error)}`);
  }
}
