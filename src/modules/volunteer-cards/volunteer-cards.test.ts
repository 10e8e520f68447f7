import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { asUser, createTestApp, signIn, volunteerBody, type TestApp } from '../../../test/helper.js';
import { seedGroup } from '../../../test/groups.js';
import { publicBaseUrl } from '../../platform/config.js';
import { claimLookup, lookupKey } from '../accounts/lookups.js';
import { CHECK_LIMIT } from './card.js';
import { MAX_PHOTO_BYTES } from './photo.js';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t.close(); });

let numberSerial = 0;
async function volunteer(options: { verified?: boolean; number?: boolean; name?: string } = {}) {
  const body = volunteerBody(options.name ? { name: options.name } : {});
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/volunteers', payload: body });
  assert.equal(res.statusCode, 201, res.body);
  const { db, cipher } = t.app.ctx;
  const account = await db.selectFrom('accounts').select('id').where('username', '=', body.username).executeTakeFirstOrThrow();
  if (options.verified !== false) await db.updateTable('people').set({ realname_status: 'verified' }).where('account_id', '=', account.id).execute();
  const volunteerNumber = `110105${String(process.pid % 1000).padStart(3, '0')}${String(++numberSerial).padStart(5, '0')}`;
  if (options.number !== false) {
    await db.updateTable('volunteer_profiles').set({ volunteer_number: volunteerNumber }).where('account_id', '=', account.id).execute();
    assert.ok(await claimLookup(db, 'volunteer_number', lookupKey(cipher, 'volunteer_number', volunteerNumber), account.id));
  }
  const { cookie } = await signIn(t.app, body.username, body.password);
  return { ...body, id: account.id, cookie, volunteerNumber };
}

const put = (cookie: string | null, body: Buffer | string, type = 'image/jpeg') => {
  const options = { method: 'PUT' as const, url: '/api/v1/me/card/photo', payload: body, headers: { 'content-type': type } };
  return cookie ? asUser(t.app, cookie, options) : t.app.inject({ ...options, headers: { ...options.headers, 'x-requested-with': 'zhiyuan-web' } });
};
const get = (cookie: string | null, url: string, headers: Record<string, string> = {}) =>
  cookie ? asUser(t.app, cookie, { method: 'GET', url: `/api/v1${url}`, headers }) : t.app.inject({ method: 'GET', url: `/api/v1${url}`, headers });

const CHINESE = /[\u4e00-\u9fff]/;

/** Whether a TIFF/EXIF block's first IFD points to a GPS IFD (tag 0x8825). */
function hasGpsIfd(exif: Buffer): boolean {
  const tiff = exif.subarray(exif.indexOf('Exif\0\0') === 0 ? 6 : 0);
  const little = tiff.toString('latin1', 0, 2) === 'II';
  const u16 = (o: number) => (little ? tiff.readUInt16LE(o) : tiff.readUInt16BE(o));
  const u32 = (o: number) => (little ? tiff.readUInt32LE(o) : tiff.readUInt32BE(o));
  const ifd = u32(4);
  for (let i = 0; i < u16(ifd); i++) if (u16(ifd + 2 + i * 12) === 0x8825) return true;
  return false;
}

const gpsJpeg = (width = 1200, height = 1600) =>
  sharp({ create: { width, height, channels: 3, background: '#c83232' } })
    .jpeg()
    .withExif({
      IFD0: { Make: 'SecretCam', Artist: 'secret-artist' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '31/1 13/1 49/1', GPSLongitudeRef: 'E', GPSLongitude: '121/1 28/1 0/1' },
    })
    .withIccProfile('p3')
    .toBuffer();
const png = (width: number, height: number, background = { r: 20, g: 120, b: 200, alpha: 0.5 }) =>
  sharp({ create: { width, height, channels: 4, background } }).png().toBuffer();

