/**
 * The organizations-access workflow: Service Catalog's access to AWS
 * Organizations enabled or disabled (workflows/organizations-access.asl.json).
 * Registered in shared/workflows.ts.
 */
import { emitTerminalTask, reasonOf, requestOf, summaryOf, terminalOf, type WorkflowModule } from '../workflow/module';
import { organizationsAccessAllowlist, authorizeOrganizationsAccessChange } from './allowlist';
import { accessChangedDetail } from './completion';
import { organizationsAccessChangeRequested } from './events/organizations-access-change-requested';
import { organizationsAccessChanged } from './events/organizations-access-changed';

export const organizationsAccessWorkflow = {
  name: 'organizations-access',
  events: { organizationsAccessChangeRequested, organizationsAccessChanged },
  requests: [requestOf({ contract: organizationsAccessChangeRequested, allowlist: organizationsAccessAllowlist, authorize: authorizeOrganizationsAccessChange })],
  terminal: terminalOf({
    contract: organizationsAccessChanged, detail: accessChangedDetail, abortedStatus: 'FAILED', hasTimedOut: true,
    outcomeKnownIn: { 'Emit Access Changed Event': undefined },
  }),
  summaries: [
    summaryOf(organizationsAccessChanged, (d) => `${d.requestId}  ${d.status}  ${d.enable ? 'enable' : 'disable'} → ${d.accessStatus ?? '?'}  (polls ${d.polls})${reasonOf(d, ' ')}`),
  ],
  progressRecord: 'access',
  tasks: [
    {
      key: 'requestOrganizationsAccessChange',
      handler: 'shared/organizations-access/handlers/request-organizations-access-change.handler',
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
      handler: 'shared/organizations-access/handlers/check-organizations-access.handler',
      states: ['Check Access Status'],
      description: 'Reads the Organizations access status once (Task "Check Access Status").',
      clients: ['serviceCatalog', 'dynamodb'],
      // The ledger: which change was started last, when access settled the other way.
      ledger: true,
      iam: [{ Effect: 'Allow', Action: ['servicecatalog:GetAWSOrganizationsAccessStatus'], Resource: ['*'] }],
    },
    emitTerminalTask({
      key: 'emitOrganizationsAccessChanged',
      handler: 'shared/organizations-access/handlers/emit-organizations-access-changed.handler',
      state: 'Emit Access Changed Event',
      detailType: organizationsAccessChanged.detailType,
    }),
  ],
} as const satisfies WorkflowModule;
