import { defineConfig } from 'vite';

// The server's verifier of solo runs (docs/api.md): the game's own modules bundled into one
// script for Node, web/dist-verifier/verifier.mjs, which solo/verifier.py runs as a worker.
export default defineConfig({
  publicDir: false,
  build: {
    outDir: 'dist-verifier',
    emptyOutDir: true,
    target: 'node22',
    minify: false,
    lib: { entry: 'src/verifier/main.ts', formats: ['es'], fileName: () => 'verifier.mjs' },
  },
});
