import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { normaliseName, RealnameRegistry } from './registry.js';
import { createRegistryProvider, DEMO_REGISTRY, ProviderUnavailableError } from './providers.js';
import { checkChar, syntheticIdentities } from './synthetic.js';
import { checkDocument } from '../identity/documents.js';

let dir: string;
before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zy-registry-')); });
after(() => { fs.rmSync(dir, { recursive: true, force: true }); });

const id = (first17: string) => first17 + checkChar(first17);
const A = id('11010519900307123');
const B = id('44030519851111456');
const WITH_X = (() => {
  for (let n = 100; n < 999; n++) {
    const candidate = id(`3201021970010${String(n).padStart(4, '0')}`);
    if (candidate.endsWith('X')) return candidate;
  }
  throw new Error('no X');
})();

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

test('match → verified, same number with another name → failed, number absent → no_result', async () => {
  const file = write('basic.csv', `name,idNumber\n张三,${A}\n李四,${B}\n`);
  const registry = await RealnameRegistry.load(file);
  assert.equal(registry.stats.rows, 2);
  assert.equal(registry.check('张三', A), 'verified');
  assert.equal(registry.check('王五', A), 'failed');
  assert.equal(registry.check('李四', B), 'verified');
  assert.equal(registry.check('张三', id('11010519900307999')), 'no_result');
  assert.equal(registry.check('张三', 'not a number'), 'no_result');
});

test('BOM, CRLF, comments, blank lines, quotes, lower-case x, bad rows and duplicates', async () => {
  const text = `\uFEFF# comment\r\n"name","idNumber"\r\n\r\n"张三", ${A} \r\n阿依古丽•买买提,${WITH_X.toLowerCase()}\r\nbroken line\r\n李四,12345\r\n李四,${B}\r\n王五,${B}\r\nlast,${id('11010519900307555')}`;
  const registry = await RealnameRegistry.load(write('messy.csv', text));
  assert.deepEqual({ rows: registry.stats.rows, skipped: registry.stats.skipped, duplicates: registry.stats.duplicates }, { rows: 4, skipped: 2, duplicates: 1 });
  assert.equal(registry.check('张三', A), 'verified');
  assert.equal(registry.check('阿依古丽·买买提', WITH_X), 'verified', 'middle-dot variants and X in either case are the same');
  assert.equal(registry.check('阿依古丽.买买提', WITH_X.toLowerCase()), 'verified');
  assert.equal(registry.check('李四', B), 'verified', 'the first row of a repeated number counts');
  assert.equal(registry.check('王五', B), 'failed');
  assert.equal(registry.check('last', id('11010519900307555')), 'verified', 'a last line without a newline is read');
  assert.equal(registry.check('LAST', id('11010519900307555')), 'verified', 'Latin letters compare without case');
});

test('a header naming the number first swaps the columns', async () => {
  const registry = await RealnameRegistry.load(write('swapped.csv', `idNumber,name\n${A},张三\n`));
  assert.equal(registry.check('张三', A), 'verified');
});

test('names are compared after NFKC, trimmed and with one kind of middle dot', () => {
  assert.equal(normaliseName(' 阿依古丽 ・ 买买提 '), '阿依古丽·买买提');
  assert.equal(normaliseName('ＪＯＨＮ  smith'), 'JOHN SMITH');
});

test('synthetic identities are valid resident ID numbers and all different', async () => {
  const seen = new Set<string>();
  for (const { idNumber, name } of syntheticIdentities(5000)) {
    assert.ok(checkDocument('resident_id', idNumber).ok, idNumber);
    assert.ok(name.length >= 2);
    seen.add(idNumber);
  }
  assert.equal(seen.size, 5000);
});

test('the demo registry ships with a few hundred valid rows', async () => {
  const registry = await RealnameRegistry.load(DEMO_REGISTRY);
  assert.ok(registry.stats.rows >= 200, String(registry.stats.rows));
  assert.equal(registry.stats.skipped, 0);
  assert.equal(registry.stats.duplicates, 0);
  const [first] = syntheticIdentities(1);
  assert.equal(registry.check(first.name, first.idNumber), 'verified');
});

test('a large file is indexed compactly (about 30 bytes per row plus names)', async () => {
  const lines = ['name,idNumber'];
  for (const { name, idNumber } of syntheticIdentities(50_000, { seed: 7 })) lines.push(`${name},${idNumber}`);
  const registry = await RealnameRegistry.load(write('large.csv', lines.join('\n')));
  assert.equal(registry.stats.rows, 50_000);
  assert.ok(registry.memoryBytes / 50_000 < 50, `${registry.memoryBytes / 50_000} bytes per row`);
  let verified = 0;
  for (const { name, idNumber } of syntheticIdentities(50_000, { seed: 7 })) if (registry.check(name, idNumber) === 'verified') verified++;
  assert.equal(verified, 50_000);
});

test('the provider reloads a changed file and keeps the old index when the file disappears', async () => {
  const file = write('reload.csv', `name,idNumber\n张三,${A}\n`);
  const provider = createRegistryProvider(file);
  await provider.prepare();
  assert.equal(await provider.check({ name: '张三', idNumber: A }), 'verified');
  assert.equal(await provider.check({ name: '李四', idNumber: B }), 'no_result');
  fs.writeFileSync(file, `name,idNumber\n张三,${A}\n李四,${B}\n`);
  fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
  await provider.prepare();
  assert.equal(await provider.check({ name: '李四', idNumber: B }), 'verified');
  fs.rmSync(file);
  await provider.prepare();
  assert.equal(await provider.check({ name: '李四', idNumber: B }), 'verified');

  const missing = createRegistryProvider(path.join(dir, 'nope.csv'));
  await assert.rejects(missing.prepare(), (e: unknown) => e instanceof ProviderUnavailableError && !e.reason.includes(dir));
});
