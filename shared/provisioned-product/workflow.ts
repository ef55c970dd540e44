/**
 * The provisioned-product-properties workflow: UpdateProvisionedProductProperties
 * followed through its record (workflows/provisioned-product-properties.asl.json).
 * Registered in shared/workflows.ts.
 */
import { emitTerminalTask, passRoleStatements, reasonOf, requestOf, summaryOf, terminalOf, type WorkflowModule } from '../workflow/module';
import { authorizeProvisionedProductRecordFollow, authorizeProvisionedProductUpdate, provisionedProductsAllowlist } from './allowlist';
import { propertiesUpdatedDetail } from './completion';
import { provisionedProductPropertiesUpdateRequested } from './events/provisioned-product-properties-update-requested';
import { provisionedProductPropertiesUpdated } from './events/provisioned-product-properties-updated';
import { provisionedProductRecordFollowRequested } from './events/provisioned-product-record-follow-requested';

export const provisionedProductWorkflow = {
  name: 'provisioned-product-properties',
  events: { provisionedProductPropertiesUpdateRequested, provisionedProductRecordFollowRequested, provisionedProductPropertiesUpdated },
  requests: [
    requestOf({ contract: provisionedProductPropertiesUpdateRequested, allowlist: provisionedProductsAllowlist, authorize: authorizeProvisionedProductUpdate }),
    requestOf({ contract: provisionedProductRecordFollowRequested, allowlist: provisionedProductsAllowlist, authorize: authorizeProvisionedProductRecordFollow }),
  ],
  terminal: terminalOf({
    contract: provisionedProductPropertiesUpdated, detail: propertiesUpdatedDetail, abortedStatus: 'FAILED', hasTimedOut: true,
    outcomeKnownIn: { 'Emit Properties Updated Event': undefined },
  }),
  summaries: [
    summaryOf(provisionedProductPropertiesUpdated, (d) => {
      const applied = Object.entries(d.properties ?? d.requestedProperties ?? {}).map(([k, v]) => `${k}=${String(v)}`).join(' ');
      const kind = d.recordType && d.recordType !== 'UPDATE_PROVISIONED_PRODUCT_PROPERTIES' ? ` ${d.recordType}` : '';
      return `${d.requestId}  ${d.status}  ${d.provisionedProductId}${kind} ${applied}  (record ${d.recordId ?? '-'}, polls ${d.polls})${reasonOf(d)}`;
    }),
  ],
  progressRecord: 'record',
  tasks: [
    {
      key: 'startProvisionedProductUpdate',
      handler: 'shared/provisioned-product/handlers/start-provisioned-product-update.handler',
      states: ['Update Provisioned Product Properties'],
      description: 'Calls UpdateProvisionedProductProperties (Task "Update Provisioned Product Properties").',
      clients: ['serviceCatalog'],
      environment: { OPERATION_TIMEOUT_SECONDS: '${self:custom.shepherd.operationTimeoutSeconds}' },
      iam: [
        // Service Catalog does not scope this action to a provisioned product ARN.
        { Effect: 'Allow', Action: ['servicecatalog:UpdateProvisionedProductProperties'], Resource: ['*'] },
        // A new LAUNCH_ROLE is handed to Service Catalog: the stage's provisionedProducts.launchRoleNames only.
        ...passRoleStatements(provisionedProductsAllowlist),
      ],
    },
    {
      key: 'checkProvisionedProductUpdate',
      handler: 'shared/provisioned-product/handlers/check-provisioned-product-update.handler',
      states: ['Check Record Status', 'Follow The Record'],
      description: 'Reads a record once (Tasks "Check Record Status" and "Follow The Record").',
      clients: ['serviceCatalog'],
      iam: [{ Effect: 'Allow', Action: ['servicecatalog:DescribeRecord'], Resource: ['*'] }],
    },
    emitTerminalTask({
      key: 'emitProvisionedProductUpdated',
      handler: 'shared/provisioned-product/handlers/emit-provisioned-product-updated.handler',
      state: 'Emit Properties Updated Event',
      detailType: provisionedProductPropertiesUpdated.detailType,
    }),
  ],
} as const satisfies WorkflowModule;
