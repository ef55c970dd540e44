/**
 * The program-management-account workflow: one Partner Central
 * UpdateProgramManagementAccount (workflows/program-management-account.asl.json).
 * Registered in shared/workflows.ts.
 */
import { PUT_EVENTS_ON_BUS, type WorkflowDeployment } from '../workflow/module';

export const programManagementAccountDeployment = {
  name: 'program-management-account',
  requestDetailTypes: ['Program Management Account Update Requested'],
  progressRecord: 'update',
  tasks: [
    {
      key: 'updateProgramManagementAccount',
      handler: 'functions/update-program-management-account.handler',
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
    {
      key: 'emitProgramManagementAccountUpdated',
      handler: 'functions/emit-program-management-account-updated.handler',
      states: ['Emit Account Updated Event'],
      description: 'Emits the Program Management Account Updated event (Task "Emit Account Updated Event").',
      clients: ['eventBridge', 'dynamodb'],
      timeout: 90,
      ledger: true,
      iam: [PUT_EVENTS_ON_BUS],
    },
  ],
} as const satisfies WorkflowDeployment;
