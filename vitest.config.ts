import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));
const alias = { '@': root };
const exclude = ['node_modules/**', '.next/**', '.data/**', 'e2e/**'];

// Tiers (CONTRIBUTING.md): unit = pure, db = real PostgreSQL, router = createCaller against real PostgreSQL.
export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['**/*.test.ts'],
          exclude: [...exclude, '**/*.db.test.ts', '**/*.router.test.ts'],
          environment: 'node',
          // a timeout catches a hang, not slowness: property tests and spawned tools take far more than
          // vitest's 5 s default on a loaded 2-core machine (speed targets live in the benchmarks)
          testTimeout: 60_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'db',
          // real-PostgreSQL service tests and router tests (createCaller) share one database tier
          include: ['**/*.db.test.ts', '**/*.router.test.ts'],
          exclude,
          environment: 'node',
          globalSetup: ['./db/testing/global-setup.ts'],
          setupFiles: ['./server/sync/testing/install-handlers.setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
