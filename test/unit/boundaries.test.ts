/**
 * The import boundaries (.dependency-cruiser.cjs, run by `npm run lint`) can
 * fail: the project's own rule set, cruised over a small project in a temp
 * folder that breaks each rule once, reports exactly those imports — and none
 * of the imports the rules allow. A rule whose path no longer matches (a typo,
 * a renamed folder) would report nothing here and fail this test.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const ROOT = join(__dirname, '..', '..');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the rule set as the CLI reads it (CommonJS)
const RULES = (require(CONFIG) as { forbidden: { name: string }[] }).forbidden.map((rule) => rule.name);

// The five workflows' folders, and one the rule has never heard of: the rule must cover any folder under shared/.
const WORKFLOWS = ['resource-operation', 'portfolio-share', 'organizations-access', 'provisioned-product', 'program-management-account', 'a-workflow-added-later'];

/** file → the modules it imports (`type:` marks a type-only import). */
const project: Record<string, string[]> = {
  // Allowed: each layer importing what sits below it.
  'functions/ok.ts': ['../shared/ok', 'prod-pkg'],
  'shared/ok.ts': ['./workflow/ok', 'prod-pkg', 'type:dev-pkg'],
  'shared/workflow/ok.ts': [],
  'shared/portfolio-share/ok.ts': ['../workflow/ok'],
  // A workflow's Task handlers live in its folder, on top of its domain code.
  'shared/portfolio-share/handlers/ok.ts': ['../ok', '../../workflow/ok'],
  'local/emulators/ok.ts': ['../../shared/ok'],
  'local/harness/ok.ts': ['../emulators/ok', '../../shared/ok', '../../tooling/ok'],
  'tooling/ok.ts': ['../shared/ok', 'dev-pkg'],
  'cli/ok.ts': ['../local/harness/ok', '../tooling/ok', 'dev-pkg'],
  'bin/ok.js': ['../cli/ok'],
  'bench/ok.ts': ['../local/harness/ok', '../functions/ok'],
  // Test code may import anything (but an import must still resolve).
  'test/ok.test.ts': ['../cli/ok', '../local/harness/ok', '../tooling/ok', '../functions/ok', '../bench/ok', 'dev-pkg', 'unlisted-pkg'],

  // Broken, once per rule (and per forbidden folder).
  'shared/cycle-a.ts': ['./cycle-b'],
  'shared/cycle-b.ts': ['./cycle-a'],
  'shared/to-local.ts': ['../local/emulators/ok'],
  'shared/to-tooling.ts': ['../tooling/ok'],
  'functions/to-cli.ts': ['../cli/ok'],
  'functions/to-test.ts': ['../test/ok.test'],
  'shared/to-bench.ts': ['type:../bench/ok'],
  'shared/to-function.ts': ['../functions/ok'],
  'functions/to-function.ts': ['./ok'],
  'shared/portfolio-share/to-handler.ts': ['./handlers/ok'],
  'shared/portfolio-share/handlers/to-handler.ts': ['./ok'],
  'shared/to-dev-dep.ts': ['dev-pkg'],
  'functions/to-unlisted.ts': ['unlisted-pkg'],
  'tooling/to-missing.ts': ['./missing'],
  ...Object.fromEntries(WORKFLOWS.map((workflow) => [`shared/workflow/to-${workflow}.ts`, [`../${workflow}/x`]])),
  ...Object.fromEntries(WORKFLOWS.map((workflow) => [`shared/${workflow}/x.ts`, []])),
  'local/emulators/to-harness.ts': ['../harness/ok'],
  'local/emulators/to-cli.ts': ['../../cli/ok'],
  'local/harness/to-cli.ts': ['../../cli/ok'],
  'tooling/to-local.ts': ['../local/emulators/ok'],
  'tooling/to-cli.ts': ['../cli/ok'],
  'bench/to-cli.ts': ['../cli/ok'],
};

