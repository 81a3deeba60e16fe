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
  { name: 'domain', paths: ['src/connectors', 'src/credentials', 'src/servers', 'src/plans', 'src/runs', 'src/policy', 'src/remoteMcp', 'src/plugins'] },
  {
    name: 'contracts',
    paths: ['src/workflows/contracts'],
    typeOnly: [{ paths: ['src/plans/schemas.ts'], why: "a plan run's input is the plan, typed by the domain's schema" }],
  },
  {
    name: 'shared',
    paths: ['src/config.ts', 'src/config', 'src/db', 'src/secrets', 'src/errors.ts', 'src/audit', 'src/observability'],
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

const layerOf = (name) => layers.find((layer) => layer.name === name);
const domainFolders = layerOf('domain').paths.map((path) => `./${path}`);
const holds = (path, file) => file === path || file.startsWith(`${path}/`);
const filesOf = (path) => (path.endsWith('.ts') ? path : `${path}/**`);
// src/workflows holds the workflow files and, beside them, the contracts layer's folder: names,
// inputs and results by concern, the one failure converter every caller shares and pure
// step-reference resolution.
const workflowNeighbours = layerOf('contracts').paths;
const workflowFiles = ['src/workflows/**'].concat(workflowNeighbours.map((path) => `!${filesOf(path)}`));
const domainBannedPackages = ['koa', '@koa/*', '@modelcontextprotocol/*', '@temporalio/client'];
// Only starters touch the Temporal client (src/temporal's dev server registers search attributes with its own connection).
const temporalClientUsers = ['src/starters/**', 'src/temporal/**'];

/**
 * One zone per layer and path above it: the layer's files may not import from there, except what
 * is nested in that path but belongs to the layer or one below it (the contracts inside
 * src/workflows), and what the layer may take types from (held to types by typeOnlyRules).
 */
const layerZones = layers.flatMap((layer, index) =>
  layers.slice(0, index).flatMap((above) =>
    above.paths.map((from) => {
      const lower = layers.slice(index).flatMap((below) => below.paths);
      const typeOnly = (layer.typeOnly ?? []).flatMap((allowance) => allowance.paths);
      const except = [...lower, ...typeOnly].filter((path) => path !== from && holds(from, path)).map((path) => `./${path.slice(from.length + 1)}`);
      return {
        target: layer.paths.map((path) => `./${path}`),
        from: `./${from}`,
        ...(except.length ? { except } : {}),
        message: `The ${layer.name} layer imports only the layers below it (ARCHITECTURE.md), not the ${above.name} layer.`,
      };
    }),
  ),
);

const temporalClientPattern = {
  group: ['@temporalio/client'],
  allowTypeImports: true,
  message: 'Only starters (src/starters) touch the Temporal client: call a starter, or take a port wired in src/app/start.ts.',
};
/** A layer's type-only allowances: its files may take types from these paths and nothing else. */
const typeOnlyRules = layers
  .filter((layer) => layer.typeOnly)
  .map((layer) => ({
    files: layer.paths.map(filesOf),
    ignores: temporalClientUsers,
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            temporalClientPattern,
            ...layer.typeOnly.map(({ paths, why }) => ({
              regex: `(^|/)(${paths.map((path) => path.replace(/^src\//, '').replace(/\.ts$/, '').replace(/[./]/g, (char) => `\\${char}`)).join('|')})\\.js$`,
              allowTypeImports: true,
              message: `The ${layer.name} layer takes only types from here: ${why}.`,
            })),
          ],
        },
      ],
    },
  }));

const applicationFailureSelectors = ["CallExpression[callee.object.name='ApplicationFailure']", "NewExpression[callee.name='ApplicationFailure']"].map((selector) => ({
  selector,
  message: 'Build failures with failureOf or toApplicationFailure (src/workflows/contracts/failures.ts): their type must be an error code.',
}));
const temporalClientSelectors = ["MemberExpression[property.name='client'][object.property.name='temporal']", "MemberExpression[property.name='client'][object.name='temporal']"].map(
  (selector) => ({ selector, message: temporalClientPattern.message }),
);

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
      // `import { type A }` still loads the module (verbatimModuleSyntax): an import of types only says `import type`.
      '@typescript-eslint/no-import-type-side-effects': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The layering (ARCHITECTURE.md). Workflow files get it below, with a zone of their own.
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
              except: workflowNeighbours.map((file) => `./${file.slice('src/workflows/'.length)}`),
              message: 'Nothing imports a workflow file: the worker bundles them by path, everyone else uses src/workflows/contracts.',
            },
            ...layerZones,
            {
              target: './src/workflows/contracts',
              from: './src',
              except: ['./errors.ts', './workflows/contracts', './plans/schemas.ts'],
              message:
                'src/workflows/contracts holds names and types, the one failure converter and pure step-reference resolution: it imports only errors.ts and types.',
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
    files: ['src/**/*.ts'],
    ignores: [...temporalClientUsers, ...workflowFiles],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [temporalClientPattern] }] },
  },
  ...typeOnlyRules,
  {
    // One converter makes every ApplicationFailure (src/workflows/contracts/failures.ts), so each failure's type
    // is an error code and its non-retryable flag comes from errors.ts; only starters reach the client.
    files: ['src/**/*.ts'],
    ignores: ['src/workflows/contracts/failures.ts', 'src/starters/**'],
    rules: { 'no-restricted-syntax': ['error', ...applicationFailureSelectors, ...temporalClientSelectors] },
  },
  {
    files: ['src/starters/**/*.ts'],
    rules: { 'no-restricted-syntax': ['error', ...applicationFailureSelectors] },
  },
  {
    // Workflow code is replayed: it must be deterministic, so no I/O, no environment, no Node built-ins,
    // and activities only by type.
    files: ['src/workflows/**/*.ts'],
    ignores: workflowNeighbours.map(filesOf),
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
              message: 'Workflows import only src/workflows/contracts, @temporalio/workflow and activity types.',
            },
            ...layerZones,
          ],
        },
      ],
    },
  },
);
