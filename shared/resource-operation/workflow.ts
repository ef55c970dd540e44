/**
 * The resource-operation workflow: Cloud Control create, update, delete and
 * cancel (workflows/resource-operation.asl.json). What it takes, which Task
 * functions run it and what each may do; registered in shared/workflows.ts.
 */
import { emitTerminalTask, passRoleStatements, reasonOf, requestOf, summaryOf, terminalOf, type WorkflowCancel, type WorkflowModule } from '../workflow/module';
import { authorizeResourceOperation, authorizeResourceOperationFollow, cloudControlAllowlist } from './allowlist';
import { cancelResourceOperation } from './cancel';
import { completionDetail } from './completion';
import { carryDocuments } from './documents';
import { resourceOperationCancelRequested } from './events/resource-operation-cancel-requested';
import { resourceOperationCompleted } from './events/resource-operation-completed';
import { resourceOperationFollowRequested } from './events/resource-operation-follow-requested';
import { resourceOperationRequested } from './events/resource-operation-requested';

export const resourceOperationWorkflow = {
  name: 'resource-operation',
  events: { resourceOperationRequested, resourceOperationFollowRequested, resourceOperationCancelRequested, resourceOperationCompleted },
  requests: [
    requestOf({ contract: resourceOperationRequested, allowlist: cloudControlAllowlist, authorize: authorizeResourceOperation, carry: carryDocuments }),
    requestOf({ contract: resourceOperationFollowRequested, allowlist: cloudControlAllowlist, authorize: authorizeResourceOperationFollow }),
  ],
  terminal: terminalOf({
    contract: resourceOperationCompleted, detail: completionDetail, abortedStatus: 'CANCELLED', hasTimedOut: true,
    outcomeKnownIn: { 'Read Back What The Create Left': undefined, 'Emit Completion Event': undefined },
  }),
  summaries: [
    summaryOf(resourceOperationCompleted, (d) => {
      const target = d.identifier ? `${d.typeName} ${d.identifier}` : d.typeName;
      return `${d.requestId}  ${d.status}  ${d.operation} ${target}  (polls ${d.polls}, attempts ${d.attempts})${reasonOf(d, ' ')}`;
    }),
  ],
  progressRecord: 'operation',
  tasks: [
    {
      key: 'startResourceOperation',
      handler: 'shared/resource-operation/handlers/start-resource-operation.handler',
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
          // ListResourceRequests names the operation that holds a resource when Cloud Control refuses a submission for it.
          Action: [
            'cloudformation:CreateResource', 'cloudformation:UpdateResource', 'cloudformation:DeleteResource', 'cloudformation:GetResourceRequestStatus',
            'cloudformation:GetResource', 'cloudformation:ListResourceRequests',
          ],
          Resource: ['*'],
        },
        // The stage's cloudControl.roleNames, to Cloud Control only (a Deny on all when the stage allows none).
        ...passRoleStatements(cloudControlAllowlist),
      ],
    },
    {
      key: 'checkResourceOperation',
      handler: 'shared/resource-operation/handlers/check-resource-operation.handler',
      states: ['Check Operation Status', 'Follow The Operation'],
      description: 'Polls a Cloud Control request once (Tasks "Check Operation Status" and "Follow The Operation").',
      clients: ['cloudControl'],
      environment: { MAX_ATTEMPTS: '${self:custom.shepherd.maxAttempts}' },
      iam: [{ Effect: 'Allow', Action: ['cloudformation:GetResourceRequestStatus'], Resource: ['*'] }],
    },
    emitTerminalTask({
      key: 'emitResourceOperationCompleted',
      handler: 'shared/resource-operation/handlers/emit-resource-operation-completed.handler',
      state: 'Emit Completion Event',
      detailType: resourceOperationCompleted.detailType,
    }),
  ],
} as const satisfies WorkflowModule;

/**
 * Its cancel request (a request about a running request): kept apart from the declaration, since only the
 * intake handles cancels and the rescue, sweep and redrive bundles read the declarations without this code.
 */
export const resourceOperationCancel = { contract: resourceOperationCancelRequested, handle: cancelResourceOperation } as const satisfies WorkflowCancel;
