import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { asUser, createTestApp, signIn, volunteerBody, type TestApp } from '../../../test/helper.js';
import { seedGroup } from '../../../test/groups.js';
import { publish } from './test-support.js';
import { matchesEtag, MAX_COVER_BYTES } from './cover.js';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t.close(); });

async function project(level: 'intermediate' | 'basic' = 'intermediate') {
  const group = await seedGroup(t.app, { level });
  const gc = await group.signIn();
  const { id } = await publish(t.app, gc);
  return { id, group, gc };
}

const put = (cookie: string | null, id: string, body: Buffer | string, type = 'image/png') => {
  const options = { method: 'PUT' as const, url: `/api/v1/projects/${id}/cover`, payload: body, headers: { 'content-type': type } };
  return cookie ? asUser(t.app, cookie, options) : t.app.inject({ ...options, headers: { ...options.headers, 'x-requested-with': 'zhiyuan-web' } });
};
const getCover = (id: string, headers: Record<string, string> = {}, query = '') =>
  t.app.inject({ method: 'GET', url: `/api/v1/projects/${id}/cover${query}`, headers });

const png = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 4, background: { r: 20, g: 120, b: 200, alpha: 0.5 } } }).png().toBuffer();
const jpegWithExif = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: '#c83232' } })
    .jpeg().withExif({ IFD0: { Artist: 'secret-artist', Copyright: 'secret-gps-31.2304N' } }).toBuffer();

test('a PNG is decoded and re-encoded as a JPEG at most 1280 px wide; detail and search carry coverUrl; ETag and 304', async () => {
  const p = await project();
  const source = await png(2000, 1000);
  const res = await put(p.gc, p.id, source, 'image/png');
  assert.equal(res.statusCode, 200, res.body);
  const { coverUrl } = res.json();
  assert.match(coverUrl, new RegExp(`^/api/v1/projects/${p.id}/cover\\?v=[0-9a-f]+$`));

  const image = await getCover(p.id);
  assert.equal(image.statusCode, 200, image.body);
  assert.equal(image.headers['content-type'], 'image/jpeg');
  assert.equal(image.headers['cache-control'], 'public, no-cache');
  const etag = String(image.headers.etag);
  assert.match(etag, /^"[0-9a-f]+"$/);
  const meta = await sharp(image.rawPayload).metadata();
  assert.equal(meta.format, 'jpeg');
  assert.equal(meta.width, 1280);
  assert.equal(meta.height, 640);
  assert.equal(meta.exif, undefined);
  assert.deepEqual([...image.rawPayload.subarray(0, 3)], [0xff, 0xd8, 0xff]);

  const versioned = await t.app.inject({ method: 'GET', url: coverUrl });
  assert.equal(versioned.headers['cache-control'], 'public, max-age=31536000, immutable');
  const notModified = await getCover(p.id, { 'if-none-match': etag });
  assert.equal(notModified.statusCode, 304);
  assert.equal(notModified.rawPayload.length, 0);
  assert.equal(notModified.headers.etag, etag);
  assert.equal((await getCover(p.id, { 'if-none-match': '"stale"' })).statusCode, 200);

  const detail = (await t.app.inject({ method: 'GET', url: `/api/v1/projects/${p.id}` })).json();
  assert.equal(detail.coverUrl, coverUrl);
  const search = (await t.app.inject({ method: 'GET', url: `/api/v1/projects?id=${p.id}` })).json();
  assert.equal(search.items[0].coverUrl, coverUrl);
  const other = await project();
  assert.equal((await t.app.inject({ method: 'GET', url: `/api/v1/projects/${other.id}` })).json().coverUrl, null);
  assert.equal((await t.app.inject({ method: 'GET', url: `/api/v1/projects?id=${other.id}` })).json().items[0].coverUrl, null);
  assert.equal((await getCover(other.id)).json().code, 'COVER_NOT_FOUND');

  // A new cover replaces the old one: one row per project, a new version, the old ETag no longer matches.
  const replaced = await put(p.gc, p.id, await png(300, 200));
  assert.equal(replaced.statusCode, 200, replaced.body);
  assert.notEqual(replaced.json().coverUrl, coverUrl);
  const fresh = await getCover(p.id, { 'if-none-match': etag });
  assert.equal(fresh.statusCode, 200);
  assert.equal((await sharp(fresh.rawPayload).metadata()).width, 300, 'smaller images are not enlarged');
  assert.equal((await t.app.ctx.db.selectFrom('project_covers').select('etag').where('project_id', '=', p.id).execute()).length, 1);
  const audits = await t.app.ctx.db.selectFrom('audit_log').select('detail').where('action', '=', 'project.cover_set').where('target_id', '=', p.id).execute();
  assert.equal(audits.length, 2);
  assert.equal((audits[0]!.detail as any).source, 'png');
});

