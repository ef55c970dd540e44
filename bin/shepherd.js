#!/usr/bin/env node
// Runs the TypeScript CLI through tsx. `npx shepherd` puts the project's own
// Node 22 (the `node` devDependency) first on PATH, which the local
// Step Functions interpreter needs.
'use strict';
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  process.stderr.write(`shepherd needs Node 22 or later (this is ${process.version}); run it as "npx shepherd" from the project so its own Node 22 is used.\n`);
  process.exit(2);
}
require('tsx/cjs/api').register();
require('../cli/cli.ts').main();
