// Builds the renderer into dist/renderer, loaded by the window over file:// — hence relative asset URLs,
// and nothing inlined that the page's CSP (script-src/style-src/font-src 'self') would refuse.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    // Electron 45 ships Chromium 140.
    target: 'chrome140',
    // Chromium has modulepreload; the polyfill would be extra script for nothing.
    modulePreload: { polyfill: false },
    // No data: URLs for fonts or scripts: font-src allows only 'self'.
    assetsInlineLimit: 0,
    sourcemap: true,
  },
});