test('a JPEG with EXIF and a payload appended after it comes back clean; the bytes decide the type, not the header', async () => {
  const p = await project();
  const original = await jpegWithExif(1600, 1200);
  assert.ok((await sharp(original).metadata()).exif, 'the test image really carries EXIF');
  const payload = Buffer.from('PK\x03\x04<?php system($_GET["c"]); ?><script>alert(1)</script>', 'latin1');
  const polyglot = Buffer.concat([original, payload]);
  const res = await put(p.gc, p.id, polyglot, 'image/png');
  assert.equal(res.statusCode, 200, res.body);
  const out = (await getCover(p.id)).rawPayload;
  const meta = await sharp(out).metadata();
  assert.equal(meta.format, 'jpeg');
  assert.equal(meta.width, 1280);
  assert.equal(meta.height, 960);
  assert.equal(meta.exif, undefined);
  assert.equal(meta.xmp, undefined);
  const text = out.toString('latin1');
  for (const hidden of ['secret-artist', 'secret-gps', '<?php', '<script', 'Exif']) assert.ok(!text.includes(hidden), hidden);
  assert.deepEqual([...out.subarray(-2)], [0xff, 0xd9], 'nothing after the end of the image');

  const webp = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#00aa00' } }).webp().toBuffer();
  const fromWebp = await put(p.gc, p.id, webp, 'image/webp');
  assert.equal(fromWebp.statusCode, 200, fromWebp.body);
  assert.equal((await sharp((await getCover(p.id)).rawPayload).metadata()).format, 'jpeg');
});

/** A real PNG whose header claims `width` × `height`, with a correct CRC: a decompression bomb in miniature. */
async function pngClaiming(width: number, height: number) {
  const file = Buffer.from(await png(16, 16));
  file.writeUInt32BE(width, 16);
  file.writeUInt32BE(height, 20);
  file.writeUInt32BE(crc32(file.subarray(12, 29)), 29);
  return file;
}

test('non-images, polyglots, corrupt and oversized files are refused with Chinese titles', async () => {
  const p = await project();
  const refused = async (body: Buffer | string, type: string, status: number, code: string) => {
    const res = await put(p.gc, p.id, body, type);
    assert.equal(res.statusCode, status, `${code}: ${res.body}`);
    assert.equal(res.json().code, code);
    assert.match(res.json().title, /[\u4e00-\u9fff]/);
    return res;
  };
  await refused(Buffer.from('just some text, not an image'), 'image/png', 400, 'COVER_INVALID');
  await refused(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'), 'image/png', 400, 'COVER_INVALID');
  await refused(Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'), 'image/jpeg', 400, 'COVER_INVALID');
  const pngSignature = (await png(8, 8)).subarray(0, 8);
  await refused(Buffer.concat([pngSignature, Buffer.from('<html><script>alert(1)</script></html>')]), 'image/png', 400, 'COVER_INVALID');
  await refused(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x3c, 0x3f]), 'image/jpeg', 400, 'COVER_INVALID');
  const jpeg = await jpegWithExif(400, 300);
  await refused(jpeg.subarray(0, Math.floor(jpeg.length * 0.6)), 'image/jpeg', 400, 'COVER_INVALID');
  await refused(Buffer.alloc(0), 'image/png', 400, 'COVER_INVALID');
  await refused(await pngClaiming(8000, 5001), 'image/png', 413, 'COVER_TOO_MANY_PIXELS');
  await refused(Buffer.concat([jpeg, Buffer.alloc(MAX_COVER_BYTES + 1 - jpeg.length)]), 'image/jpeg', 413, 'COVER_TOO_LARGE');
  await refused(jpeg, 'image/gif', 415, 'COVER_TYPE_UNSUPPORTED');
  await refused(JSON.stringify({ image: 'x' }), 'application/json', 415, 'COVER_TYPE_UNSUPPORTED');
  assert.equal((await getCover(p.id)).statusCode, 404, 'nothing was stored');

  // Just under the limit and a real image: accepted.
  const padded = Buffer.concat([jpeg, Buffer.alloc(MAX_COVER_BYTES - jpeg.length)]);
  assert.equal((await put(p.gc, p.id, padded, 'image/jpeg')).statusCode, 200);
});