test('a JPEG with GPS, camera and ICC data is stored as a fresh 390×567 JPEG with no metadata at all', async () => {
  const v = await volunteer();
  const source = await gpsJpeg();
  const sourceMeta = await sharp(source).metadata();
  assert.ok(sourceMeta.exif && hasGpsIfd(sourceMeta.exif), 'the test image carries a GPS IFD');
  assert.ok(sourceMeta.icc, 'the test image carries an ICC profile');

  const res = await put(v.cookie, source);
  assert.equal(res.statusCode, 200, res.body);
  const { photoUrl } = res.json();
  assert.match(photoUrl, /^\/api\/v1\/me\/card\/photo\?v=[0-9a-f]{24}$/);

  const stored = await t.app.ctx.db.selectFrom('volunteer_card_photos').select(['image', 'width', 'height']).where('account_id', '=', v.id).executeTakeFirstOrThrow();
  const bytes = Buffer.from(stored.image);
  const meta = await sharp(bytes).metadata();
  assert.equal(meta.format, 'jpeg');
  assert.deepEqual([meta.width, meta.height, stored.width, stored.height], [390, 567, 390, 567]);
  assert.equal(meta.exif, undefined);
  assert.equal(meta.icc, undefined);
  assert.equal(meta.xmp, undefined);
  assert.equal(bytes.indexOf('Exif'), -1, 'no APP1 EXIF segment');
  assert.equal(bytes.indexOf('SecretCam'), -1);

  const image = await get(v.cookie, '/me/card/photo');
  assert.equal(image.statusCode, 200, image.body);
  assert.equal(image.headers['content-type'], 'image/jpeg');
  assert.equal(image.headers['cache-control'], 'private, no-cache');
  assert.ok(image.rawPayload.equals(bytes));
  const etag = String(image.headers.etag);
  assert.equal((await get(v.cookie, '/me/card/photo', { 'if-none-match': etag })).statusCode, 304);
  const versioned = await asUser(t.app, v.cookie, { method: 'GET', url: photoUrl });
  assert.equal(versioned.headers['cache-control'], 'private, max-age=31536000, immutable');

  const audits = await t.app.ctx.db.selectFrom('audit_log').select('detail').where('action', '=', 'volunteer_card.photo_set').where('target_id', '=', v.id).execute();
  assert.equal(audits.length, 1);
  assert.equal((audits[0]!.detail as any).source, 'jpeg');
});

test('a PNG (transparency on white, wide picture) is cropped to the ID-photo shape; a new upload replaces the old', async () => {
  const v = await volunteer();
  const first = await put(v.cookie, await png(1000, 400), 'image/png');
  assert.equal(first.statusCode, 200, first.body);
  const second = await put(v.cookie, await png(600, 900, { r: 200, g: 200, b: 20, alpha: 1 }), 'image/png');
  assert.equal(second.statusCode, 200, second.body);
  assert.notEqual(second.json().photoUrl, first.json().photoUrl);
  const rows = await t.app.ctx.db.selectFrom('volunteer_card_photos').select(['image', 'etag']).where('account_id', '=', v.id).execute();
  assert.equal(rows.length, 1);
  const meta = await sharp(Buffer.from(rows[0]!.image)).metadata();
  assert.deepEqual([meta.format, meta.width, meta.height, meta.hasAlpha], ['jpeg', 390, 567, false]);
  assert.equal(second.json().photoUrl, `/api/v1/me/card/photo?v=${rows[0]!.etag}`);
});

test('text, SVG, WebP, tiny, truncated and oversized uploads are refused with Chinese titles; nothing is stored', async () => {
  const v = await volunteer();
  const jpeg = await gpsJpeg(600, 800);
  const webp = await sharp({ create: { width: 400, height: 600, channels: 3, background: '#336699' } }).webp().toBuffer();
  const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="600"><rect width="400" height="600" fill="red"/></svg>';
  const oversized = Buffer.concat([jpeg, Buffer.alloc(MAX_PHOTO_BYTES + 1 - jpeg.length)]);
  assert.equal(oversized.length, 2 * 1024 * 1024 + 1);
  const cases: [string, Buffer | string, string, number, string][] = [
    ['text file sent as JPEG', 'hello, this is not an image\n', 'image/jpeg', 400, 'PHOTO_INVALID'],
    ['SVG sent as PNG', svg, 'image/png', 400, 'PHOTO_INVALID'],
    ['SVG as itself', svg, 'image/svg+xml', 415, 'PHOTO_TYPE_UNSUPPORTED'],
    ['text as text', 'plain', 'text/plain', 415, 'PHOTO_TYPE_UNSUPPORTED'],
    ['WebP sent as JPEG', webp, 'image/jpeg', 400, 'PHOTO_INVALID'],
    ['truncated JPEG', jpeg.subarray(0, Math.floor(jpeg.length * 0.6)), 'image/jpeg', 400, 'PHOTO_INVALID'],
    ['too small', await png(80, 100), 'image/png', 400, 'PHOTO_INVALID'],
    ['2 MB + 1 byte', oversized, 'image/jpeg', 413, 'PHOTO_TOO_LARGE'],
    ['empty', Buffer.alloc(0), 'image/jpeg', 400, 'PHOTO_INVALID'],
  ];
  for (const [label, body, type, status, code] of cases) {
    const res = await put(v.cookie, body, type);
    assert.equal(res.statusCode, status, `${label}: ${res.body}`);
    assert.equal(res.json().code, code, label);
    assert.match(res.json().title, CHINESE, label);
  }
  const stored = await t.app.ctx.db.selectFrom('volunteer_card_photos').select('account_id').where('account_id', '=', v.id).execute();
  assert.equal(stored.length, 0);
  // The exact limit is accepted: a JPEG padded to 2 MB after its end marker decodes fine and the padding is dropped.
  const atLimit = await put(v.cookie, oversized.subarray(0, MAX_PHOTO_BYTES));
  assert.equal(atLimit.statusCode, 200, atLimit.body);
});

