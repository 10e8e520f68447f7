// Runs every *.test.ts with Node's test runner. Browser tests need the built web app, so build it first.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const only = process.argv.slice(2);

function find(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) find(full, out);
    else if (name.endsWith('.test.ts')) out.push(path.relative(root, full));
  }
  return out;
}

let files = [...find(path.join(root, 'src')), ...find(path.join(root, 'test')), ...find(path.join(root, 'web'))].sort();
if (only.length) files = files.filter((f) => only.some((o) => f.includes(o)));
if (process.env.TEST_SCOPE === 'database') files = files.filter((f) => !f.startsWith('web/'));

if (files.some((f) => f.startsWith('web/'))) {
  const build = spawnSync('npx', ['vite', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

// Browser journeys run after the rest and one at a time: two cores shared by Chromium, the server under test
// and another test file make timing-sensitive pages flaky. A browser file that fails is run once more; the first
// try's report is kept, indented so that summaries read only the second.
function args(list, concurrency) {
  return ['--import', 'tsx', '--import', './test/failing-ok-message.ts', '--test', `--test-concurrency=${concurrency}`, '--test-timeout=180000', '--test-reporter=spec', ...list];
}
const env = { ...process.env, NODE_ENV: 'test' };

function run(list, concurrency) {
  if (list.length === 0) return 0;
  return spawnSync(process.execPath, args(list, concurrency), { cwd: root, stdio: 'inherit', env }).status ?? 1;
}

function runBrowserFile(file) {
  const first = spawnSync(process.execPath, args([file], 1), { cwd: root, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (first.status === 0) {
    process.stdout.write(first.stdout);
    process.stderr.write(first.stderr);
    return 0;
  }
  const indented = (text) => text.split('\n').map((line) => `    [first try] ${line}`).join('\n');
  process.stdout.write(`\n${file} failed on its first try; running it once more.\n${indented(first.stdout)}\n${indented(first.stderr)}\n`);
  return run([file], 1);
}

const browser = files.filter((f) => f.startsWith('web/'));
const rest = files.filter((f) => !f.startsWith('web/'));
const statuses = [run(rest, 2), ...browser.map(runBrowserFile)];
process.exit(statuses.some((s) => s !== 0) ? 1 : 0);
