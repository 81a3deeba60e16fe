import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'node:*', 'fs', 'fs/*', 'path', 'http', 'https', 'net', 'dns', 'crypto', 'child_process', 'os', 'stream', 'url',
  'worker_threads', 'timers', 'timers/*', 'util', 'zlib', 'tls', 'dgram', 'events', 'process', 'buffer',
];
const ioLibraries = ['pg', 'kysely', 'kysely-*', '@electric-sql/*', 'undici', 'koa', '@koa/*', 'pino', 'oauth4webapi',
  '@temporalio/client', '@temporalio/worker', '@temporalio/activity', '@modelcontextprotocol/*'];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.data/**', 'catalog/**', 'coverage/**', 'test-results/**'] },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.base],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    // One converter makes every ApplicationFailure (src/durable/failures.ts), so each failure's type
    // is an error code and its non-retryable flag comes from errors.ts.
    files: ['src/**/*.ts'],
    ignores: ['src/durable/failures.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...["CallExpression[callee.object.name='ApplicationFailure']", "NewExpression[callee.name='ApplicationFailure']"].map((selector) => ({
          selector,
          message: 'Build failures with failureOf or toApplicationFailure (src/durable/contracts.ts): their type must be an error code.',
        })),
      ],
    },
  },
  {
    // Workflow code is replayed: it must be deterministic, so no I/O, no environment, no Node built-ins,
    // and activities only by type.
    files: ['src/durable/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: nodeBuiltins, message: 'Workflows are deterministic: no Node built-ins. Do I/O in an activity.' },
            { group: ioLibraries, message: 'Workflows are deterministic: no I/O libraries. Do I/O in an activity.' },
            {
              group: ['../activities/*', '!../activities/index.js'],
              message: 'Workflows import activity types only, through ../activities/index.js.',
            },
          ],
        },
      ],
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['../activities/*'], allowTypeImports: true, message: 'Import activity types only.' }] },
      ],
      'no-restricted-globals': ['error', 'process', 'fetch', 'setTimeout', 'setInterval', 'Buffer'],
    },
  },
);