/** [rule, from, to]: every violation the cruise must report, and nothing else. */
const expected: [string, string, string][] = [
  ['no-circular', 'shared/cycle-a.ts', 'shared/cycle-b.ts'], // a cycle is reported once
  ['product-not-to-dev-code', 'shared/to-local.ts', 'local/emulators/ok.ts'],
  ['product-not-to-dev-code', 'shared/to-tooling.ts', 'tooling/ok.ts'],
  ['product-not-to-dev-code', 'functions/to-cli.ts', 'cli/ok.ts'],
  ['product-not-to-dev-code', 'functions/to-test.ts', 'test/ok.test.ts'],
  ['product-not-to-dev-code', 'shared/to-bench.ts', 'bench/ok.ts'],
  ['shared-not-to-functions', 'shared/to-function.ts', 'functions/ok.ts'],
  ['function-not-to-function', 'functions/to-function.ts', 'functions/ok.ts'],
  ['shared-not-to-functions', 'shared/portfolio-share/to-handler.ts', 'shared/portfolio-share/handlers/ok.ts'],
  ['function-not-to-function', 'shared/portfolio-share/handlers/to-handler.ts', 'shared/portfolio-share/handlers/ok.ts'],
  ['not-to-dev-dep', 'shared/to-dev-dep.ts', 'node_modules/dev-pkg/index.js'],
  ['no-non-package-json', 'functions/to-unlisted.ts', 'node_modules/unlisted-pkg/index.js'],
  ['not-to-unresolvable', 'tooling/to-missing.ts', './missing'],
  ...WORKFLOWS.map((workflow): [string, string, string] => ['workflow-core-not-to-workflows', `shared/workflow/to-${workflow}.ts`, `shared/${workflow}/x.ts`]),
  ['emulators-not-to-harness-or-cli', 'local/emulators/to-harness.ts', 'local/harness/ok.ts'],
  ['emulators-not-to-harness-or-cli', 'local/emulators/to-cli.ts', 'cli/ok.ts'],
  ['harness-not-to-cli', 'local/harness/to-cli.ts', 'cli/ok.ts'],
  ['tooling-not-to-local-or-cli', 'tooling/to-local.ts', 'local/emulators/ok.ts'],
  ['tooling-not-to-local-or-cli', 'tooling/to-cli.ts', 'cli/ok.ts'],
  ['only-cli-to-cli', 'functions/to-cli.ts', 'cli/ok.ts'],
  ['only-cli-to-cli', 'local/emulators/to-cli.ts', 'cli/ok.ts'],
  ['only-cli-to-cli', 'local/harness/to-cli.ts', 'cli/ok.ts'],
  ['only-cli-to-cli', 'tooling/to-cli.ts', 'cli/ok.ts'],
  ['only-cli-to-cli', 'bench/to-cli.ts', 'cli/ok.ts'],
];

function write(dir: string, file: string, text: string) {
  mkdirSync(dirname(join(dir, file)), { recursive: true });
  writeFileSync(join(dir, file), text);
}

function importLine(file: string, target: string, index: number): string {
  const typeOnly = target.startsWith('type:');
  const specifier = typeOnly ? target.slice('type:'.length) : target;
  if (file.endsWith('.js')) return `require('${specifier}.ts');`;
  return typeOnly ? `import type * as m${index} from '${specifier}';` : `import '${specifier}';`;
}

let dir: string;
let violations: { rule: string; from: string; to: string }[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'shepherd-boundaries-'));
  write(dir, 'package.json', JSON.stringify({ name: 'fixture', private: true, dependencies: { 'prod-pkg': '1.0.0' }, devDependencies: { 'dev-pkg': '1.0.0' } }));
  write(dir, 'tsconfig.json', JSON.stringify({ compilerOptions: { module: 'preserve', moduleResolution: 'bundler', strict: true, noEmit: true } }));
  for (const pkg of ['prod-pkg', 'dev-pkg', 'unlisted-pkg']) {
    write(dir, `node_modules/${pkg}/package.json`, JSON.stringify({ name: pkg, version: '1.0.0', main: 'index.js' }));
    write(dir, `node_modules/${pkg}/index.js`, 'module.exports = {};\n');
  }
  for (const [file, imports] of Object.entries(project)) {
    const lines = imports.map((target, index) => importLine(file, target, index));
    write(dir, file, `${[...lines, ...(file.endsWith('.ts') ? ['export {};'] : [])].join('\n')}\n`);
  }
  const { stdout } = await promisify(execFile)(process.execPath, [join(__dirname, 'boundaries.cruise.mjs'), CONFIG, 'functions', 'shared', 'local', 'tooling', 'cli', 'bin', 'bench', 'test'], { cwd: dir, timeout: 30_000 });
  violations = JSON.parse(stdout);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('reports exactly the imports that break a rule', () => {
  const key = ([rule, from, to]: [string, string, string]) => `${rule}: ${from} → ${to}`;
  expect(violations.map((v) => key([v.rule, v.from, v.to])).sort()).toEqual(expected.map(key).sort());
});

it.each(RULES)('%s can fail', (rule) => {
  expect(violations.some((v) => v.rule === rule)).toBe(true);
});
