/**
 * `npm run example`: the checkout on http://localhost:5173, with `/graphql` (HTTP and WebSocket)
 * proxied to the BFF at BFF_URL (default http://127.0.0.1:4000, what `npm start` serves).
 * With VITE_GRAPHQL_URL (e.g. http://127.0.0.1:4000/graphql) the page calls the BFF directly,
 * across origins (CORS), and nothing is proxied. See src/apollo.ts for VITE_PERSISTED_DOCUMENTS.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const bff = process.env.BFF_URL ?? 'http://127.0.0.1:4000';
const direct = Boolean(process.env.VITE_GRAPHQL_URL);

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // React's automatic JSX runtime through Vite's built-in transform (no React plugin needed).
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  server: {
    host: 'localhost',
    port: 5173,
    strictPort: true,
    proxy: direct ? {} : { '/graphql': { target: bff, changeOrigin: true, ws: true } },
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
      '@apollo/client/link/persisted-queries',
      '@apollo/client/link/subscriptions',
      'graphql',
      'graphql-ws',
    ],
  },
});