test('only the organising group sets or removes the cover; private projects keep it private; cancelled ones are closed', async () => {
  const p = await project();
  const image = await png(100, 80);
  const otherGroup = await (await seedGroup(t.app, { level: 'intermediate' })).signIn();
  const body = volunteerBody();
  await t.app.inject({ method: 'POST', url: '/api/v1/volunteers', payload: body });
  const volunteer = (await signIn(t.app, body.username, body.password)).cookie;

  assert.equal((await put(null, p.id, image)).statusCode, 401);
  const foreign = await put(otherGroup, p.id, image);
  assert.equal(foreign.statusCode, 403);
  assert.equal(foreign.json().title, '只有发布该项目的志愿团体可以设置封面');
  assert.equal((await put(volunteer, p.id, image)).statusCode, 403);
  assert.equal((await put(p.gc, '0190f0f0-0000-7000-8000-000000000000', image)).statusCode, 404);
  assert.equal((await put(p.gc, p.id, image)).statusCode, 200);

  const del = (cookie: string) => asUser(t.app, cookie, { method: 'DELETE', url: `/api/v1/projects/${p.id}/cover` });
  assert.equal((await del(otherGroup)).statusCode, 403);
  assert.equal((await getCover(p.id)).statusCode, 200);
  assert.equal((await del(p.gc)).statusCode, 204);
  assert.equal((await getCover(p.id)).statusCode, 404);
  assert.equal((await t.app.inject({ method: 'GET', url: `/api/v1/projects/${p.id}` })).json().coverUrl, null);
  assert.equal((await del(p.gc)).statusCode, 204, 'removing no cover is harmless');
  assert.equal((await t.app.ctx.db.selectFrom('audit_log').select('id').where('action', '=', 'project.cover_remove').where('target_id', '=', p.id).execute()).length, 1);

  const pending = await project('basic');
  assert.equal((await put(pending.gc, pending.id, image)).statusCode, 200);
  assert.equal((await getCover(pending.id)).statusCode, 404, 'a project under review is not public, nor its cover');
  const own = await asUser(t.app, pending.gc, { method: 'GET', url: `/api/v1/projects/${pending.id}/cover` });
  assert.equal(own.statusCode, 200);
  assert.equal(own.headers['cache-control'], 'private, no-cache');

  assert.equal((await asUser(t.app, p.gc, { method: 'POST', url: `/api/v1/projects/${p.id}/cancel`, payload: { reason: '取消' } })).statusCode, 200);
  assert.equal((await put(p.gc, p.id, image)).json().code, 'PROJECT_NOT_EDITABLE');
});

test('If-None-Match: lists, weak tags and *', () => {
  assert.equal(matchesEtag('"a", W/"b"', 'b'), true);
  assert.equal(matchesEtag('*', 'b'), true);
  assert.equal(matchesEtag('"ab"', 'b'), false);
  assert.equal(matchesEtag(undefined, 'b'), false);
});
