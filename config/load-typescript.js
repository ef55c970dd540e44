'use strict';

/**
 * Loads one of Shepherd's TypeScript modules from the CommonJS files
 * serverless requires (config/stage.js, config/workflows.js, the deploy
 * plugin): through the running loader when it takes TypeScript (jest, tsx),
 * otherwise through tsx.
 */
function loadTypeScript(path) {
  try {
    // jest and tsx load TypeScript themselves; Node 22 strips types but cannot resolve extensionless imports.
    return require(path);
  } catch (error) {
    if (!/Unexpected token|Cannot use import|ERR_UNKNOWN_FILE_EXTENSION|ERR_MODULE_NOT_FOUND|ERR_REQUIRE_ESM|Unknown file extension|ERR_IMPORT_ATTRIBUTE/.test(`${error.code} ${error.message}`)) throw error;
    return require('tsx/cjs/api').require(path, __filename);
  }
}

module.exports = { loadTypeScript };
