/// <reference types="vitest/config" />
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Built into web/dist and served by Django under /static/app/ (docs/web-client-serving.md); Vite's
// hashed names under assets/ are what WhiteNoise caches for good.
export default defineConfig({
  base: '/static/app/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // No inline module-preload polyfill script: the pages' CSP allows no inline scripts.
    modulePreload: { polyfill: false },
    // One stylesheet, a <link> of index.html fetched beside the entry from the start: as a dependency
    // of the app's chunk, Vite's preload helper fetched it only when main.tsx imported the chunk and
    // held the chunk's evaluation until it had arrived (up to 100 ms of a load here).
    cssCodeSplit: false,
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8000' },
  },
  test: {
    // Pure modules run in Node; a test of components says `@vitest-environment jsdom` at its top.
    environment: 'node',
    globals: true,
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
  },
});
