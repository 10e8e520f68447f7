import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { checkPassword, describeRules, isValidRules } from './rules.js';
import { forgetCachedPolicies, policyFor, violationsWithMessages } from './service.js';
import { getSite } from '../places/divisions.js';
import { AppError } from '../../platform/errors.js';
import { requireAccount } from '../../platform/auth-guard.js';
import { audit } from '../../platform/audit.js';
import type { AccountType } from '../../platform/database/schema.js';

const AccountTypeSchema = Type.Union(['volunteer', 'group', 'staff', 'admin'].map((t) => Type.Literal(t)));
const SiteCode = Type.String({ pattern: '^[0-9]{2}$', description: '2-digit province code' });
const RulesSchema = Type.Object({
  minLength: Type.Integer(), maxLength: Type.Integer(),
  requiredClasses: Type.Array(Type.String()),
  minClasses: Type.Union([Type.Null(), Type.Object({ count: Type.Integer(), of: Type.Array(Type.String()) })]),
  maxSequential: Type.Union([Type.Integer(), Type.Null()]),
  maxRepeated: Type.Union([Type.Integer(), Type.Null()]),
  forbidUsername: Type.Boolean(),
  forbidCommon: Type.Boolean(),
});

function knownSite(code: string) {
  if (code !== '00' && !getSite(code)) {
    throw new AppError(422, 'SITE_UNKNOWN', '所选分站不存在，请重新选择', { errors: [{ field: 'siteCode', code: 'SITE_UNKNOWN' }] });
  }
}

export async function passwordPolicyRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = app.ctx;

  app.post('/password-policy/check', {
    schema: {
      tags: ['passwords'],
      summary: 'Checks a password against the policy of a site and account type; lists every broken rule',
      body: Type.Object({
        siteCode: SiteCode,
        password: Type.String({ maxLength: 256 }),
        username: Type.Optional(Type.String({ maxLength: 64 })),
        accountType: Type.Optional(AccountTypeSchema),
      }),
      response: {
        200: Type.Object({
          ok: Type.Boolean(),
          errors: Type.Array(Type.Object({ code: Type.String(), message: Type.String() })),
          rules: Type.Array(Type.String()),
        }),
      },
    },
  }, async (request) => {
    const { siteCode, password, username } = request.body;
    knownSite(siteCode);
    const rules = await policyFor(db, siteCode, (request.body.accountType ?? 'volunteer') as AccountType);
    const violations = checkPassword(password, rules, { username });
    return { ok: violations.length === 0, errors: violationsWithMessages(violations, rules), rules: describeRules(rules) };
  });

  app.get('/password-policy', {
    schema: {
      tags: ['passwords'],
      summary: 'The password rules in force for a site and account type',
      querystring: Type.Object({ siteCode: SiteCode, accountType: Type.Optional(AccountTypeSchema) }),
      response: { 200: Type.Object({ siteCode: Type.String(), accountType: Type.String(), rules: RulesSchema, description: Type.Array(Type.String()) }) },
    },
  }, async (request) => {
    knownSite(request.query.siteCode);
    const accountType = (request.query.accountType ?? 'volunteer') as AccountType;
    const rules = await policyFor(db, request.query.siteCode, accountType);
    return { siteCode: request.query.siteCode, accountType, rules, description: describeRules(rules) };
  });

  app.put('/admin/password-policies/:siteCode/:accountType', {
    schema: {
      tags: ['admin'],
      summary: "Sets a site's password rules for one account type ('00' = national default); system administrators only",
      params: Type.Object({ siteCode: SiteCode, accountType: AccountTypeSchema }),
      body: Type.Object({ rules: RulesSchema }),
      response: { 204: Type.Null() },
    },
  }, async (request, reply) => {
    const admin = requireAccount(request, 'admin');
    const { siteCode, accountType } = request.params;
    knownSite(siteCode);
    if (!isValidRules(request.body.rules)) {
      throw new AppError(422, 'POLICY_INVALID', '密码规则设置不合理，请检查长度范围和字符类别', { errors: [{ field: 'rules', code: 'POLICY_INVALID' }] });
    }
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('password_policies')
        .values({ site_code: siteCode, account_type: accountType as AccountType, rules: JSON.stringify(request.body.rules), updated_by: admin.id })
        .onConflict((oc) => oc.columns(['site_code', 'account_type']).doUpdateSet({
          rules: JSON.stringify(request.body.rules), updated_by: admin.id, updated_at: app.ctx.now(),
        }))
        .execute();
      await audit(trx, {
        actor: admin, action: 'password_policy.update', target: { type: 'password_policy', id: `${siteCode}:${accountType}` },
        siteCode, ip: request.ip, outcome: 'success', detail: { rules: request.body.rules },
      }, app.ctx.now());
    });
    forgetCachedPolicies();
    return reply.status(204).send(null);
  });
}
