/** `npm run schemas`: regenerates schemas/*.json from the contracts (a test fails when they drift). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { allJsonSchemas } from './json-schemas';

const dir = join(__dirname, '..', '..', 'schemas');
mkdirSync(dir, { recursive: true });
for (const [file, schema] of Object.entries(allJsonSchemas())) {
  writeFileSync(join(dir, file), `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`schemas/${file}`);
}
