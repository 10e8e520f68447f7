import { availableParallelism } from 'node:os';
import { hash, verify } from '@node-rs/argon2';

/** OWASP Password Storage Cheat Sheet: argon2id, m = 19 MiB, t = 2, p = 1. Set explicitly, not left to defaults. */
export const ARGON2_OPTIONS = {
  algorithm: 2, // Algorithm.Argon2id (a const enum, which isolated modules cannot read)
  memoryCost: 19 * 1024,
  timeCost: 2,
  parallelism: 1,
} as const;

/**
 * At most one argon2 computation per core: more only fight over the cache (four 19 MiB hashes do not fit in
 * a 32 MiB L3) and lengthen every sign-in's tail latency (docs/benchmarks.md).
 */
const slots = Math.max(1, availableParallelism());
let running = 0;
const waiting: (() => void)[] = [];

async function limited<T>(work: () => Promise<T>): Promise<T> {
  if (running >= slots) await new Promise<void>((resolve) => waiting.push(resolve));
  running += 1;
  try {
    return await work();
  } finally {
    running -= 1;
    waiting.shift()?.();
  }
}

export const hashPassword = (password: string) => limited(() => hash(password, ARGON2_OPTIONS));

let dummyHash: Promise<string> | null = null;

/**
 * Verifies a password. With no stored hash (unknown identifier) it still runs one argon2 verification
 * against a throwaway hash, so the answer takes as long as for a real account.
 */
export async function verifyPassword(storedHash: string | null, password: string): Promise<boolean> {
  if (!storedHash) {
    dummyHash ??= hashPassword('zhiyuan-timing-equaliser');
    const throwaway = await dummyHash;
    await limited(() => verify(throwaway, password)).catch(() => false);
    return false;
  }
  try {
    return await limited(() => verify(storedHash, password));
  } catch {
    return false;
  }
}
