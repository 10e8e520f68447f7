import { ConfigError, loadConfig } from '../platform/config.js';
import { runVerify } from '../modules/certificates/verify-command.js';

/** npm run verify-certificate -- file.pdf: see src/modules/certificates/verify-command.ts. */
try {
  const config = loadConfig();
  process.exitCode = await runVerify(process.argv.slice(2), {
    config,
    fetch: (url) => fetch(url, { signal: AbortSignal.timeout(10_000) }),
    print: (line) => console.log(line),
  });
} catch (error) {
  console.error(error instanceof ConfigError ? `Configuration error: ${error.message}` : error);
  process.exitCode = 1;
}
