import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

// The console is static files served by the API at /console/; everything (Preact, Chart.js) is bundled, no CDN.
// The JSX settings come from this folder's tsconfig.json (jsxImportSource: preact).
export default defineConfig({
  root: here,
  base: '/console/',
  build: {
    outDir: process.env.CONSOLE_OUT_DIR ?? `${here}/../../dist/console`,
    emptyOutDir: true,
    chunkSizeWarningLimit: 400,
  },
});
