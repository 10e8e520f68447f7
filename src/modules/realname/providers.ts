import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../../platform/config.js';
import { RealnameRegistry } from './registry.js';
import { ProviderUnavailableError, type RealnameProvider } from './types.js';
import { createAliyunId2MetaProvider } from './aliyun-id2meta.js';

export { ProviderUnavailableError, type ProviderVerdict, type RealnameProvider } from './types.js';

/**
 * Who checks a name against a resident ID number (REALNAME_PROVIDER):
 *  - `registry`: a CSV file (REALNAME_REGISTRY; default the synthetic demo file next to this module);
 *  - `http`: Alibaba Cloud ID Verification `Id2MetaVerify` (身份二要素核验) at REALNAME_URL (aliyun-id2meta.ts).
 * Only mainland resident ID numbers are ever sent (job.ts decides); a provider answers verified, failed or
 * no_result, or throws ProviderUnavailableError when it cannot answer now (the person stays pending).
 */

export const DEMO_REGISTRY = path.join(path.dirname(fileURLToPath(import.meta.url)), 'demo-registry.csv');

/**
 * The registry provider. The file is loaded on the first pass and reloaded when its size or modification
 * time changes (replace it atomically, e.g. write a new file and rename it over the old one); while a new
 * file loads, and if it cannot be read, the previous index keeps answering.
 */
export function createRegistryProvider(file: string = DEMO_REGISTRY, onLoad?: (stats: RealnameRegistry['stats']) => void): RealnameProvider & { registry(): RealnameRegistry | null } {
  let index: RealnameRegistry | null = null;
  let loadedStamp = '';
  return {
    name: 'registry',
    registry: () => index,
    async prepare() {
      let stamp: string;
      try {
        const st = await fs.promises.stat(file);
        stamp = `${st.size}:${st.mtimeMs}`;
      } catch (error) {
        if (index) return;
        throw new ProviderUnavailableError(`registry file unreadable: ${(error as NodeJS.ErrnoException).code ?? 'error'}`, true);
      }
      if (stamp === loadedStamp && index) return;
      try {
        const next = await RealnameRegistry.load(file);
        index = next;
        loadedStamp = stamp;
        onLoad?.(next.stats);
      } catch (error) {
        if (index) return;
        throw new ProviderUnavailableError(`registry file unreadable: ${(error as NodeJS.ErrnoException).code ?? 'error'}`, true);
      }
    },
    async check({ name, idNumber }) {
      if (!index) throw new ProviderUnavailableError('registry not loaded', true);
      return index.check(name, idNumber);
    },
  };
}

export function createProvider(config: Config, onLoad?: (stats: RealnameRegistry['stats']) => void): RealnameProvider {
  if (config.realnameProvider === 'http') {
    return createAliyunId2MetaProvider({
      endpoint: config.realnameUrl!,
      accessKeyId: config.realnameAccessKeyId ?? '',
      accessKeySecret: config.realnameAccessKeySecret ?? '',
    });
  }
  return createRegistryProvider(config.realnameRegistry ?? DEMO_REGISTRY, onLoad);
}