test('the card data needs real-name verification and a volunteer number; each 409 says what is missing', async () => {
  const unverified = await volunteer({ verified: false });
  const r1 = await get(unverified.cookie, '/me/card');
  assert.equal(r1.statusCode, 409, r1.body);
  assert.equal(r1.json().code, 'CARD_REALNAME_REQUIRED');
  assert.match(r1.json().title, /实名认证/);

  const unnumbered = await volunteer({ number: false });
  const r2 = await get(unnumbered.cookie, '/me/card');
  assert.equal(r2.statusCode, 409, r2.body);
  assert.equal(r2.json().code, 'CARD_NUMBER_MISSING');
  assert.match(r2.json().title, /志愿者编号/);
  assert.equal((await get(unnumbered.cookie, '/me/card.png')).json().code, 'CARD_NUMBER_MISSING');

  const v = await volunteer({ name: '欧阳娜娜' });
  await t.app.ctx.db.insertInto('volunteer_totals').values({ account_id: v.id, effective_hours: '345.5', record_count: 12 }).execute();
  const card = await get(v.cookie, '/me/card');
  assert.equal(card.statusCode, 200, card.body);
  const data = card.json();
  assert.equal(data.name, '欧阳娜娜');
  assert.equal(data.volunteerNumber, v.volunteerNumber);
  assert.equal(data.siteName, '北京市');
  assert.match(data.regionName, /朝阳区/);
  assert.match(data.registeredOn, /^\d{4}-\d{2}-\d{2}$/);
  assert.equal(data.totalHours, 345.5);
  assert.equal(data.stars, 2);
  assert.equal(data.photoUrl, null);
  assert.equal(data.checkUrl, `${publicBaseUrl(t.config)}/cards/${v.volunteerNumber}`);

  const noPhoto = await get(v.cookie, '/me/card.png?side=front');
  assert.equal(noPhoto.statusCode, 409, noPhoto.body);
  assert.equal(noPhoto.json().code, 'CARD_PHOTO_MISSING');
  assert.match(noPhoto.json().title, /证件照/);
  assert.equal((await get(v.cookie, '/me/card.pdf')).json().code, 'CARD_PHOTO_MISSING');

  const uploaded = await put(v.cookie, await gpsJpeg(600, 800));
  assert.equal((await get(v.cookie, '/me/card')).json().photoUrl, uploaded.json().photoUrl);
});

test('card.png is a 1011×638 PNG per side; card.pdf is an A4 PDF with an embedded font; deleting the photo stops them', async () => {
  const v = await volunteer({ name: '李四' });
  assert.equal((await put(v.cookie, await gpsJpeg(600, 800))).statusCode, 200);
  const sides: Buffer[] = [];
  for (const side of ['front', 'back']) {
    const res = await get(v.cookie, `/me/card.png?side=${side}`);
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['content-type'], 'image/png');
    assert.equal(res.headers['cache-control'], 'private, no-store');
    assert.match(String(res.headers['content-disposition']), new RegExp(`volunteer-card-${v.volunteerNumber}-${side}\\.png`));
    const meta = await sharp(res.rawPayload).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['png', 1011, 638]);
    sides.push(res.rawPayload);
  }
  assert.ok(!sides[0]!.equals(sides[1]!), 'front and back differ');
  // The photo is composited onto the front: its area is the photo's red, not the empty frame's grey.
  const { data } = await sharp(sides[0]!).extract({ left: 120, top: 300, width: 10, height: 10 }).raw().toBuffer({ resolveWithObject: true });
  assert.ok(data[0]! > 150 && data[1]! < 100, `photo area is red, got ${[...data.subarray(0, 3)]}`);
  assert.equal((await get(v.cookie, '/me/card.png')).statusCode, 200, 'front by default');
  assert.equal((await get(v.cookie, '/me/card.png?side=inside')).statusCode, 400);

  const pdf = await get(v.cookie, '/me/card.pdf');
  assert.equal(pdf.statusCode, 200, pdf.body);
  assert.equal(pdf.headers['content-type'], 'application/pdf');
  const bytes = pdf.rawPayload;
  assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-');
  const text = bytes.toString('latin1');
  assert.match(text, /\/FontFile[23]? \d+ 0 R/, 'a font program is embedded');
  assert.match(text, /\/MediaBox \[0 0 595\.28 841\.89\]/, 'A4');
  assert.match(text, /\/Subtype \/Image/, 'the photo is in it');

  const removed = await asUser(t.app, v.cookie, { method: 'DELETE', url: '/api/v1/me/card/photo' });
  assert.equal(removed.statusCode, 204);
  assert.equal((await get(v.cookie, '/me/card/photo')).json().code, 'PHOTO_NOT_FOUND');
  assert.equal((await get(v.cookie, '/me/card.pdf')).json().code, 'CARD_PHOTO_MISSING');
  assert.equal((await asUser(t.app, v.cookie, { method: 'DELETE', url: '/api/v1/me/card/photo' })).statusCode, 204);
});

