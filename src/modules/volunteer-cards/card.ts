import type { FastifyRequest } from 'fastify';
import { publicBaseUrl } from '../../platform/config.js';
import type { AppContext } from '../../platform/context.js';
import { AppError, errors } from '../../platform/errors.js';
import { requireAccount } from '../../platform/auth-guard.js';
import { hitWindow } from '../../platform/rate-limit.js';
import { lookupKey } from '../accounts/lookups.js';
import { maskName } from '../board/names.js';
import { fullName } from '../places/divisions.js';
import { chinaToday } from '../projects/status.js';
import { starsFor } from '../service-records/rules.js';
import { STAR_THRESHOLDS } from '../service-records/text.js';
import { loadPhoto, photoUrl } from './photo.js';
import { renderCardPdf, renderCardPng, type CardContent, type CardSide } from './render.js';
import { TEXT } from './text.js';

/** Public checks per address per minute: enough for a volunteer desk scanning a queue, not for walking the number space. */
export const CHECK_LIMIT = 30;
export const CHECK_WINDOW_SECONDS = 60;

/** The web page a card's QR code opens; it shows GET /volunteers/{number}/card-check. */
export const checkUrlOf = (ctx: AppContext, number: string) => `${publicBaseUrl(ctx.config)}/cards/${number}`;

const hoursOf = (value: unknown) => Math.round(Number(value ?? 0) * 100) / 100;

async function loadCardRow(ctx: AppContext, accountId: string) {
  return ctx.db.selectFrom('accounts as a')
    .innerJoin('people as p', 'p.account_id', 'a.id')
    .innerJoin('volunteer_profiles as v', 'v.account_id', 'a.id')
    .innerJoin('sites as s', 's.code', 'a.site_code')
    .leftJoin('volunteer_totals as t', 't.account_id', 'a.id')
    .leftJoin('volunteer_card_photos as ph', 'ph.account_id', 'a.id')
    .select(['a.id', 'a.status', 'a.created_at', 'p.name', 'p.realname_status', 'v.volunteer_number', 'v.service_region_code',
      's.name as site_name', 't.effective_hours', 'ph.etag as photo_etag'])
    .where('a.id', '=', accountId)
    .executeTakeFirst();
}

/**
 * The card of the signed-in volunteer (seed 002 §2.1.6.2: a verified volunteer with a volunteer number has one).
 * photoUrl is null until a photo is uploaded; the page shows the card and asks for one.
 */
export async function myCard(ctx: AppContext, request: FastifyRequest) {
  const account = requireAccount(request, 'volunteer');
  const row = await loadCardRow(ctx, account.id);
  if (!row) throw errors.forbidden();
  if (row.realname_status !== 'verified') throw new AppError(409, 'CARD_REALNAME_REQUIRED', TEXT.realNameRequired);
  if (!row.volunteer_number) throw new AppError(409, 'CARD_NUMBER_MISSING', TEXT.numberMissing);
  const totalHours = hoursOf(row.effective_hours);
  return {
    name: row.name,
    volunteerNumber: row.volunteer_number,
    siteName: row.site_name,
    regionName: row.service_region_code ? fullName(row.service_region_code) || null : null,
    registeredOn: chinaToday(new Date(row.created_at)),
    stars: starsFor(totalHours, STAR_THRESHOLDS),
    totalHours,
    photoUrl: photoUrl(row.photo_etag),
    checkUrl: checkUrlOf(ctx, row.volunteer_number),
  };
}

/** Everything the drawn card needs; a card is not drawn without its photo. */
async function cardContent(ctx: AppContext, request: FastifyRequest): Promise<CardContent> {
  const card = await myCard(ctx, request);
  const photo = await loadPhoto(ctx, request.auth!.account.id);
  if (!photo) throw new AppError(409, 'CARD_PHOTO_MISSING', TEXT.photoMissing);
  return { ...card, today: chinaToday(ctx.now()), photo: photo.image };
}

export async function myCardPng(ctx: AppContext, request: FastifyRequest, side: CardSide) {
  const content = await cardContent(ctx, request);
  return { png: await renderCardPng(content, side), number: content.volunteerNumber };
}

export async function myCardPdf(ctx: AppContext, request: FastifyRequest) {
  const content = await cardContent(ctx, request);
  return { pdf: await renderCardPdf(content, ctx.now()), number: content.volunteerNumber };
}

/**
 * What a scanned card's QR code may tell anyone: whether the number belongs to a verified volunteer in good
 * standing, the name masked, the site and the stars. Never the photo, region or hours. The number is found through
 * account_lookups (as at sign-in); every call counts against the caller's address, found or not.
 */
export async function checkCard(ctx: AppContext, request: FastifyRequest, number: string) {
  const hit = await hitWindow(ctx.db, `card-check:${request.ip}`, CHECK_WINDOW_SECONDS, CHECK_LIMIT, ctx.now());
  if (!hit.allowed) throw errors.tooMany('CARD_CHECK_RATE_LIMITED', TEXT.checkRateLimited, hit.retryAfter);
  const row = await ctx.db.selectFrom('account_lookups as l')
    .innerJoin('accounts as a', 'a.id', 'l.account_id')
    .innerJoin('people as p', 'p.account_id', 'a.id')
    .innerJoin('volunteer_profiles as v', 'v.account_id', 'a.id')
    .innerJoin('sites as s', 's.code', 'a.site_code')
    .leftJoin('volunteer_totals as t', 't.account_id', 'a.id')
    .select(['a.status', 'p.name', 'p.realname_status', 'v.volunteer_number', 's.name as site_name', 't.effective_hours'])
    .where('l.kind', '=', 'volunteer_number').where('l.lookup', '=', lookupKey(ctx.cipher, 'volunteer_number', number))
    .executeTakeFirst();
  // A lookup left behind by a changed number must not vouch for the old one.
  if (!row || row.volunteer_number !== number) throw errors.notFound(TEXT.notFound);
  return {
    valid: row.status === 'active' && row.realname_status === 'verified',
    volunteerName: maskName(row.name),
    volunteerNumber: number,
    siteName: row.site_name,
    stars: starsFor(hoursOf(row.effective_hours), STAR_THRESHOLDS),
  };
}
