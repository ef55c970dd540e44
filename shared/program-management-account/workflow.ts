/**
 * The program-management-account workflow: one Partner Central
 * UpdateProgramManagementAccount (workflows/program-management-account.asl.json).
 * Registered in shared/workflows.ts.
 */
import { emitTerminalTask, reasonOf, requestOf, summaryOf, terminalOf, type WorkflowModule } from '../workflow/module';
import { partnerCentralAllowlist, authorizeProgramManagementAccountUpdate } from './allowlist';
import { programManagementAccountUpdateRequested } from './events/program-management-account-update-requested';
import { programManagementAccountUpdated } from './events/program-management-account-updated';
import { accountUpdatedDetail } from './update';

export const programManagementAccountWorkflow = {
  name: 'program-management-account',
  events: { programManagementAccountUpdateRequested, programManagementAccountUpdated },
  requests: [requestOf({ contract: programManagementAccountUpdateRequested, allowlist: partnerCentralAllowlist, authorize: authorizeProgramManagementAccountUpdate })],
  terminal: terminalOf({
    contract: programManagementAccountUpdated, detail: accountUpdatedDetail, abortedStatus: 'FAILED', hasTimedOut: false,
    outcomeKnownIn: { 'Emit Account Updated Event': undefined },
  }),
  summaries: [
    summaryOf(programManagementAccountUpdated, (d) => {
      const account = d.programManagementAccount ? `${d.programManagementAccount.displayName} (revision ${d.programManagementAccount.revision})` : '';
      return `${d.requestId}  ${d.status}  ${d.identifier} ${account}${reasonOf(d)}`;
    }),
  ],
  progressRecord: 'update',
  tasks: [
    {
      key: 'updateProgramManagementAccount',
      handler: 'shared/program-management-account/handlers/update-program-management-account.handler',
      states: ['Update Program Management Account'],
      description: 'Calls UpdateProgramManagementAccount (Task "Update Program Management Account").',
      clients: ['partnerCentral', 'dynamodb'],
      // The ledger: this function's side effects happen once.
      ledger: true,
      iam: [
        {
          Effect: 'Allow',
          Action: ['partnercentral:UpdateProgramManagementAccount'],
          Resource: [{ 'Fn::Sub': 'arn:${AWS::Partition}:partnercentral:*:${AWS::AccountId}:catalog/*/program-management-account/*' }],
        },
      ],
    },
    emitTerminalTask({
      key: 'emitProgramManagementAccountUpdated',
      handler: 'shared/program-management-account/handlers/emit-program-management-account-updated.handler',
      state: 'Emit Account Updated Event',
      detailType: programManagementAccountUpdated.detailType,
    }),
  ],
} as const satisfies WorkflowModule;
