/**
 * The organizations-access workflow: Service Catalog's access to AWS
 * Organizations enabled or disabled (workflows/organizations-access.asl.json).
 * Registered in shared/workflows.ts.
 */
import { PUT_EVENTS_ON_BUS, type WorkflowDeployment } from '../workflow/module';

export const organizationsAccessDeployment = {
  name: 'organizations-access',
  requestDetailTypes: ['Organizations Access Change Requested'],
  progressRecord: 'access',
  tasks: [
    {
      key: 'requestOrganizationsAccessChange',
      handler: 'functions/request-organizations-access-change.handler',
      states: ['Request Access Change'],
      description: 'Enables or disables Organizations access for Service Catalog (Task "Request Access Change").',
      clients: ['serviceCatalog', 'dynamodb'],
      environment: { OPERATION_TIMEOUT_SECONDS: '${self:custom.shepherd.operationTimeoutSeconds}' },
      // The ledger: this function's side effects happen once.
      ledger: true,
      iam: [
        { Effect: 'Allow', Action: ['servicecatalog:EnableAWSOrganizationsAccess', 'servicecatalog:DisableAWSOrganizationsAccess'], Resource: ['*'] },
        {
          // Service Catalog calls these on the caller's behalf (forward access), for its own service principal only.
          Effect: 'Allow',
          Action: ['organizations:EnableAWSServiceAccess', 'organizations:DisableAWSServiceAccess'],
          Resource: ['*'],
          Condition: { StringEquals: { 'organizations:ServicePrincipal': 'servicecatalog.amazonaws.com' } },
        },
      ],
    },
    {
      key: 'checkOrganizationsAccess',
      handler: 'functions/check-organizations-access.handler',
      states: ['Check Access Status'],
      description: 'Reads the Organizations access status once (Task "Check Access Status").',
      clients: ['serviceCatalog', 'dynamodb'],
      // The ledger: which change was started last, when access settled the other way.
      ledger: true,
      iam: [{ Effect: 'Allow', Action: ['servicecatalog:GetAWSOrganizationsAccessStatus'], Resource: ['*'] }],
    },
    {
      key: 'emitOrganizationsAccessChanged',
      handler: 'functions/emit-organizations-access-changed.handler',
      states: ['Emit Access Changed Event'],
      description: 'Emits the Organizations Access Changed event (Task "Emit Access Changed Event").',
      clients: ['eventBridge', 'dynamodb'],
      timeout: 90,
      ledger: true,
      iam: [PUT_EVENTS_ON_BUS],
    },
  ],
} as const satisfies WorkflowDeployment;
