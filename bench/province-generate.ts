/**
 * Generates a province for the issue 5 figures (bench/province.ts measures it): by default site 44 with 1,000,000
 * volunteers, 100,000 groups, 500,000 projects (2 positions each), 5,000,000 enrolments and 20,000,000 service
 * records, with every total (volunteer_totals, projects/groups total_hours, enrolled and member counts) consistent.
 *
 *   npx tsx bench/province-generate.ts [--scale=1 (0.01 for a quick run)] [--db=zy_bench_province] [--site=44]
 *     [--replace=true (drop and regenerate that database if it exists)] [--pg=postgres://postgres@127.0.0.1:5432/postgres]
 *
 * The database is kept (bench/province.ts --db=… measures it as often as needed). Tables come from the migrations
 * (openPostgres); rows are streamed with COPY FROM STDIN (pg-copy-streams) in text format. Secondary indexes are
 * dropped before the load and rebuilt afterwards from their own pg_get_indexdef, so the measured indexes are exactly
 * the migrations'. Foreign-key triggers are off during the COPYs of the big tables (session_replication_role =
 * replica): the rows are generated consistent, and the constraints stay defined. ID and phone numbers are encrypted
 * with FieldCipher under the key bench/province.ts gives the server (DATA_KEY below), one encryption per value, and
 * the look-up keys are the real HMACs, so sign-in by phone or ID number works. Every volunteer has the same argon2
 * password hash (PASSWORD) computed once. service_record_history is not generated (no measured path reads it).
 * Progress (rows/s, ETA) goes to stderr.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { parseArgs, round } from './lib.js';
import { openPostgres } from '../src/platform/database/database.js';
import { ensureSites } from '../src/modules/places/sites.js';
import { childrenOf, getSite } from '../src/modules/places/divisions.js';
import { SERVICE_CATEGORY_CODES } from '../src/modules/meta/catalog.js';
import { SERVICE_TARGET_CODES } from '../src/modules/projects/text.js';
import { FieldCipher } from '../src/platform/crypto.js';
import { hashPassword } from '../src/platform/passwords.js';
import { maskIdNumber, maskPhone } from '../src/modules/identity/documents.js';

/** The master key the measuring server runs with (DATA_KEY), so it can decrypt and verify what is generated here. */
export const DATA_KEY = createHash('sha256').update('zhiyuan bench province v1').digest().toString('base64');
export const PASSWORD = 'Bench#Province2026';
export const DAY_MS = 86_400_000;

/** Deterministic ids: a tag per kind and a running number (valid UUID text, version nibble 7). */
export const uuid = (tag: number, n: number) => `${tag.toString(16).padStart(8, '0')}-0000-7000-8000-${n.toString(16).padStart(12, '0')}`;
export const TAG = { volunteer: 1, groupAccount: 2, group: 3, project: 4, position: 5, record: 6 } as const;

/** Sizes at a scale; enrolments are 5 per volunteer, records 4 per enrolment in a project that has started. */
export function plan(scale: number) {
  const V = Math.max(1000, Math.round(1_000_000 * scale));
  const G = Math.max(100, Math.round(100_000 * scale));
  const P = Math.max(500, Math.round(500_000 * scale / 10) * 10);
  return { V, G, P, E: V * 5, Q: (P / 10) * 9 };
}

/** Project kind by index: 0–7 of 10 finished, 8 in progress, 9 not started (some of those pending review or cancelled). */
export const projectKind = (p: number) => (p % 10 < 8 ? 'finished' : p % 10 === 8 ? 'in_progress' : 'future');
/** The started projects (kinds finished and in progress) numbered 0..Q-1. */
const startedProject = (q: number) => Math.floor(q / 9) * 10 + (q % 9);

