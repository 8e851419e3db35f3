import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The client is served by Missive itself under a strict CSP: no inline script, no eval,
// so the build must emit only external modules and stylesheets.
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    target: 'es2022',
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8080', '/dev': 'http://127.0.0.1:8080' } },
});
