import { childrenOf, type Region } from '../places/divisions.js';

/**
 * Synthetic identities for the demo registry, tests and bench/realname.ts: well-formed resident ID numbers
 * (a current county code, a birth date between 1950 and 2004, a random order code, the GB 11643 check
 * character) with common Chinese names. Deterministic for a seed, and every number in one sequence is
 * different for up to C × 20,000 rows (row i uses county i mod C and a birth date that is a permutation of ⌊i / C⌋). Not real people;
 * like any well-formed number, one may coincide with a real person's.
 */

const SURNAMES = [...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤'];
const GIVEN = [...'伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂文辉力建华国春晓玲红梅鹏飞宇浩然子轩欣怡婷雪琳晨阳博涵思雨嘉俊志宏海峰丹颖慧琪'];
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const START_DAY = Date.UTC(1950, 0, 1) / 86_400_000;
const DAYS = 20_000;

export function checkChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * WEIGHTS[i];
  return '10X98765432'[sum % 11];
}

function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Current county-level codes (of the given provinces, default all), in code order. */
export function countyCodes(provinces?: string[]): string[] {
  const out: string[] = [];
  const walk = (region: Region) => {
    if (region.level === 'county' || (region.level === 'city' && !region.hasChildren)) out.push(region.code);
    else if (region.level !== 'town') for (const child of childrenOf(region.code)) walk(child);
  };
  for (const province of childrenOf(null)) if (!provinces || provinces.includes(province.code.slice(0, 2))) walk(province);
  return out;
}

export interface SyntheticIdentity {
  name: string;
  idNumber: string;
}

export function* syntheticIdentities(count: number, options: { seed?: number; counties?: string[] } = {}): Generator<SyntheticIdentity> {
  const counties = options.counties ?? countyCodes();
  const random = mulberry32(options.seed ?? 20240601);
  const c = counties.length;
  for (let i = 0; i < count; i++) {
    const county = counties[i % c];
    // For one county, k ↦ k·7919 + const (mod DAYS) is a bijection, so (county, birth date) never repeats.
    const dayIndex = (Math.floor(i / c) * 7919 + (i % c) * 4513) % DAYS;
    const birth = new Date((START_DAY + dayIndex) * 86_400_000);
    const date = `${birth.getUTCFullYear()}${String(birth.getUTCMonth() + 1).padStart(2, '0')}${String(birth.getUTCDate()).padStart(2, '0')}`;
    const order = String(Math.floor(random() * 1000)).padStart(3, '0');
    const first17 = `${county}${date}${order}`;
    const given = GIVEN[Math.floor(random() * GIVEN.length)] + (random() < 0.7 ? GIVEN[Math.floor(random() * GIVEN.length)] : '');
    yield { name: SURNAMES[Math.floor(random() * SURNAMES.length)] + given, idNumber: first17 + checkChar(first17) };
  }
}

/** Another plausible name that differs from `name` (for "same number, other name" cases). */
export function otherName(name: string): string {
  const first = [...name][0];
  const surname = SURNAMES[(SURNAMES.indexOf(first) + 1) % SURNAMES.length];
  return surname + [...name].slice(1).join('');
}
