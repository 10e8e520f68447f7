import { sql } from 'kysely';
import type { AppContext } from '../../platform/context.js';

/**
 * Which 2-character keys of a long name (three or more characters) a search asks the GIN index for. Any subset is
 * correct, because such a search re-checks the whole name with ILIKE; what it costs is the posting lists read plus one
 * heap visit per candidate row the keys let through. All the bigrams of 阳光爱心志愿团 include n:志愿 (86 % of the
 * groups in bench/group-search.ts) and took 9.5 ms; its two rarest non-overlapping ones, n:光爱 and n:愿团, 1.6 ms.
 * Fewer keys also keep the planner's row estimate (the product of the keys' frequencies) from collapsing to 1.
 */
export const MAX_NAME_KEYS = 3;

/**
 * Keys are added, rarest first, until the statistics expect them to let at most this many groups through: fewer rows to
 * re-check are no longer worth another posting list (阳光爱心志愿团: 光爱 and 愿团 let 347 through in 1.6 ms, a third
 * key made it 2.0 ms).
 */
export const ENOUGH_ROWS = 500;

/** Frequency assumed for every key when there are no statistics yet (PostgreSQL's own default for `@>`). */
const NO_STATS_FREQUENCY = 0.005;

/** Statistics are re-read after this long: frequencies move slowly, and reading them costs a catalog query. */
const STATS_TTL_MS = 5 * 60_000;

export interface KeyFrequencies {
  /** Share of groups holding the key (PostgreSQL's most common elements of groups.search_keys). */
  of(key: string): number;
  /** Groups (any status), as the planner last counted them (0 when not known). */
  rows: number;
}

/**
 * Start positions (0-based, in characters) of the bigrams to ask for, and the share of groups they let through by the
 * statistics (the product of their frequencies). Rarest first, until MAX_NAME_KEYS or until they are expected to let
 * ENOUGH_ROWS through; but keys near each other come together, and asking for both halves nothing: 心明 and 德志 of 同心明德…
 * both come from the word 明德 (1,805 rows let through for 142 matches, against 449 with 心明 and 者协), and overlapping 小橘
 * and 橘灯 also made the planner expect 400 rows where there are 6,000. So a key at least three characters from the
 * others is taken before one two away, and an overlapping one only when the shared character is a digit. Digits do
 * not come together: two-digit keys may sit anywhere (12 and 23 of 第123队: with 23 its keys read 1,712 rows, without
 * 4,848; 第15033队 took 03, 第1 and 3队 by distance and read 3,860).
 */
export function chooseNameKeys(name: string, freq: KeyFrequencies): { positions: number[]; share: number } {
  const chars = [...name.toLowerCase()];
  const candidates = chars.slice(0, -1).map((c, i) => ({ i, key: `n:${c}${chars[i + 1]}`, f: freq.of(`n:${c}${chars[i + 1]}`) }))
    .sort((a, b) => a.f - b.f || a.i - b.i);
  const digits = (i: number) => /^[0-9]{2}$/.test(chars[i]! + chars[i + 1]!);
  const apart = (a: number, b: number, minDistance: number) => (digits(a) && digits(b))
    || (Math.abs(a - b) >= minDistance && (Math.abs(a - b) > 1 || /[0-9]/.test(chars[Math.max(a, b)]!)));
  const chosen: typeof candidates = [];
  let share = 1;
  const done = () => ({ positions: chosen.map((k) => k.i), share });
  for (const minDistance of [3, 2, 1]) {
    for (const c of candidates) {
      if (chosen.length >= MAX_NAME_KEYS || (chosen.length > 0 && freq.rows * share <= ENOUGH_ROWS)) return done();
      if (chosen.some((k) => k.key === c.key || k.i === c.i || !apart(k.i, c.i, minDistance))) continue;
      chosen.push(c);
      share *= c.f;
    }
  }
  return done();
}

const statsCache = new WeakMap<AppContext, { at: number; freq: Promise<KeyFrequencies> }>();

async function readFrequencies(ctx: AppContext): Promise<KeyFrequencies> {
  const row = (await sql<{ elems: string[] | null; freqs: number[] | null; rows: number | null }>`
    select s.most_common_elems::text::text[] as elems, s.most_common_elem_freqs as freqs,
      (select greatest(c.reltuples, 0) from pg_class c where c.oid = 'groups'::regclass) as rows
    from (select 1) as one
    left join pg_stats s on s.schemaname = current_schema() and s.tablename = 'groups' and s.attname = 'search_keys'`.execute(ctx.db)).rows[0];
  const rows = Number(row?.rows ?? 0);
  if (!row?.elems || !row.freqs) return { of: () => NO_STATS_FREQUENCY, rows };
  const map = new Map(row.elems.map((e, i) => [e, Number(row.freqs![i])]));
  // After the per-element frequencies come the minimum and maximum; a key not listed is rarer than the minimum, and
  // half of it is what the planner assumes too.
  const unlisted = Number(row.freqs[row.elems.length] ?? NO_STATS_FREQUENCY * 2) / 2;
  return { of: (key) => map.get(key) ?? unlisted, rows };
}

/** The key frequencies, read at most every STATS_TTL_MS per server; a failed read is not kept. */
export function keyFrequencies(ctx: AppContext): Promise<KeyFrequencies> {
  const now = ctx.now().getTime();
  const hit = statsCache.get(ctx);
  if (hit && now - hit.at >= 0 && now - hit.at < STATS_TTL_MS) return hit.freq;
  const freq = readFrequencies(ctx);
  statsCache.set(ctx, { at: now, freq });
  freq.catch(() => {
    if (statsCache.get(ctx)?.freq === freq) statsCache.delete(ctx);
  });
  return freq;
}
