// @ts-check
/**
 * Import boundaries, checked by `npm run lint` (and so by `npm test` and CI):
 *
 *   npx depcruise --config .dependency-cruiser.cjs <folders>
 *
 * Paths in the rules are relative to the project root. test/unit/boundaries.test.ts
 * runs these same rules on small module graphs that break each of them, so a rule
 * that can no longer fail (a typo in a path, a renamed folder) fails that test.
 */

/** Product code: what is packaged into the Lambda functions. */
const PRODUCT = '^(functions|shared)/';
/**
 * The workflow folders under shared/: every folder there but the ones all workflows share, so a new workflow's
 * folder is covered the day it is added (no list of names to keep).
 */
const WORKFLOW_FOLDERS = '^shared/[^/]+/';
const SHARED_BY_ALL = '^shared/(workflow|contracts|events|runtime)/';
/** Test code may import anything: no boundary rule applies to it. */
const TEST = '^test/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'A cycle between files makes the load order decide which module sees the other half-initialised ' +
        '(undefined imports at load time), and means neither side can be understood, tested or moved alone. ' +
        'Break it: move what both need into a third module.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'product-not-to-dev-code',
      severity: 'error',
      comment:
        'functions/ and shared/ are what deploys. local/ (emulators, local stack), tooling/, cli/, test/ and bench/ ' +
        'are not packaged (and pull in devDependencies): an import from there would break or bloat the Lambda bundle.',
      from: { path: PRODUCT },
      to: { path: '^(local|tooling|cli|test|bench)/' },
    },
    {
      name: 'shared-not-to-functions',
      severity: 'error',
      comment:
        'Handlers (functions/ for the platform, shared/<workflow>/handlers/ for Task functions) are thin entry points ' +
        'on top of domain code: domain code that imports a handler inverts the layering and drags that handler\'s ' +
        'wiring (clients, middleware) into every function that uses the module.',
      from: { path: '^shared/', pathNot: '^shared/[^/]+/handlers/' },
      to: { path: '^(functions/|shared/[^/]+/handlers/)' },
    },
    {
      name: 'function-not-to-function',
      severity: 'error',
      comment:
        'Each handler (functions/*, shared/<workflow>/handlers/*) is one Lambda function, bundled on its own. What two ' +
        'handlers share belongs in domain code; importing another handler bundles it (and its module-level setup) into this one.',
      from: { path: '^(functions/[^/]+|shared/[^/]+/handlers/[^/]+)$' },
      to: { path: '^(functions/|shared/[^/]+/handlers/)' },
    },
    {
      name: 'not-to-dev-dep',
      severity: 'error',
      comment:
        "Product code imports a package from package.json's devDependencies: it is not installed for the " +
        'deployed functions (serverless-esbuild bundles dependencies only). Move it to dependencies. ' +
        'Type-only imports are erased at build time and are fine.',
      from: { path: PRODUCT },
      to: {
        dependencyTypes: ['npm-dev'],
        dependencyTypesNot: ['type-only'],
        pathNot: ['node_modules/@types/'],
      },
    },
    {
      name: 'no-non-package-json',
      severity: 'error',
      comment:
        "Product code imports an npm package that package.json does not list (it is only there as another package's " +
        'dependency): its version is not pinned and it can vanish with any lockfile change. Add it to dependencies.',
      from: { path: PRODUCT },
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'] },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment:
        'An import that resolves to no file: a typo, a moved module or a package that is not installed. ' +
        'Checked everywhere, not only in product code: it fails at run time wherever it is.',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'workflow-core-not-to-workflows',
      severity: 'error',
      comment:
        'shared/workflow/ is shared by every workflow; importing one workflow folder makes every workflow depend ' +
        'on that one (and each function bundle carries it). Invert it: the workflow declares what the core needs, ' +
        'and the core reads the declarations through the registry (shared/workflows.ts).',
      from: { path: '^shared/workflow/' },
      to: { path: WORKFLOW_FOLDERS, pathNot: SHARED_BY_ALL },
    },
    {
      name: 'emulators-not-to-harness-or-cli',
      severity: 'error',
      comment:
        'local/emulators/ are the emulated AWS APIs, usable on their own (tests, the harness). The harness ' +
        'composes them into a stack and the CLI drives the stack: pointing back up would make them a cycle of rooms.',
      from: { path: '^local/emulators/' },
      to: { path: '^(local/harness|cli)/' },
    },
    {
      name: 'harness-not-to-cli',
      severity: 'error',
      comment: 'local/harness/ (the local stack) is driven by the CLI and by tests; it must not depend on its user interface.',
      from: { path: '^local/harness/' },
      to: { path: '^cli/' },
    },
    {
      name: 'tooling-not-to-local-or-cli',
      severity: 'error',
      comment:
        'tooling/ (the serverless.yml reader, asl-lint) is product tooling: it reads the deployment as written and ' +
        'must not depend on the emulators, the local stack or the CLI that are built on top of it.',
      from: { path: '^tooling/' },
      to: { path: '^(local|cli)/' },
    },
    {
      name: 'only-cli-to-cli',
      severity: 'error',
      comment:
        'cli/ is the user-facing entry point (bin/shepherd.js loads it): nothing below it may depend on it. ' +
        'Tests may (test code may import anything).',
      from: { pathNot: ['^cli/', '^bin/', TEST] },
      to: { path: '^cli/' },
    },
  ],
  options: {
    // Packages are checked for where they come from, not walked into.
    doNotFollow: { path: ['node_modules'] },
    // Recorded fixtures (JSON) and generated output hold no code.
    exclude: { path: ['^test/fixtures/', '^bench/results/'] },
    moduleSystems: ['cjs', 'es6'],
    // TypeScript's resolution, as tsc and the bundler see it.
    tsConfig: { fileName: 'tsconfig.json' },
    // Type-only imports count for the boundaries too (a type from local/ in shared/ couples them just the same);
    // rules that are about runtime (not-to-dev-dep) exclude them explicitly.
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      // The packages' "exports" maps, with the conditions Node and the bundler use, so ESM-only packages resolve.
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    skipAnalysisNotInRules: true,
  },
};
