// Flat ESLint config. The boundary rules carry DESIGN.md's process model: each process may import only what
// it can load at run time, and each message says where the offending code belongs instead.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/** Imports that only the Electron main process can satisfy. */
const mainProcessOnly = [
  {
    group: ['electron', 'electron/*'],
    message:
      'The engine is plain Node and also runs outside Electron (CLI, browser shell, tests). Put Electron code in app/shell, app/lockdown or app/adapters and reach the engine through a port in app/engine/ports.ts.',
  },
  {
    group: ['**/shell', '**/shell/**', '**/lockdown', '**/lockdown/**', '**/ipc', '**/ipc/**', '**/adapters', '**/adapters/**'],
    message:
      'app/engine may not depend on the main process (shell, lockdown, ipc, adapters). Define a port in app/engine/ports.ts and implement it in app/adapters.',
  },
];

/** The client never depends on the institution's server: it must run with no server at all. */
const noServer = {
  regex: '^(\\.\\./)+server(/|$)',
  message:
    'The client (app/) never imports the server. What both sides share lives in app/engine/sync/protocol.ts (the sync protocol), which the server imports.',
};

/**
 * What the server may take from app/: pure modules only (DESIGN.md, process model). Anything else would drag the
 * engine's native modules and models into the server; analysis runs as the `vigil` command in a child process.
 */
const serverImportsFromApp = {
  // A regex, because gitignore-style negation cannot re-include a file inside an excluded folder.
  regex: '(^|/)app/(?!engine/(sync/protocol|report/report|policy/policy|storage/hash-chain|storage/canonical-json|config/signed-config|command-line)(\\.ts)?$)',
  message:
    'The server may import from app/ only the pure modules: app/engine/sync/protocol.ts, report/report.ts, policy/policy.ts, storage/hash-chain.ts, storage/canonical-json.ts, config/signed-config.ts, command-line.ts. Run engine work as the `vigil` command in a child process.',
};

/** The server's import rule, with `alsoAllowed` (regexes of paths below app/) let through for its test harness. */
function serverImports(...alsoAllowed) {
  const regex = alsoAllowed.length ? serverImportsFromApp.regex.replace('(?!', `(?!${alsoAllowed.join('|')}|`) : serverImportsFromApp.regex;
  return {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          { ...serverImportsFromApp, regex },
          { group: ['electron', 'electron/*', 'better-sqlite3', 'onnxruntime-node'], message: 'The server runs without Electron and the engine\'s native modules; it stores in PostgreSQL/PGlite through Kysely.' },
        ],
      },
    ],
  };
}

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'release/**', 'test-output/**', 'models/*.onnx'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Why: the client runs where no server exists (a file analysed offline, the server down for a whole exam).
    files: ['app/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noServer] }] },
  },
  {
    // Why: the engine runs as a utilityProcess in Electron and as a plain Node process everywhere else;
    // one Electron import would break the CLI, the browser shell and every test.
    files: ['app/engine/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...mainProcessOnly, noServer] }] },
  },
  {
    // Why: the server is deployed on its own, without the engine's native modules and models.
    files: ['server/**/*.ts'],
    rules: serverImports(),
  },
  {
    // Why: the server's test harness takes its free loopback port from the one helper the client's specs use
    // (app/engine/sync/testing/ports.ts, test-only, Node alone); the server code itself still imports only pure modules.
    files: ['server/test/*.ts'],
    rules: serverImports('engine/sync/testing/ports(\\.ts)?$'),
  },
  {
    // Why: the console spec drives the real candidate app through the client's own e2e launcher (a test-only
    // dependency, like a second program on the machine); the server code itself still imports only pure modules.
    files: ['server/test/*.e2e.test.ts'],
    rules: serverImports('test/e2e/', 'engine/sync/testing/ports(\\.ts)?$'),
  },
  {
    // Why: the renderer is sandboxed web content; it talks to the rest only through window.vigil, whose
    // types and schemas live in app/ipc/contract.ts. Anything else from app/ would be a privilege leak.
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              // A regex, because gitignore-style negation cannot re-include a file inside an excluded folder.
              regex: '(^|/)app/(?!ipc/contract(\\.ts)?$)',
              message:
                'The renderer may import only app/ipc/contract.ts from app/. Ask the main process or the engine through a channel in the contract instead.',
            },
            {
              group: ['electron', 'electron/*', 'node:*', 'better-sqlite3', 'onnxruntime-node'],
              message:
                'The renderer is sandboxed web content without Node. Put this in app/engine (or app/shell) and expose it through app/ipc/contract.ts.',
            },
          ],
        },
      ],
    },
  },
  {
    // Why: the console is web content served by the server; it talks to the server's API only (lib/api.ts).
    files: ['server/console/**/*.ts', 'server/console/**/*.tsx'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '(^|/)app/', message: 'The console is web content: it reaches the engine\'s schemas through the server\'s API (e.g. POST /api/v1/policy/check), never by import.' },
            { group: ['node:*', 'electron', 'electron/*', 'kysely', 'fastify', 'pg', '@electric-sql/*'], message: 'The console runs in the browser: ask the server through lib/api.ts.' },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
  },
);
