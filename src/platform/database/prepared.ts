import { createHash } from 'node:crypto';
import pg from 'pg';
import { sql, type RawBuilder } from 'kysely';

/**
 * The hottest statements (session look-up, the home page, check-in) spend more of PostgreSQL's time being planned
 * than run: the home page's statement plans in ~3.7 ms and runs in ~1.9 ms (pg_stat_statements on the generated
 * province). A statement whose SQL ends with this mark is sent as a named prepared statement, parsed once per
 * connection, and after five runs PostgreSQL keeps a generic plan for it. Only statements whose best plan does not
 * depend on their values are marked (key look-ups); searches are not, as a generic plan cannot pick the index that
 * suits a rare or a common word. PGlite ignores the mark (it is a comment).
 */
export const PREPARED_MARK = '/* prepared */';

/** The mark, to end a Kysely query with: `query.modifyEnd(prepared)`. */
export const prepared: RawBuilder<unknown> = sql.raw(` ${PREPARED_MARK}`);

const names = new Map<string, string>();
function statementName(text: string): string {
  let name = names.get(text);
  if (!name) {
    name = `zy_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    names.set(text, name);
  }
  return name;
}

/** pg.Client that turns marked statements into named ones; pg then parses each once per connection. */
export class PreparingClient extends pg.Client {
  // pg's query() has many overloads; Kysely calls query(text, values), the only form rewritten here.
  override query(...args: unknown[]): any {
    const [text, values] = args;
    if (args.length <= 2 && typeof text === 'string' && text.endsWith(PREPARED_MARK)) {
      return super.query({ name: statementName(text), text, values: values as unknown[] | undefined });
    }
    return (super.query as (...a: unknown[]) => unknown).apply(this, args);
  }
}
