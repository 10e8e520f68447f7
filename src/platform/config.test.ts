import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from './config.js';

test('defaults match api.md', () => {
  const c = loadConfig({});
  assert.equal(c.port, 3000);
  assert.equal(c.host, '127.0.0.1');
  assert.equal(c.databaseUrl, null);
  assert.equal(c.captcha, 'image');
  assert.equal(c.realnameProvider, 'registry');
  assert.equal(c.sessionIdleMinutes, 30);
  assert.equal(c.sessionAbsoluteHours, 12);
});

test('a bad value names the variable', () => {
  const cases: [Record<string, string>, string][] = [
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ CAPTCHA: 'maybe' }, 'CAPTCHA'],
    [{ NODE_ENV: 'production', CAPTCHA: 'off', DATA_KEY: Buffer.alloc(32).toString('base64') }, 'CAPTCHA'],
    [{ NODE_ENV: 'production' }, 'DATA_KEY'],
    [{ DATA_KEY: 'short' }, 'DATA_KEY'],
    [{ BOOTSTRAP_ADMIN_USERNAME: 'root_admin' }, 'BOOTSTRAP_ADMIN_PASSWORD'],
    [{ REALNAME_PROVIDER: 'http' }, 'REALNAME_URL'],
    [{ REALNAME_PROVIDER: 'http', REALNAME_URL: 'https://cloudauth.aliyuncs.com/' }, 'REALNAME_ACCESS_KEY_ID'],
    [{ REALNAME_PROVIDER: 'http', REALNAME_URL: 'https://cloudauth.aliyuncs.com/', REALNAME_ACCESS_KEY_ID: 'LTAI1' }, 'REALNAME_ACCESS_KEY_SECRET'],
    [{ SESSION_IDLE_MINUTES: '0' }, 'SESSION_IDLE_MINUTES'],
    [{ PROJECT_SEARCH_CACHE_MS: '-1' }, 'PROJECT_SEARCH_CACHE_MS'],
    [{ PROJECT_SEARCH_CACHE_MS: '3s' }, 'PROJECT_SEARCH_CACHE_MS'],
  ];
  for (const [env, variable] of cases) {
    assert.throws(() => loadConfig(env), (e: unknown) => e instanceof ConfigError && e.variable === variable && e.message.startsWith(variable), JSON.stringify(env));
  }
});
