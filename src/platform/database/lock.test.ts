import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { DataDirLockedError, lockDataDir } from './lock.js';

test('a second holder of the data directory is refused with a clear message; a stale lock is taken over', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zy-lock-'));
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)']);
  try {
    fs.writeFileSync(path.join(dir, 'zhiyuan.lock'), String(child.pid));
    assert.throws(() => lockDataDir(dir), (e: unknown) => e instanceof DataDirLockedError && /in use by another Zhiyuan process/.test((e as Error).message));
  } finally {
    child.kill();
  }
  await new Promise((r) => child.once('exit', r));
  const release = lockDataDir(dir);
  assert.equal(fs.readFileSync(path.join(dir, 'zhiyuan.lock'), 'utf8'), String(process.pid));
  release();
  assert.equal(fs.existsSync(path.join(dir, 'zhiyuan.lock')), false);
});
