import { defineConfig } from 'vite';

// The app's build settings (../../vite.config.ts) without its plugins: the floor needs no JSX.
export default defineConfig({
  root: 'bench/reactFloor',
  logLevel: 'warn',
  build: { emptyOutDir: true, modulePreload: { polyfill: false } },
});
