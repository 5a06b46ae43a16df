// Vite + Vitest configuration for the goclaw web UI.
// The app is served by `goclaw server` under /ui, so every asset URL is rooted there.
// `npm run dev` proxies API and WebSocket calls to a local server (GOCLAW_URL, default :8080).
import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

const target = process.env.GOCLAW_URL ?? 'http://127.0.0.1:8080';
// The server refuses WebSocket handshakes from foreign origins (docs/security.md), so the
// proxied upgrade presents the server's own origin.
const proxy = {
  '/api': { target, changeOrigin: true },
  '/status': { target, changeOrigin: true },
  '/ws': {
    target,
    ws: true,
    changeOrigin: true,
    configure: (p: { on(ev: 'proxyReqWs', fn: (req: { setHeader(k: string, v: string): void }) => void): void }) => {
      p.on('proxyReqWs', (req) => req.setHeader('Origin', target));
    },
  },
};

export default defineConfig({
  base: '/ui/',
  plugins: [react()],
  server: { proxy, fs: { allow: ['..'] } },
  preview: { proxy },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test/setup.ts'],
  },
});