test('only the signed-in volunteer reaches their card: 401 without a session, 403 for a group, never another\'s photo', async () => {
  const owner = await volunteer();
  const other = await volunteer();
  const ownerUpload = await put(owner.cookie, await png(400, 600), 'image/png');
  assert.equal(ownerUpload.statusCode, 200);
  for (const url of ['/me/card', '/me/card.png', '/me/card.pdf', '/me/card/photo']) {
    assert.equal((await get(null, url)).statusCode, 401, url);
  }
  assert.equal((await put(null, await png(400, 600), 'image/png')).statusCode, 401);
  const group = await seedGroup(t.app);
  const gc = await group.signIn();
  for (const url of ['/me/card', '/me/card.png', '/me/card.pdf', '/me/card/photo']) {
    assert.equal((await get(gc, url)).statusCode, 403, url);
  }
  assert.equal((await put(gc, await png(400, 600), 'image/png')).statusCode, 403);
  // The owner's versioned URL, asked by someone else, answers for the asker: who has no photo.
  const stolen = await asUser(t.app, other.cookie, { method: 'GET', url: ownerUpload.json().photoUrl });
  assert.equal(stolen.statusCode, 404);
  assert.equal(stolen.json().code, 'PHOTO_NOT_FOUND');
  assert.equal((await asUser(t.app, other.cookie, { method: 'DELETE', url: '/api/v1/me/card/photo' })).statusCode, 204);
  assert.equal((await get(owner.cookie, '/me/card/photo')).statusCode, 200, 'another volunteer\'s DELETE leaves this photo');
});

test('the public check shows validity, the masked name, site and stars; unknown numbers 404', async () => {
  const v = await volunteer({ name: '欧阳娜娜' });
  await t.app.ctx.db.insertInto('volunteer_totals').values({ account_id: v.id, effective_hours: '120', record_count: 3 }).execute();
  const res = await t.app.inject({ method: 'GET', url: `/api/v1/volunteers/${v.volunteerNumber}/card-check` });
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(res.json(), { valid: true, volunteerName: '欧***', volunteerNumber: v.volunteerNumber, siteName: '北京市', stars: 1 });
  assert.ok(!res.body.includes('娜娜'));

  const unknown = await t.app.inject({ method: 'GET', url: '/api/v1/volunteers/11010599999999/card-check' });
  assert.equal(unknown.statusCode, 404);
  assert.match(unknown.json().title, CHINESE);

  await t.app.ctx.db.updateTable('accounts').set({ status: 'disabled' }).where('id', '=', v.id).execute();
  const disabled = await t.app.inject({ method: 'GET', url: `/api/v1/volunteers/${v.volunteerNumber}/card-check` });
  assert.equal(disabled.json().valid, false);

  // A number that was replaced: the old lookup no longer vouches for anyone.
  const moved = await volunteer();
  await t.app.ctx.db.updateTable('volunteer_profiles').set({ volunteer_number: '11010500000001' }).where('account_id', '=', moved.id).execute();
  assert.equal((await t.app.inject({ method: 'GET', url: `/api/v1/volunteers/${moved.volunteerNumber}/card-check` })).statusCode, 404);
});

test('the public check is rate-limited per address, also under parallel requests', async () => {
  const v = await volunteer();
  // Start just after a window begins, so the whole burst falls into one window.
  t.clock.advance(60_000 - (t.clock.now.getTime() % 60_000) + 500);
  const ask = (remoteAddress: string) =>
    t.app.inject({ method: 'GET', url: `/api/v1/volunteers/${v.volunteerNumber}/card-check`, remoteAddress });
  const burst = await Promise.all(Array.from({ length: CHECK_LIMIT + 5 }, () => ask('203.0.113.7')));
  const codes = burst.map((r) => r.statusCode);
  assert.equal(codes.filter((c) => c === 200).length, CHECK_LIMIT, codes.join(','));
  const limited = burst.filter((r) => r.statusCode === 429);
  assert.equal(limited.length, 5);
  assert.equal(limited[0]!.json().code, 'CARD_CHECK_RATE_LIMITED');
  assert.ok(Number(limited[0]!.headers['retry-after']) >= 1);
  assert.equal((await ask('203.0.113.8')).statusCode, 200, 'another address is not affected');
});
