import { defineConfig } from 'vite';

// `npm run dev` serves the page with hot reload and forwards the model, run and data endpoints to a running
// `dcgan studio` (http://127.0.0.1:8080/, or DCGAN_STUDIO_URL); `npm run build` writes dist/, which `dcgan studio`
// serves itself.
const server = process.env.DCGAN_STUDIO_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  // Relative asset URLs: the page works wherever it is mounted.
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // TF.js (core, layers, WebGL and CPU backends) is one ~1.5 MB chunk by nature; splitting it buys nothing here.
    chunkSizeWarningLimit: 4096,
  },
  // The Train view's worker imports TF.js as an ES module (a module worker, one chunk of its own).
  worker: { format: 'es' },
  server: { proxy: { '/model': server, '/api': server, '/data': server } },
});
