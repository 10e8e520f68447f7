import type { AppContext } from '../../platform/context.js';
import { hashPassword } from '../../platform/passwords.js';
import { uuidv7 } from '../../platform/ids.js';
import { audit } from '../../platform/audit.js';
import { checkPassword, messageFor } from '../password-policy/rules.js';
import { NATIONAL, policyFor } from '../password-policy/service.js';
import { claimLookup, lookupKey } from './lookups.js';
import { usernameProblem } from './usernames.js';

/**
 * Creates the first system administrator from BOOTSTRAP_ADMIN_* when the database has none. A password
 * that breaks the administrator policy stops the server: a weak first admin is worse than none.
 */
export async function bootstrapAdministrator(ctx: AppContext): Promise<void> {
  const wanted = ctx.config.bootstrapAdmin;
  if (!wanted) return;
  const existing = await ctx.db.selectFrom('accounts').select('id').where('type', '=', 'admin').limit(1).executeTakeFirst();
  if (existing) return;
  if (usernameProblem(wanted.username)) {
    throw new Error('BOOTSTRAP_ADMIN_USERNAME: must be 4-20 letters, digits or underscore, not all digits');
  }
  const rules = await policyFor(ctx.db, NATIONAL, 'admin');
  const violations = checkPassword(wanted.password, rules, { username: wanted.username });
  if (violations.length > 0) {
    throw new Error(`BOOTSTRAP_ADMIN_PASSWORD: does not meet the administrator password policy (${violations.map((v) => `${v.code}: ${messageFor(v, rules)}`).join('; ')})`);
  }
  const hash = await hashPassword(wanted.password);
  const now = ctx.now();
  const id = uuidv7(now.getTime());
  await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto('accounts').values({
      id, type: 'admin', site_code: NATIONAL, username: wanted.username, display_name: '系统管理员',
      password_hash: hash, password_changed_at: now, status: 'active', created_at: now, updated_at: now,
    }).execute();
    if (!(await claimLookup(trx, 'username', lookupKey(ctx.cipher, 'username', wanted.username), id))) {
      throw new Error(`BOOTSTRAP_ADMIN_USERNAME: "${wanted.username}" is already used by another account`);
    }
    await audit(trx, { actor: null, action: 'admin.bootstrap', target: { type: 'account', id }, outcome: 'success', detail: { username: wanted.username } }, now);
  });
  ctx.log.info({ username: wanted.username }, 'created the bootstrap system administrator');
}
