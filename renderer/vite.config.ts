import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
// The dev server forwards the control API to a running proxy (`npm run serve`).
const proxyTarget = process.env.CASCADEFLOW_PROXY_URL ?? 'http://127.0.0.1:8000';

export default defineConfig({
  root,
  // Relative asset URLs: the same bundle works under the proxy's /dashboard/ and the app's app://dashboard/.
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    // Keep every asset a file: the proxy's CSP allows no data: scripts or styles.
    assetsInlineLimit: 0,
    // One local bundle served from the machine itself: no point splitting it for the network.
    chunkSizeWarningLimit: 1024,
  },
  server: {
    host: '127.0.0.1',
    proxy: {
      '/api': {
        target: proxyTarget,
        // The admin API refuses cross-origin browser requests; in development the page's
        // origin is the dev server, so present the proxy's own origin instead.
        configure: (proxy) => {
          proxy.on('proxyReq', (request) => {
            if (request.getHeader('origin')) request.setHeader('origin', proxyTarget);
          });
        },
        changeOrigin: true,
      },
    },
  },
});
