import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const webRoot = path.dirname(fileURLToPath(import.meta.url));
const projectRoot = path.resolve(webRoot, '..');

// The browser app. No React plugin: Vite's built-in Oxc transform compiles JSX
// with React's automatic runtime (no `import React` needed in .tsx files).
export default defineConfig({
  root: webRoot,
  base: '/',
  publicDir: path.resolve(webRoot, 'public'),
  oxc: {
    jsx: { runtime: 'automatic', importSource: 'react' },
  },
  build: {
    outDir: process.env.ZY_WEB_OUT ? path.resolve(process.env.ZY_WEB_OUT) : path.resolve(projectRoot, 'dist/web'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      // antd marks its modules 'use client' (a React Server Components hint that means nothing in a browser bundle).
      onwarn(warning, defaultHandler) {
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        defaultHandler(warning);
      },
      output: {
        // Keep the rarely changing libraries in their own cacheable files.
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|react-router|react-router-dom|scheduler)[\\/]/ },
            { name: 'antd', test: /node_modules[\\/](antd|@ant-design|@rc-component|rc-[\w-]+|@babel[\\/]runtime|dayjs)[\\/]/ },
          ],
        },
      },
    },
  },
  server: {
    // `npx vite --config web/vite.config.ts` during development, with `npm run dev` serving the API on :3000.
    proxy: { '/api': process.env.ZY_API_ORIGIN ?? 'http://127.0.0.1:3000' },
  },
});
