'use strict';

/**
 * serverless-iam-roles-per-function gives every function its own role, but
 * serverless still writes its shared default role (IamRoleLambdaExecution),
 * with permissions nobody uses. A role nobody assumes is still a role that
 * could be: this drops it from the template when nothing refers to it.
 */
class DropUnusedDefaultRole {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = { 'before:package:finalize': () => this.drop() };
  }

  drop() {
    const template = this.serverless.service.provider.compiledCloudFormationTemplate;
    const { IamRoleLambdaExecution: role, ...others } = template.Resources;
    if (!role) return;
    const used = JSON.stringify({ ...template, Resources: others }).match(/"IamRoleLambdaExecution"/);
    if (!used) delete template.Resources.IamRoleLambdaExecution;
  }
}

module.exports = DropUnusedDefaultRole;
