/**
 * The spoke role: what Shepherd may do in another account, derived from the
 * Task functions that act there (their `spoke` actions, shared/<workflow>/workflow.ts).
 * One definition writes the role's CloudFormation template
 * (spoke/shepherd-spoke-role.json, for StackSets: tooling/spoke-template.ts),
 * the statements that let those functions assume it (config/stage.js), and
 * the role the local stack's accounts hold by default.
 *
 * The trust names Shepherd's account and requires both the stage's
 * ExternalId and one of the calling functions' roles (aws:PrincipalArn), not
 * the roles themselves as principals: a role principal is stored by its
 * unique id and would stop matching once the stack recreates that role.
 * No Lambda function imports this module.
 */
import { WORKFLOWS } from '../workflows';

/** A policy statement: values may be plain or CloudFormation intrinsics (the template's parameters). */
export interface SpokeStatement {
  Effect: 'Allow' | 'Deny';
  Principal?: { AWS: unknown };
  Action: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

/** The Task functions that act in other accounts, by key. */
export function spokeCallers(): string[] {
  return WORKFLOWS.flatMap((workflow) => workflow.tasks as ReadonlyArray<{ key: string; spoke?: readonly string[] }>)
    .filter((task) => (task.spoke ?? []).length > 0)
    .map((task) => task.key);
}

/** Every action some function calls as the spoke role, once each, sorted. */
export function spokeActions(): string[] {
  const actions = WORKFLOWS.flatMap((workflow) => (workflow.tasks as ReadonlyArray<{ spoke?: readonly string[] }>).flatMap((task) => task.spoke ?? []));
  return [...new Set(actions)].sort();
}

/**
 * The statement that lets a function that acts in other accounts assume the stage's spoke role there (config/stage.js
 * writes it as `assumeSpoke`): that role name in any account (which accounts is the workflows' allowlists' to say,
 * and the spoke role's trust's), or a Deny on all when the stage names no spoke role.
 */
export function assumeSpokeStatement(spoke: { roleName: string } | undefined): Record<string, unknown> {
  if (!spoke) return { Effect: 'Deny', Action: ['sts:AssumeRole'], Resource: ['*'] };
  return { Effect: 'Allow', Action: ['sts:AssumeRole'], Resource: [{ 'Fn::Sub': `arn:\${AWS::Partition}:iam::*:role/${spoke.roleName}` }] };
}

/** What the spoke role is: who may assume it, and what its sessions may do. */
export function spokeRole(p: { partition: unknown; hubAccountId: unknown; externalId: unknown; trustedRoleArns: unknown }): { trust: SpokeStatement[]; permissions: SpokeStatement[] } {
  const hubRoot = typeof p.partition === 'string' && typeof p.hubAccountId === 'string' ? `arn:${p.partition}:iam::${p.hubAccountId}:root` : { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${HubAccountId}:root' };
  return {
    trust: [
      {
        Effect: 'Allow',
        Principal: { AWS: hubRoot },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:ExternalId': p.externalId }, ArnEquals: { 'aws:PrincipalArn': p.trustedRoleArns } },
      },
    ],
    // Service Catalog's recipient-side calls (Accept/Reject/ListAcceptedPortfolioShares) act on a portfolio another
    // account owns; no resource-level form of them is documented that would name it from here, so `*`.
    permissions: spokeActions().length ? [{ Effect: 'Allow', Action: spokeActions(), Resource: '*' }] : [],
  };
}
