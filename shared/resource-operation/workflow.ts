/**
 * The resource-operation workflow: Cloud Control create, update, delete and
 * cancel (workflows/resource-operation.asl.json). What it takes, which Task
 * functions run it and what each may do; registered in shared/workflows.ts.
 */
import { PUT_EVENTS_ON_BUS, passRoleStatements, type WorkflowDeployment } from '../workflow/module';

export const resourceOperationDeployment = {
  name: 'resource-operation',
  requestDetailTypes: ['Resource Operation Requested', 'Resource Operation Cancel Requested'],
  progressRecord: 'operation',
  tasks: [
    {
      key: 'startResourceOperation',
      handler: 'functions/start-resource-operation.handler',
      states: ['Submit To Cloud Control', 'Read Back What The Create Left'],
      description: 'Submits a resource operation to Cloud Control (Task "Submit To Cloud Control").',
      clients: ['cloudControl', 'dynamodb'],
      environment: {
        OPERATION_TIMEOUT_SECONDS: '${self:custom.shepherd.operationTimeoutSeconds}',
        MAX_ATTEMPTS: '${self:custom.shepherd.maxAttempts}',
      },
      // The request's desired state or patch document, stored aside by ingest (shared/runtime/documents.ts),
      // and each attempt's read-back of a failed CREATE, made once (the ledger's `once`).
      ledger: true,
      iam: [
        {
          // GetResourceRequestStatus follows the operation a reused ClientToken names; GetResource reads what a
          // failed CREATE left before it is sent again. Cloud Control actions support no resource-level permissions.
          Effect: 'Allow',
          Action: ['cloudformation:CreateResource', 'cloudformation:UpdateResource', 'cloudformation:DeleteResource', 'cloudformation:GetResourceRequestStatus', 'cloudformation:GetResource'],
          Resource: ['*'],
        },
        // The stage's cloudControl.roleNames, to Cloud Control only (a Deny on all when the stage allows none).
        ...passRoleStatements('cloudControl'),
      ],
    },
    {
      key: 'checkResourceOperation',
      handler: 'functions/check-resource-operation.handler',
      states: ['Check Operation Status'],
      description: 'Polls a Cloud Control request once (Task "Check Operation Status").',
      clients: ['cloudControl'],
      environment: { MAX_ATTEMPTS: '${self:custom.shepherd.maxAttempts}' },
      iam: [{ Effect: 'Allow', Action: ['cloudformation:GetResourceRequestStatus'], Resource: ['*'] }],
    },
    {
      key: 'emitResourceOperationCompleted',
      handler: 'functions/emit-resource-operation-completed.handler',
      states: ['Emit Completion Event'],
      description: 'Emits the Resource Operation Completed event (Task "Emit Completion Event").',
      clients: ['eventBridge', 'dynamodb'],
      timeout: 90,
      // The ledger: this function's side effects happen once.
      ledger: true,
      iam: [PUT_EVENTS_ON_BUS],
    },
  ],
} as const satisfies WorkflowDeployment;
