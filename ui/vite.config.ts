// The web UI's build: a static bundle under dist/ui that the management server serves at
// /client/. It talks to the server only through the public /client/api endpoint.
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: '/client/',
  // React's automatic JSX runtime, compiled by esbuild (no React plugin needed for a build).
  esbuild: { jsx: 'automatic' },
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../dist/ui', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      // antd marks its modules "use client" for React Server Components; meaningless in a bundle.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  server: { proxy: { '/client/api': 'http://127.0.0.1:8080' } },
});
