import assert from 'node:assert';
import { inspect } from 'node:util';

/**
 * Loaded before every test file (scripts/test.mjs). When `assert.ok(value)` fails without a message, Node 20 writes
 * one by reading the source at the call's column; tsx runs a whitespace-minified transform, so that column lies far
 * beyond the .ts file's line and Node's search spins for minutes: the test then times out instead of failing with its
 * reason. Giving such calls a message of their own skips that search; the stack still points at the line.
 */
for (const target of [assert, assert.strict]) {
  const ok = target.ok;
  target.ok = function okWithMessage(this: unknown, ...args: unknown[]) {
    if (args.length === 1 && !args[0]) args.push(`expected a truthy value, got ${inspect(args[0])}`);
    return (ok as (...a: unknown[]) => void).apply(this, args);
  } as typeof ok;
}
