import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Served by the middleware at /console/ (same origin as the API); no CDN, everything in the bundle.
export default defineConfig({
  base: '/console/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 1024 },
});
