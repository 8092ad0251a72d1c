import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTypescript from 'eslint-config-next/typescript';
import drizzle from 'eslint-plugin-drizzle';

export default [
  {
    ignores: [
      'node_modules/**',
      '.next/**',
      '.data/**',
      'db/migrations/**',
      'test-results/**',
      'playwright-report/**',
      'next-env.d.ts',
    ],
  },
  ...nextVitals,
  ...nextTypescript,
  {
    plugins: { drizzle },
    rules: {
      // an UPDATE or DELETE without WHERE on a drizzle object is a bug, not a shortcut
      'drizzle/enforce-update-with-where': ['error', { drizzleObjectName: ['db', 'tx'] }],
      'drizzle/enforce-delete-with-where': ['error', { drizzleObjectName: ['db', 'tx'] }],
      // configuration is read once, validated, in server/env.ts
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration through server/env.ts.' },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'import/no-anonymous-default-export': 'off',
    },
  },
  {
    // Module boundaries (ARCHITECTURE.md, "Module boundaries"). Production code never imports the Odoo
    // simulator; a module reaches the sync engine only through server/sync/enqueue.ts (requestSync),
    // server/sync/registry.ts (the handler contract) and server/sync/task.ts (graphile tasks); sync handlers are reached through the registry
    // (server/sync/handlers/index.ts), never imported by another module.
    files: ['app/**/*.{ts,tsx}', 'server/**/*.{ts,tsx}', 'components/**/*.{ts,tsx}', 'db/**/*.ts'],
    ignores: [
      '**/*.test.ts',
      '**/*.test.tsx',
      '**/testing/**',
      'db/seed/**',
      'db/testing/**',
      'server/sync/**',
      'server/api/**',
      'server/sync/handlers/index.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@/tools/**', '**/tools/odoo-sim/**'],
              message: 'Production code never imports the Odoo simulator (tools/).',
            },
            {
              group: [
                '@/server/sync/*',
                '!@/server/sync/enqueue',
                '!@/server/sync/registry',
                '!@/server/sync/task',
                '!@/server/sync/record-access',
                '!@/server/sync/sync.queries',
                '!@/server/sync/sync-health.queries',
                '!@/server/sync/sync.service',
                '!@/server/sync/odoo-connection',
              ],
              message:
                'Reach the sync engine through its public files: server/sync/enqueue.ts (requestSync), server/sync/registry.ts (the handler contract) or server/sync/task.ts (the task definition shape).',
            },
            {
              group: ['@/server/modules/*/*.sync', '@/server/modules/*/*.sync-batch'],
              message:
                "Another module's sync handler is reached through the registry (server/sync/handlers/index.ts), not imported.",
            },
          ],
        },
      ],
    },
  },
  {
    // Known exceptions, left to the Odoo-client work: these read the simulator's demo chart of accounts
    // as a fallback mapping. Remove each line when its file reads mappings from odoo-connection only.
    files: [
      'server/modules/claims/claim.sync.ts',
      'server/modules/milestones/milestone.sync.ts',
      'server/modules/change-orders/change-order.sync-batch.ts',
      'server/modules/odoo-connection/odoo-mappings.ts',
    ],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // The server/client boundary (issue 16 item 8): what the browser bundles may take from the server
    // as VALUES are the pure modules — input and output shapes (*.schemas), the pure calculations the
    // server also runs (*.calc), the role and permission tables and pure date/list helpers. Anything
    // else (queries, services, the database) only as `import type`, which leaves no code in a bundle.
    files: ['components/**/*.{ts,tsx}'],
    ignores: ['components/trpc/server.tsx', '**/*.test.ts', '**/*.test.tsx'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex:
                '^@/server/(?!modules/)(?!auth/(roles|permissions)$)(?!lib/(zoned-date|list|decimal-input)$)',
              allowTypeImports: true,
              message:
                'Client code takes only types (import type) from the server outside its modules, or values from its pure role, permission, date and list helpers.',
            },
            {
              // a module's output shapes are its *.schemas.ts (types re-exported there), even as types
              regex: '^@/server/modules/(?!.*\\.(schemas|calc)$)(?!.*/labels$)',
              message:
                "Pages read a module's output shapes from its *.schemas.ts (its public contract), never from its queries or services.",
            },
            {
              regex: '^@/db/',
              allowTypeImports: true,
              message: 'Client code never imports the database layer (types only).',
            },
          ],
        },
      ],
    },
  },
  {
    // Playwright fixtures call a function named `use`, which the React hooks rule mistakes for a hook.
    files: ['e2e/**'],
    rules: { 'react-hooks/rules-of-hooks': 'off' },
  },
];