function hash(n: number, salt = 0): number {
  let x = Math.imul(n ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(salt + 0x27d4eb2f, 0xc2b2ae35);
  x ^= x >>> 15;
  x = Math.imul(x, 0x2c1b3c6d);
  x ^= x >>> 12;
  x = Math.imul(x, 0x297a2d39);
  x ^= x >>> 15;
  return x >>> 0;
}
const r = (n: number, salt: number, mod: number) => hash(n, salt) % mod;

export function countiesOf(siteCode: string): string[] {
  const out: string[] = [];
  for (const child of childrenOf(`${siteCode}0000`)) {
    if (child.level === 'county') out.push(child.code);
    else {
      const counties = childrenOf(child.code).filter((c) => c.level === 'county').map((c) => c.code);
      out.push(...(counties.length > 0 ? counties : [child.code]));
    }
  }
  return out;
}

/** Rough bounding boxes (lat, lng) of the two sites this bench knows; projects get points inside them. */
export const BOX: Record<string, [number, number, number, number]> = {
  '44': [21.5, 25.2, 110.2, 116.8],
  '11': [39.5, 40.9, 115.6, 117.4],
};

const SURNAMES = [...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈'];
const GIVEN = [...'伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建文辉玲婷雪琳晨阳宇浩然欣怡子涵梓萱嘉俊'];
export const GROUP_WORDS = ['阳光', '爱心', '青春', '红色', '助老', '蓝天', '启明', '星火', '绿色', '温暖', '彩虹', '春晖', '雷锋', '微光', '同心', '和谐'];
const GROUP_KINDS = ['志愿服务队', '志愿者协会', '公益社', '志愿团', '志愿服务中心', '青年志愿者服务队', '社区志愿队'];
export const PROJECT_WORDS = ['关爱老人', '环境保护', '社区服务', '助学支教', '文明交通', '应急救援', '文化宣传', '义诊', '图书馆', '河道清洁',
  '垃圾分类', '禁毒宣传', '敬老院', '留守儿童', '献血', '马拉松', '防溺水', '反诈宣传', '植树', '助残'];
const PROJECT_KINDS = ['志愿服务活动', '公益行动', '志愿服务', '关爱行动', '宣传活动'];
const LEVELS = ['basic', 'primary_group', 'primary_project', 'intermediate', 'advanced'];
const SLOT_MIN = [8 * 60, 10 * 60 + 30, 13 * 60, 15 * 60 + 30, 18 * 60];

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));
const dayCache = new Map<number, string>();
/** 'YYYY-MM-DD' of a day number (days since 1970-01-01, China calendar). */
export const dayText = (d: number) => {
  let s = dayCache.get(d);
  if (!s) dayCache.set(d, (s = new Date(d * DAY_MS).toISOString().slice(0, 10)));
  return s;
};
const hhmm = (min: number) => `${pad2(Math.floor(min / 60) % 24)}:${pad2(min % 60)}`;
const ts = (day: number, min: number) => `${dayText(day + Math.floor(min / 1440))} ${hhmm(min % 1440)}:00+08`;

function idNumber(county: string, v: number): { id: string; birth: string; gender: 'male' | 'female' } {
  const birthDay = -3650 + (v % 12000); // 1960 … 1992
  const birth = dayText(birthDay).replaceAll('-', '');
  const seq = String(Math.floor(v / 12000) % 1000).padStart(3, '0');
  const body = `${county}${birth}${seq}`;
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let s = 0;
  for (let i = 0; i < 17; i++) s += Number(body[i]) * w[i]!;
  return { id: `${body}${'10X98765432'[s % 11]}`, birth: dayText(birthDay), gender: Number(seq) % 2 ? 'male' : 'female' };
}

/** Progress of one table on stderr every 2 s: rows, rows/s, ETA. */
class Progress {
  private t0 = performance.now();
  private last = 0;
  n = 0;
  constructor(private readonly label: string, private readonly total: number) {}
  tick(k = 1) {
    this.n += k;
    const now = performance.now();
    if (now - this.last > 2000) {
      this.last = now;
      const rate = this.n / ((now - this.t0) / 1000);
      process.stderr.write(`  ${this.label}: ${this.n.toLocaleString('en')} / ${this.total.toLocaleString('en')} rows, ${Math.round(rate).toLocaleString('en')} rows/s, ETA ${Math.round((this.total - this.n) / rate)} s\n`);
    }
  }
  done() {
    const s = (performance.now() - this.t0) / 1000;
    process.stderr.write(`  ${this.label}: ${this.n.toLocaleString('en')} rows in ${round(s, 1)} s (${Math.round(this.n / s).toLocaleString('en')} rows/s)\n`);
    return s;
  }
}

const nul = '\\N';

