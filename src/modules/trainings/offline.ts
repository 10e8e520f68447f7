import type { FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import type { AppContext } from '../../platform/context.js';
import { AppError, errors } from '../../platform/errors.js';
import { audit } from '../../platform/audit.js';
import { requireAccount } from '../../platform/auth-guard.js';
import { loadTraining, requireTrainingProvider, type TrainingRow } from './access.js';
import { TEXT } from './text.js';

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

function requireOffline(training: TrainingRow) {
  if (training.kind !== 'offline') throw new AppError(409, 'NOT_OFFLINE', TEXT.notOffline);
}

function requireNotStarted(ctx: AppContext, training: TrainingRow) {
  if (new Date(training.starts_at!) <= ctx.now()) throw new AppError(409, 'TRAINING_STARTED', TEXT.started);
}

/**
 * A volunteer signs up until the training starts. The place is taken by a conditional UPDATE of the counter
 * (registered_count < capacity), so parallel sign-ups for the last place cannot both get it.
 */
export async function register(ctx: AppContext, request: FastifyRequest, id: string) {
  const account = requireAccount(request, 'volunteer');
  const training = await loadTraining(ctx, id);
  requireOffline(training);
  requireNotStarted(ctx, training);
  const now = ctx.now();
  await ctx.db.transaction().execute(async (trx) => {
    const inserted = await trx.insertInto('training_registrations')
      .values({ site_code: training.site_code, training_id: training.id, account_id: account.id, registered_at: now })
      .onConflict((oc) => oc.columns(['site_code', 'training_id', 'account_id']).doNothing())
      .returning('account_id').executeTakeFirst();
    if (!inserted) throw new AppError(409, 'ALREADY_REGISTERED', TEXT.alreadyRegistered);
    const taken = await trx.updateTable('trainings').set({ registered_count: sql<number>`registered_count + 1` })
      .where('site_code', '=', training.site_code).where('id', '=', training.id)
      .where(sql<boolean>`registered_count < capacity`).executeTakeFirst();
    if (Number(taken.numUpdatedRows) === 0) throw new AppError(409, 'TRAINING_FULL', TEXT.full);
    await audit(trx, {
      actor: account, action: 'training.register', target: { type: 'training', id: training.id }, siteCode: training.site_code,
      ip: request.ip, outcome: 'success',
    }, now);
  });
  return { trainingId: training.id, registeredAt: now.toISOString() };
}

/** The volunteer withdraws before the training starts; the place is free again. */
export async function cancelRegistration(ctx: AppContext, request: FastifyRequest, id: string) {
  const account = requireAccount(request, 'volunteer');
  const training = await loadTraining(ctx, id);
  requireOffline(training);
  requireNotStarted(ctx, training);
  const now = ctx.now();
  await ctx.db.transaction().execute(async (trx) => {
    const removed = await trx.deleteFrom('training_registrations')
      .where('site_code', '=', training.site_code).where('training_id', '=', training.id).where('account_id', '=', account.id)
      .executeTakeFirst();
    if (Number(removed.numDeletedRows) === 0) throw errors.notFound(TEXT.notRegistered);
    await trx.updateTable('trainings').set({ registered_count: sql<number>`registered_count - 1` })
      .where('site_code', '=', training.site_code).where('id', '=', training.id).execute();
    await audit(trx, {
      actor: account, action: 'training.unregister', target: { type: 'training', id: training.id }, siteCode: training.site_code,
      ip: request.ip, outcome: 'success',
    }, now);
  });
}

/**
 * The provider records who came, once the training has started. Attended makes a completion (dated the training's end,
 * or now if recorded before it ends); marking someone absent again removes it. Everyone named must have registered.
 */
export async function recordAttendance(ctx: AppContext, request: FastifyRequest, id: string, input: { accountIds: string[]; attended: boolean }) {
  const training = await loadTraining(ctx, id);
  const provider = await requireTrainingProvider(ctx, request, training);
  requireOffline(training);
  const now = ctx.now();
  if (new Date(training.starts_at!) > now) throw new AppError(409, 'TRAINING_NOT_STARTED', TEXT.notStarted);
  const ids = [...new Set(input.accountIds)];
  const registered = new Set((await ctx.db.selectFrom('training_registrations').select('account_id')
    .where('site_code', '=', training.site_code).where('training_id', '=', training.id).where('account_id', 'in', ids).execute())
    .map((r) => r.account_id));
  const missing = input.accountIds.map((a, i) => ({ a, i })).filter(({ a }) => !registered.has(a));
  if (missing.length > 0) throw errors.validation(TEXT.attendanceInvalid, missing.map(({ i }) => ({ field: `accountIds.${i}`, code: 'NOT_REGISTERED' })));
  const endsAt = new Date(training.ends_at!);
  const completedAt = endsAt < now ? endsAt : now;
  await ctx.db.transaction().execute(async (trx) => {
    await trx.updateTable('training_registrations')
      .set({ attended: input.attended, attendance_recorded_at: now, attendance_recorded_by: provider.actor.id })
      .where('site_code', '=', training.site_code).where('training_id', '=', training.id).where('account_id', 'in', ids).execute();
    if (input.attended) {
      await trx.insertInto('training_completions')
        .values(ids.map((accountId) => ({ site_code: training.site_code, training_id: training.id, account_id: accountId, completed_at: completedAt })))
        .onConflict((oc) => oc.columns(['site_code', 'training_id', 'account_id']).doNothing()).execute();
    } else {
      await trx.deleteFrom('training_completions')
        .where('site_code', '=', training.site_code).where('training_id', '=', training.id).where('account_id', 'in', ids).execute();
    }
    await audit(trx, {
      actor: provider.actor, action: 'training.attendance', target: { type: 'training', id: training.id }, siteCode: training.site_code,
      ip: request.ip, outcome: 'success', detail: { groupId: training.group_id, role: provider.role, attended: input.attended, accountIds: ids },
    }, now);
  });
  return { updated: ids.length, attended: input.attended };
}

/** Who signed up, for the provider: names, volunteer numbers and attendance. */
export async function listRegistrations(ctx: AppContext, request: FastifyRequest, id: string) {
  const training = await loadTraining(ctx, id);
  await requireTrainingProvider(ctx, request, training);
  requireOffline(training);
  const rows = await ctx.db.selectFrom('training_registrations as r')
    .innerJoin('accounts as a', 'a.id', 'r.account_id')
    .leftJoin('people as p', 'p.account_id', 'r.account_id')
    .leftJoin('volunteer_profiles as vp', 'vp.account_id', 'r.account_id')
    .select(['r.account_id', 'r.registered_at', 'r.attended', 'a.display_name', 'p.name', 'vp.volunteer_number'])
    .where('r.site_code', '=', training.site_code).where('r.training_id', '=', training.id)
    .orderBy('r.registered_at').orderBy('r.account_id').execute();
  return {
    items: rows.map((r) => ({
      accountId: r.account_id, name: r.name ?? r.display_name, volunteerNumber: r.volunteer_number, registeredAt: iso(r.registered_at)!,
      attended: r.attended,
    })),
    total: rows.length, capacity: training.capacity!,
  };
}
