import type { Kysely } from 'kysely';
import type { DB } from '../../platform/database/schema.js';

/** What a provincial site may decide for itself; the defaults hold where it has said nothing. */
export interface SiteSettings {
  /** Volunteer registration needs an SMS code for the phone number. */
  requirePhoneVerification: boolean;
  /** Password recovery by security questions (密保问题, seed 004 §六/七). Off: OWASP ASVS 2.5.6 forbids them. */
  securityQuestions: boolean;
  /** Days a new service record stays ineffective while it is publicly listed (时长公示期); 0: effective at once. */
  publicityDays: number;
}

export const DEFAULT_SITE_SETTINGS: SiteSettings = { requirePhoneVerification: false, securityQuestions: false, publicityDays: 0 };

export async function siteSettings(db: Kysely<DB>, siteCode: string): Promise<SiteSettings> {
  const row = await db.selectFrom('sites').select('settings').where('code', '=', siteCode).executeTakeFirst();
  return { ...DEFAULT_SITE_SETTINGS, ...((row?.settings ?? {}) as Partial<SiteSettings>) };
}