async function copy(client: pg.Client, table: string, columns: string[], total: number, rows: (emit: (line: string) => void) => Generator<void>) {
  const progress = new Progress(table, total);
  let buffer: string[] = [];
  const it = rows((line) => buffer.push(line));
  const source = Readable.from((function* () {
    for (const _ of it) {
      if (buffer.length >= 2000) {
        progress.tick(buffer.length);
        yield `${buffer.join('\n')}\n`;
        buffer = [];
      }
    }
    if (buffer.length > 0) {
      progress.tick(buffer.length);
      yield `${buffer.join('\n')}\n`;
    }
  })());
  await pipeline(source, client.query(copyFrom(`copy ${table} (${columns.join(', ')}) from stdin`)));
  return progress.done();
}

async function main() {
  const args = parseArgs({ scale: '1', db: 'zy_bench_province', site: '44', replace: 'false', pg: 'postgres://postgres@127.0.0.1:5432/postgres' });
  const scale = Number(args.scale);
  if (!(scale > 0 && scale <= 2)) throw new Error('--scale must be in (0, 2]');
  if (!/^zy_bench_province[a-z0-9_]*$/.test(args.db)) throw new Error('--db must start with zy_bench_province');
  const site = args.site;
  if (!getSite(site) || !BOX[site]) throw new Error('--site must be 44 or 11');
  const { V, G, P, E, Q } = plan(scale);
  const counties = countiesOf(site);
  const cipher = new FieldCipher(Buffer.from(DATA_KEY, 'base64'));
  const started = performance.now();
  console.error(`province ${site}: ${V.toLocaleString('en')} volunteers, ${G.toLocaleString('en')} groups, ${P.toLocaleString('en')} projects, ${E.toLocaleString('en')} enrolments, ${(E * 4).toLocaleString('en')} records → ${args.db}`);

  const admin = new pg.Client({ connectionString: args.pg });
  await admin.connect();
  const exists = (await admin.query('select 1 from pg_database where datname = $1', [args.db])).rowCount! > 0;
  if (exists && args.replace !== 'true') throw new Error(`${args.db} exists; pass --replace=true to regenerate it`);
  if (exists) await admin.query(`drop database ${args.db} with (force)`);
  await admin.query(`create database ${args.db}`);
  await admin.end();
  const url = new URL(args.pg);
  url.pathname = `/${args.db}`;
  const opened = await openPostgres(url.toString(), 2);
  await ensureSites(opened.db);
  await opened.close();

  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  await client.query('set synchronous_commit = off');
  await client.query(`set maintenance_work_mem = '1GB'`);
  await client.query('set max_parallel_maintenance_workers = 2');
  const tables = ['accounts', 'account_lookups', 'people', 'volunteer_profiles', 'groups', 'group_members', 'volunteer_site_counters', 'projects',
    'positions', 'enrollments', 'service_records', 'volunteer_totals', 'volunteer_number_counters'];
  // Secondary indexes (not backing a primary key or unique constraint) are rebuilt after the load from their definitions.
  const secondary = (await client.query(`
    select i.relname as name, pg_get_indexdef(i.oid) as def from pg_index x join pg_class i on i.oid = x.indexrelid
    where x.indrelid = any($1::regclass[]) and not exists (select 1 from pg_constraint c where c.conindid = x.indexrelid)`, [tables])).rows as { name: string; def: string }[];
  for (const index of secondary) await client.query(`drop index ${index.name}`);
  console.error(`dropped ${secondary.length} secondary indexes for the load`);

  // ------------------------------------------------------------ the plan in memory: who enrols where, and every total
  const today = Math.floor((Date.now() + 8 * 3_600_000) / DAY_MS);
  const pStart = new Int32Array(P);
  const pEnd = new Int32Array(P);
  for (let p = 0; p < P; p++) {
    const kind = projectKind(p);
    if (kind === 'finished') {
      pStart[p] = today - 30 - r(p, 1, 1060);
      pEnd[p] = Math.min(today - 1, pStart[p]! + 7 + r(p, 2, 90));
    } else if (kind === 'in_progress') {
      pStart[p] = today - 10 - r(p, 1, 80);
      pEnd[p] = today + 1 + r(p, 2, 120);
    } else {
      pStart[p] = today + 1 + r(p, 1, 90);
      pEnd[p] = pStart[p]! + r(p, 2, 60);
    }
  }
  // Enrolment e = volunteer * 5 + j goes to started project q = e * M mod Q (M coprime to Q: a volunteer's 5 differ).
  let M = 7919;
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  while (gcd(M, Q) !== 1) M += 2;
  const projectOf = (e: number) => startedProject(Number((BigInt(e) * BigInt(M)) % BigInt(Q)));
  const recordHours = (e: number, k: number) => 1 + ((e * 3 + k * 7) % 4) * 0.5;
  const recordDeleted = (e: number, k: number) => r(e, 10 + k, 100) === 0;
  const recordDay = (e: number, k: number, p: number) => {
    const span = Math.min(pEnd[p]!, today - 1) - pStart[p]! + 1;
    return pStart[p]! + ((e + k * Math.floor(span / 4)) % span);
  };
  const volHours = new Float64Array(V);
  const volCount = new Int32Array(V);
  const projHours = new Float64Array(P);
  const projEnrolled = new Int32Array(P);
  const posEnrolled = new Int32Array(P * 2);
  const groupHours = new Float64Array(G);
  const groupMembers = new Int32Array(G);
  const groupProjects = new Int32Array(G);
  const byProject: number[][] = Array.from({ length: P }, () => []);
  let records = 0;
  for (let e = 0; e < E; e++) {
    const p = projectOf(e);
    const v = Math.floor(e / 5);
    byProject[p]!.push(e);
    projEnrolled[p]!++;
    posEnrolled[p * 2 + (e % 2)]!++;
    if (e % 5 === 0) groupMembers[p % G]!++;
    for (let k = 0; k < 4; k++) {
      records++;
      if (recordDeleted(e, k)) continue;
      const h = recordHours(e, k);
      volHours[v] += h;
      volCount[v]!++;
      projHours[p] += h;
      groupHours[p % G] += h;
    }
  }
  for (let p = 0; p < P; p++) groupProjects[p % G]!++;
  const secs = new Map<string, number>();

  await client.query('set session_replication_role = replica');
  const passwordHash = await hashPassword(PASSWORD);
  const created = (day: number) => `${dayText(day)} 09:00:00+08`;
  const volCounty = (v: number) => counties[r(v, 3, counties.length)]!;
  const volDay = (v: number) => today - 1200 - r(v, 4, 1500);

  // ------------------------------------------------------------ accounts (volunteers, then group accounts)
  secs.set('accounts', await copy(client, 'accounts', ['id', 'type', 'site_code', 'username', 'display_name', 'password_hash', 'password_changed_at',
    'status', 'created_at', 'updated_at'], V + G, function* (emit) {
    for (let v = 0; v < V; v++) {
      const c = created(volDay(v));
      emit(`${uuid(TAG.volunteer, v)}\tvolunteer\t${site}\tpv${site}_${v}\t${SURNAMES[r(v, 5, SURNAMES.length)]}${GIVEN[r(v, 6, GIVEN.length)]}${v % 3 ? GIVEN[r(v, 7, GIVEN.length)] : ''}\t${passwordHash}\t${c}\tactive\t${c}\t${c}`);
      yield;
    }
    for (let g = 0; g < G; g++) {
      const c = created(today - 1500 - r(g, 8, 1500));
      emit(`${uuid(TAG.groupAccount, g)}\tgroup\t${site}\tpg${site}_${g}\t团体${g}\t${passwordHash}\t${c}\tactive\t${c}\t${c}`);
      yield;
    }
  }));

  // ------------------------------------------------------------ people, profiles, look-ups, counters (real encryption and HMACs)
  const numberOf = new Map<string, number>();
  const volunteerNumber: string[] = new Array(V);
  for (let v = 0; v < V; v++) {
    const county = volCounty(v);
    const seq = (numberOf.get(county) ?? 0) + 1;
    numberOf.set(county, seq);
    volunteerNumber[v] = `${county}${String(seq).padStart(8, '0')}`;
  }
  const phoneOf = (v: number) => `139${String(v).padStart(8, '0')}`;
  secs.set('people', await copy(client, 'people', ['account_id', 'name', 'id_type', 'id_number_enc', 'id_number_masked', 'birth_date', 'gender', 'phone_enc',
    'phone_masked', 'phone_verified_at', 'email', 'realname_status', 'realname_checked_at', 'realname_note'], V, function* (emit) {
    for (let v = 0; v < V; v++) {
      const doc = idNumber(volCounty(v), v);
      const phone = phoneOf(v);
      const c = created(volDay(v) + 1);
      emit(`${uuid(TAG.volunteer, v)}\t${SURNAMES[r(v, 5, SURNAMES.length)]}${GIVEN[r(v, 6, GIVEN.length)]}${v % 3 ? GIVEN[r(v, 7, GIVEN.length)] : ''}\tresident_id\t${cipher.encrypt(doc.id)}\t${maskIdNumber(doc.id)}\t${doc.birth}\t${doc.gender}\t${cipher.encrypt(phone)}\t${maskPhone(phone)}\t${c}\tpv${v}@example.com\tverified\t${c}\tprovider_match`);
      yield;
    }
  }));
  secs.set('volunteer_profiles', await copy(client, 'volunteer_profiles', ['account_id', 'volunteer_number', 'service_region_code', 'service_categories',
    'service_fields', 'skills', 'other', 'event'], V, function* (emit) {
    for (let v = 0; v < V; v++) {
      emit(`${uuid(TAG.volunteer, v)}\t${volunteerNumber[v]}\t${volCounty(v)}\t{${SERVICE_CATEGORY_CODES[r(v, 9, SERVICE_CATEGORY_CODES.length)]}}\t{}\t{"skills":[]}\t{}\t{}`);
      yield;
    }
  }));
  secs.set('account_lookups', await copy(client, 'account_lookups', ['kind', 'lookup', 'account_id'], V * 4 + G, function* (emit) {
    for (let v = 0; v < V; v++) {
      const id = uuid(TAG.volunteer, v);
      const doc = idNumber(volCounty(v), v);
      emit(`username\tpv${site}_${v}\t${id}`);
      emit(`id_number\t${cipher.lookup('id_number', doc.id.toUpperCase())}\t${id}`);
      emit(`phone\t${cipher.lookup('phone', phoneOf(v))}\t${id}`);
      emit(`volunteer_number\t${cipher.lookup('volunteer_number', volunteerNumber[v]!)}\t${id}`);
      yield;
    }
    for (let g = 0; g < G; g++) {
      emit(`username\tpg${site}_${g}\t${uuid(TAG.groupAccount, g)}`);
      yield;
    }
  }));
  await client.query(`insert into volunteer_number_counters (region_code, last_value, updated_at) select * from unnest($1::text[], $2::bigint[]) as t, now()`,
    [[...numberOf.keys()], [...numberOf.values()]]);

  // ------------------------------------------------------------ groups (triggers on: group_search_counts is kept by them)
  await client.query('set session_replication_role = origin');
  secs.set('groups', await copy(client, 'groups', ['site_code', 'id', 'account_id', 'name', 'legal_person', 'credit_code', 'region_code', 'service_categories',
    'leader_name', 'leader_id_enc', 'leader_id_masked', 'leader_id_lookup', 'contact_name', 'contact_phone_enc', 'contact_phone_masked', 'contact_verified_at',
    'email', 'level', 'status', 'member_count', 'project_count', 'total_hours', 'created_at', 'updated_at'], G, function* (emit) {
    for (let g = 0; g < G; g++) {
      const c = created(today - 1500 - r(g, 8, 1500));
      const leader = idNumber(counties[r(g, 11, counties.length)]!, V + g);
      const phone = `138${String(g).padStart(8, '0')}`;
      const cats = [SERVICE_CATEGORY_CODES[r(g, 12, SERVICE_CATEGORY_CODES.length)], ...(g % 2 ? [SERVICE_CATEGORY_CODES[r(g, 13, SERVICE_CATEGORY_CODES.length)]] : [])];
      emit(`${site}\t${uuid(TAG.group, g)}\t${uuid(TAG.groupAccount, g)}\t${GROUP_WORDS[r(g, 14, GROUP_WORDS.length)]}${GROUP_WORDS[r(g, 15, GROUP_WORDS.length)]}${GROUP_KINDS[r(g, 16, GROUP_KINDS.length)]}第${g}队\t${g % 3 === 0 ? 't' : 'f'}\t${nul}\t${counties[r(g, 11, counties.length)]}\t{${[...new Set(cats)].join(',')}}\t王负责\t${cipher.encrypt(leader.id)}\t${maskIdNumber(leader.id)}\t${cipher.lookup('id_number', leader.id)}\t李联系\t${cipher.encrypt(phone)}\t${maskPhone(phone)}\t${c}\tg${g}@example.com\t${LEVELS[1 + r(g, 17, 4)]}\tapproved\t${groupMembers[g]}\t${groupProjects[g]}\t${groupHours[g]!.toFixed(2)}\t${c}\t${c}`);
      yield;
    }
  }));
  await client.query('set session_replication_role = replica');
  secs.set('group_members', await copy(client, 'group_members', ['site_code', 'group_id', 'account_id', 'status', 'via', 'applied_at', 'decided_at'], V, function* (emit) {
    for (let v = 0; v < V; v++) {
      const c = created(volDay(v) + 2);
      emit(`${site}\t${uuid(TAG.group, projectOf(v * 5) % G)}\t${uuid(TAG.volunteer, v)}\tjoined\tapplication\t${c}\t${c}`);
      yield;
    }
  }));
  secs.set('volunteer_site_counters', await copy(client, 'volunteer_site_counters', ['site_code', 'account_id', 'active_groups', 'pending_projects'], V, function* (emit) {
    for (let v = 0; v < V; v++) {
      emit(`${site}\t${uuid(TAG.volunteer, v)}\t1\t0`);
      yield;
    }
  }));

  // ------------------------------------------------------------ projects, positions, enrolments
  const [lat0, lat1, lng0, lng1] = BOX[site]!;
  const quota = (p: number, k: number) => posEnrolled[p * 2 + k]! + 5 + r(p, 20 + k, 20);
  secs.set('projects', await copy(client, 'projects', ['site_code', 'id', 'group_id', 'name', 'region_code', 'category', 'service_target', 'enrollment_scope',
    'start_date', 'end_date', 'recruit_from', 'recruit_to', 'address', 'lat', 'lng', 'description', 'status', 'reviewed_at', 'cancel_reason', 'created_by',
    'created_at', 'updated_at', 'total_quota', 'enrolled_count', 'total_hours'], P, function* (emit) {
    for (let p = 0; p < P; p++) {
      const g = p % G;
      const region = counties[r(p, 30, counties.length)]!;
      const status = p % 100 === 99 ? 'pending_review' : p % 100 === 89 ? 'cancelled' : 'recruiting';
      const c = created(pStart[p]! - 40 + r(p, 31, 10));
      const lat = (lat0 + (lat1 - lat0) * (r(p, 32, 1e6) / 1e6)).toFixed(6);
      const lng = (lng0 + (lng1 - lng0) * (r(p, 33, 1e6) / 1e6)).toFixed(6);
      emit(`${site}\t${uuid(TAG.project, p)}\t${uuid(TAG.group, g)}\t${PROJECT_WORDS[r(p, 34, PROJECT_WORDS.length)]}${PROJECT_KINDS[r(p, 35, PROJECT_KINDS.length)]}第${1 + (p % 97)}期\t${region}\t${SERVICE_CATEGORY_CODES[r(p, 36, SERVICE_CATEGORY_CODES.length)]}\t${SERVICE_TARGET_CODES[r(p, 37, SERVICE_TARGET_CODES.length)]}\t${p % 10 === 3 ? 'members' : 'public'}\t${dayText(pStart[p]!)}\t${dayText(pEnd[p]!)}\t${dayText(pStart[p]! - 30)}\t${dayText(pStart[p]! - 1)}\t广东省某地某路${p % 500}号\t${lat}\t${lng}\t项目说明\t${status}\t${status === 'pending_review' ? nul : c}\t${status === 'cancelled' ? '天气原因' : nul}\t${uuid(TAG.groupAccount, g)}\t${c}\t${c}\t${quota(p, 0) + quota(p, 1)}\t${projEnrolled[p]}\t${projHours[p]!.toFixed(2)}`);
      yield;
    }
  }));
  secs.set('positions', await copy(client, 'positions', ['site_code', 'project_id', 'id', 'name', 'quota', 'requirements', 'enrolled_count'], P * 2, function* (emit) {
    for (let p = 0; p < P; p++) {
      for (let k = 0; k < 2; k++) emit(`${site}\t${uuid(TAG.project, p)}\t${uuid(TAG.position, p * 2 + k)}\t${k ? '后勤' : '现场服务'}\t${quota(p, k)}\t\t${posEnrolled[p * 2 + k]}`);
      yield;
    }
  }));
  secs.set('enrollments', await copy(client, 'enrollments', ['site_code', 'project_id', 'account_id', 'position_id', 'status', 'via', 'applied_at', 'decided_at',
    'decided_by'], E, function* (emit) {
    for (let p = 0; p < P; p++) {
      for (const e of byProject[p]!) {
        const c = created(pStart[p]! - 20 + (e % 15));
        emit(`${site}\t${uuid(TAG.project, p)}\t${uuid(TAG.volunteer, Math.floor(e / 5))}\t${uuid(TAG.position, p * 2 + (e % 2))}\tenrolled\tapplication\t${c}\t${c}\t${uuid(TAG.groupAccount, p % G)}`);
        yield;
      }
    }
  }));

  // ------------------------------------------------------------ service records, written project by project (as batches arrive)
  let n = 0;
  secs.set('service_records', await copy(client, 'service_records', ['site_code', 'id', 'project_id', 'group_id', 'account_id', 'position_id', 'service_date',
    'start_at', 'end_at', 'hours', 'status', 'deleted_at', 'deleted_by', 'deleted_reason', 'created_by', 'created_at', 'updated_at'], records, function* (emit) {
    for (let p = 0; p < P; p++) {
      if (byProject[p]!.length === 0) continue;
      const project = uuid(TAG.project, p);
      const group = uuid(TAG.group, p % G);
      const groupAccount = uuid(TAG.groupAccount, p % G);
      for (const e of byProject[p]!) {
        const v = uuid(TAG.volunteer, Math.floor(e / 5));
        const position = uuid(TAG.position, p * 2 + (e % 2));
        const slot = SLOT_MIN[e % 5]!;
        for (let k = 0; k < 4; k++) {
          const day = recordDay(e, k, p);
          const c = `${dayText(day + 1)} 20:00:00+08`;
          const del = recordDeleted(e, k);
          emit(`${site}\t${uuid(TAG.record, n++)}\t${project}\t${group}\t${v}\t${position}\t${dayText(day)}\t${ts(day, slot)}\t${ts(day, slot + 150)}\t${recordHours(e, k)}\t${del ? 'deleted' : 'effective'}\t${del ? c : nul}\t${del ? groupAccount : nul}\t${del ? '录入错误' : nul}\t${groupAccount}\t${c}\t${c}`);
        }
        yield;
      }
    }
  }));
  secs.set('volunteer_totals', await copy(client, 'volunteer_totals', ['account_id', 'effective_hours', 'record_count'], V, function* (emit) {
    for (let v = 0; v < V; v++) {
      emit(`${uuid(TAG.volunteer, v)}\t${volHours[v]!.toFixed(2)}\t${volCount[v]}`);
      yield;
    }
  }));
  await client.query('set session_replication_role = origin');

  // ------------------------------------------------------------ indexes back, then statistics and visibility maps
  let t0 = performance.now();
  for (const [i, index] of secondary.entries()) {
    const t = performance.now();
    await client.query(index.def);
    process.stderr.write(`  index ${i + 1}/${secondary.length} ${index.name}: ${round((performance.now() - t) / 1000, 1)} s\n`);
  }
  secs.set('indexes', (performance.now() - t0) / 1000);
  t0 = performance.now();
  for (const table of tables) {
    const t = performance.now();
    await client.query(`vacuum analyze ${table}`);
    process.stderr.write(`  vacuum analyze ${table}: ${round((performance.now() - t) / 1000, 1)} s\n`);
  }
  secs.set('vacuum analyze', (performance.now() - t0) / 1000);
  const sizes = (await client.query(`select relname, pg_size_pretty(pg_total_relation_size(oid)) as size, pg_total_relation_size(oid) as bytes
    from pg_class where relname = any($1) and relkind = 'r' order by 3 desc`, [tables])).rows;
  const db = (await client.query('select pg_size_pretty(pg_database_size(current_database())) as s')).rows[0].s;
  await client.end();
  console.log(`generated ${args.db} (scale ${scale}) in ${round((performance.now() - started) / 1000, 1)} s: ${records.toLocaleString('en')} service records, database ${db}`);
  for (const [k, s] of secs) console.log(`  ${k.padEnd(24)} ${round(s, 1)} s`);
  for (const row of sizes) console.log(`  ${String(row.relname).padEnd(24)} ${row.size}`);
}

if (process.argv[1]?.endsWith('province-generate.ts')) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
