import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';

// The chair's app is served by `kiesdag serve` under /chair/ (KIESDAG_CHAIR_DIR, default
// web-chair/dist); in development Vite proxies the station socket to a running server.
const server = process.env.KIESDAG_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  base: '/chair/',
  plugins: [
    react(),
    VitePWA({
      // A new version waits for the chair (src/main.tsx offers a reload): never a
      // reload on its own in the middle of typing.
      registerType: 'prompt',
      injectRegister: null,
      manifest: {
        name: 'Kiesdag stembureau',
        short_name: 'Kiesdag',
        description: 'De app van de voorzitter van het stembureau',
        lang: 'nl',
        start_url: '/chair/',
        scope: '/chair/',
        display: 'standalone',
        background_color: '#ffffff',
        theme_color: '#00437a',
        icons: [
          { src: 'icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' },
          { src: 'icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icon-512.png', sizes: '512x512', type: 'image/png' },
        ],
      },
      workbox: {
        // The whole app, the core included, so that a reload with no network opens it.
        globPatterns: ['**/*.{js,css,html,wasm,svg,png,webmanifest}'],
        maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
        navigateFallback: '/chair/index.html',
        cleanupOutdatedCaches: true,
      },
    }),
  ],
  server: {
    proxy: {
      '/ws': { target: server.replace(/^http/, 'ws'), ws: true },
    },
  },
  test: {
    include: ['test/**/*.test.ts'],
  },
});
