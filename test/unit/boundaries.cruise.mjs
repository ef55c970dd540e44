// Runs dependency-cruiser's API the way `depcruise --config <file>` does, and
// prints the violations as JSON. A separate ESM process because
// dependency-cruiser is ESM-only, which Jest's CommonJS module system cannot
// load. Used by boundaries.test.ts:
//
//   node boundaries.cruise.mjs <config file> <folder>...   (from the folder to cruise)
import { cruise } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

const [configFile, ...folders] = process.argv.slice(2);
const options = await extractDepcruiseOptions(configFile);
const tsConfig = options.tsConfig?.fileName ? extractTSConfig(options.tsConfig.fileName) : undefined;
const { output } = await cruise(folders, options, {}, { tsConfig });
const violations = (typeof output === 'string' ? JSON.parse(output) : output).summary.violations;
process.stdout.write(JSON.stringify(violations.map((v) => ({ rule: v.rule.name, from: v.from, to: v.to }))));
