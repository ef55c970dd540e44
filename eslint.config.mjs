// @ts-check
// ESLint flat config: @eslint/js recommended + typescript-eslint recommended.
// Not the type-checked presets: they run the TypeScript program for every
// file, too slow for `npm test` on a 2-core machine (`tsc` checks the types).
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

// Node's globals for the plain JavaScript files (the `globals` package is not a
// dependency; this is the part of its `node` and `commonjs` sets they may use).
// TypeScript files need none: tsc checks their names (@types/node).
/** @param {string[]} names */
const readonly = (names) => Object.fromEntries(names.map((name) => [name, 'readonly']));
const nodeGlobals = readonly([
  'process', 'console', 'Buffer', 'global',
  'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate', 'queueMicrotask',
  'URL', 'URLSearchParams', 'TextEncoder', 'TextDecoder', 'AbortController', 'AbortSignal', 'structuredClone', 'fetch',
]);
const commonjsGlobals = readonly(['require', 'module', 'exports', '__dirname', '__filename']);

export default defineConfig(
  {
    // Generated or vendored: packaging output, generated JSON schemas, benchmark results, recorded test fixtures.
    ignores: ['node_modules/', '.serverless/', '.esbuild/', 'coverage/', 'schemas/', 'bench/results/', 'test/fixtures/'],
  },
  {
    // An eslint-disable comment that no longer disables anything is itself an error, so none outlive their reason.
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      // The project's convention, which `tsc --noUnusedParameters` shares: a parameter named `_x` is
      // unused on purpose; `const { omitted: _o, ...rest } = value` is how a property is left out.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    // Plain CommonJS, loaded by Node's require: serverless's config/ files and plugins, the bin launcher, Jest's config.
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...nodeGlobals, ...commonjsGlobals } },
    rules: {
      // require() is these files' module system, not a TypeScript import written the old way.
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    // ES modules run by Node: this file and test/unit/boundaries.cruise.mjs.
    files: ['**/*.mjs'],
    languageOptions: { sourceType: 'module', globals: nodeGlobals },
  },
  {
    // Tests stub SDK clients and read recorded AWS responses and CloudFormation templates loosely;
    // typing every fixture would add nothing the assertions do not already check.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
