/**
 * `npm run example`: the checkout on http://localhost:5173, with `/graphql` (HTTP and WebSocket)
 * proxied to the BFF at BFF_URL (default http://127.0.0.1:4000, what `npm start` serves).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const bff = process.env.BFF_URL ?? 'http://127.0.0.1:4000';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // React's automatic JSX runtime through Vite's built-in transform (no React plugin needed).
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  server: {
    host: 'localhost',
    port: 5173,
    strictPort: true,
    proxy: { '/graphql': { target: bff, changeOrigin: true, ws: true } },
  },
  // Pre-bundled at start, so the first page load never triggers a re-optimisation and reload.
  optimizeDeps: {
    include: [
      'react',
      'react/jsx-runtime',
      'react/jsx-dev-runtime',
      'react-dom/client',
      '@apollo/client',
      '@apollo/client/react',
      '@apollo/client/link/subscriptions',
      'graphql',
      'graphql-ws',
    ],
  },
});
