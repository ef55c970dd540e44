'use strict';

/**
 * Gives every function's role the name config/role-names.js rules, within
 * IAM's 64 characters for any stage and region (serverless-iam-roles-per-function
 * reads `iamRoleStatementsName` when it writes the roles, at package:finalize).
 */
const { functionRoleName } = require('../config/role-names');

class RoleNames {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = { 'before:package:initialize': () => this.name() };
  }

  name() {
    const provider = this.serverless.getProvider('aws');
    const service = this.serverless.service.service;
    for (const [key, fn] of Object.entries(this.serverless.service.functions ?? {})) {
      fn.iamRoleStatementsName ??= functionRoleName(service, provider.getStage(), provider.getRegion(), key);
    }
  }
}

module.exports = RoleNames;
