// tsc compiles .ts only; data files that modules read at run time are copied next to their compiled module.
import { cpSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const ASSET = /\.(txt|csv|json)$/;

function copy(dir) {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) copy(full);
    else if (ASSET.test(name)) cpSync(full, path.join(root, 'dist', path.relative(path.join(root, 'src'), full)));
  }
}
copy(path.join(root, 'src'));
