'use strict';

/**
 * The name of each function's own IAM role, used by the packaging (the
 * .serverless_plugins/role-names.js plugin sets it for
 * serverless-iam-roles-per-function) and by the local stack (the identity a
 * function's calls are made as): one rule, in one place.
 *
 * IAM allows 64 characters. The plugin's own rule,
 * `<service>-<stage>-<function>-<region>-lambdaRole`, passes that as soon as
 * stage and region are longer than a few letters (`--stage production
 * --region ap-southeast-2` fails to package). Here the region is written as
 * a short code (us-east-1 → use1, ap-southeast-2 → apse2) and a name that
 * would still be too long keeps a hash of the whole. Every name starts with
 * `<service>-<stage>-`: the key policy names the stack's roles by that prefix.
 */
const { createHash } = require('node:crypto');

const MAX_ROLE_NAME = 64;
const DIRECTIONS = { north: 'n', south: 's', east: 'e', west: 'w', central: 'c', northeast: 'ne', northwest: 'nw', southeast: 'se', southwest: 'sw' };

/** us-east-1 → use1, eu-central-1 → euc1, ap-southeast-2 → apse2, us-gov-west-1 → usgovw1. */
function regionCode(region) {
  const parts = region.split('-');
  const number = parts.pop();
  const [area, ...words] = parts;
  return `${area}${words.map((w) => DIRECTIONS[w] ?? w).join('')}${number}`;
}

function functionRoleName(service, stage, region, functionKey) {
  const code = regionCode(region);
  const full = `${service}-${stage}-${functionKey}-${code}`;
  if (full.length <= MAX_ROLE_NAME) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 6);
  const room = MAX_ROLE_NAME - `${service}-${stage}--${hash}-${code}`.length;
  if (room < 8) {
    throw new Error(`stage "${stage}" leaves too little room in IAM role names (${MAX_ROLE_NAME} characters) in ${region}: use a stage name of at most ${stage.length + room - 8} characters`);
  }
  return `${service}-${stage}-${functionKey.slice(0, room)}-${hash}-${code}`;
}

/** The logical id serverless-iam-roles-per-function gives a function's role (serverless' normalized function name + IamRoleLambdaExecution). */
function roleLogicalId(functionKey) {
  const normalized = functionKey.charAt(0).toUpperCase() + functionKey.slice(1);
  return `${normalized.replace(/-/g, 'Dash').replace(/_/g, 'Underscore')}IamRoleLambdaExecution`;
}

module.exports = { functionRoleName, regionCode, roleLogicalId, MAX_ROLE_NAME };
