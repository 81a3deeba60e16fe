import importX, { createNodeResolver } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/**
 * The layers of src (ARCHITECTURE.md), from the outside in. A file may import its own layer and
 * the layers below it, never one above: `import-x/no-restricted-paths` zones are made from this
 * table, and scripts/check-layers.ts checks that every file under src has a layer and counts the
 * imports between them. A file belongs to the layer of the longest path that holds it.
 * `typeOnly` lists what a layer may take types (and nothing else) from, above it, and why.
 */
export const layers = [
  { name: 'entry points', paths: ['src/app', 'src/index.ts'] },
  { name: 'front doors', paths: ['src/api', 'src/console/web'] },
  { name: 'use cases', paths: ['src/management'] },
  { name: 'worker', paths: ['src/worker', 'src/temporal'] },
  { name: 'workflows', paths: ['src/workflows'] },
  { name: 'activities', paths: ['src/activities'] },
  { name: 'starters', paths: ['src/starters'] },
  { name: 'outbound', paths: ['src/upstream'] },
  { name: 'contracts', paths: ['src/workflows/contracts.ts', 'src/workflows/failures.ts'] },
  { name: 'domain', paths: ['src/connectors', 'src/credentials', 'src/servers', 'src/plans', 'src/runs', 'src/policy', 'src/remoteMcp'] },
  {
    name: 'shared',
    paths: ['src/config.ts', 'src/db', 'src/secrets', 'src/errors.ts', 'src/audit', 'src/observability'],
    typeOnly: [
      {
        paths: ['src/policy/roles.ts', 'src/servers/schemas.ts'],
        why: "a table's column holds what the domain's schema accepts (Role, Restrictions), and a repository writes the domain's input",
      },
    ],
  },
];

const nodeBuiltins = [
  'node:*', 'fs', 'fs/*', 'path', 'http', 'https', 'net', 'dns', 'crypto', 'child_process', 'os', 'stream', 'url',
  'worker_threads', 'timers', 'timers/*', 'util', 'zlib', 'tls', 'dgram', 'events', 'process', 'buffer',
];
const ioLibraries = ['pg', 'kysely', 'kysely-*', '@electric-sql/*', 'undici', 'koa', '@koa/*', 'pino', 'oauth4webapi',
  '@temporalio/client', '@temporalio/worker', '@temporalio/activity', '@modelcontextprotocol/*'];

const domainFolders = ['./src/connectors', './src/credentials', './src/servers', './src/plans', './src/runs', './src/management', './src/policy'];
// src/workflows holds the workflow files and, beside them, the contracts and the one failure converter
// every caller shares: those two are not workflow code and have rules of their own.
const workflowNeighbours = ['src/workflows/contracts.ts', 'src/workflows/failures.ts', 'src/workflows/planReferences.ts'];
const workflowFiles = ['src/workflows/**'].concat(workflowNeighbours.map((file) => `!${file}`));
const domainBannedPackages = ['koa', '@koa/*', '@modelcontextprotocol/*', '@temporalio/client'];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.data/**', 'catalog/**', 'coverage/**', 'test-results/**'] },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.base],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    // Resolves our `.js` specifiers to the `.ts` files, so path zones see the real file.
    settings: { 'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json'], extensionAlias: { '.js': ['.ts', '.js'] } })] },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The layering (ARCHITECTURE.md). Workflow files get their own zones below.
    files: ['**/*.ts'],
    ignores: workflowFiles,
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            {
              target: '.',
              from: './src/workflows',
              except: ['./contracts.ts', './failures.ts', './planReferences.ts'],
              message: 'Nothing imports a workflow file: the worker bundles them by path, everyone else uses src/workflows/contracts.ts.',
            },
            ...[{ from: './src/api' }, { from: './src/starters' }, { from: './src/workflows', except: ['./contracts.ts', './failures.ts', './planReferences.ts'] }].map((zone) => ({
              target: domainFolders,
              ...zone,
              message: 'Domain code does not reach into the front doors or the Temporal client: take a port (see ports.ts) wired in src/app/start.ts.',
            })),
            {
              target: './src/workflows/contracts.ts',
              from: './src',
              except: ['./errors.ts', './workflows/failures.ts', './plans/schemas.ts', './workflows/planReferences.ts'],
              message:
                'src/workflows/contracts.ts holds names and types: it imports only errors.ts, failures.ts (the one failure converter it re-exports), planReferences.ts (pure step-reference resolution) and types.',
            },
          ],
        },
      ],
    },
  },
  {
    files: domainFolders.map((folder) => `${folder.slice(2)}/**/*.ts`),
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: domainBannedPackages, message: 'Domain code imports no Koa, MCP SDK or Temporal client: take a port wired in src/app/start.ts.' }] },
      ],
    },
  },
  {
    files: ['src/workflows/contracts.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['../plans/*'], allowTypeImports: true, message: 'Contracts take types from the domain, nothing else.' }] },
      ],
    },
  },
  {
    // One converter makes every ApplicationFailure (src/workflows/failures.ts), so each failure's type
    // is an error code and its non-retryable flag comes from errors.ts.
    files: ['src/**/*.ts'],
    ignores: ['src/workflows/failures.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...["CallExpression[callee.object.name='ApplicationFailure']", "NewExpression[callee.name='ApplicationFailure']"].map((selector) => ({
          selector,
          message: 'Build failures with failureOf or toApplicationFailure (src/workflows/contracts.ts): their type must be an error code.',
        })),
      ],
    },
  },
  {
    // Workflow code is replayed: it must be deterministic, so no I/O, no environment, no Node built-ins,
    // and activities only by type.
    files: ['src/workflows/**/*.ts'],
    ignores: workflowNeighbours,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: nodeBuiltins, message: 'Workflows are deterministic: no Node built-ins. Do I/O in an activity.' },
            { group: ioLibraries, message: 'Workflows are deterministic: no I/O libraries. Do I/O in an activity.' },
            { regex: '^(?![.]|@temporalio/workflow$)', message: 'Workflows import no package but @temporalio/workflow.' },
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
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            {
              target: './src/workflows',
              from: './src',
              except: ['./workflows', './activities/index.ts'],
              message: 'Workflows import only src/workflows/contracts.ts, @temporalio/workflow and activity types.',
            },
          ],
        },
      ],
    },
  },
);
