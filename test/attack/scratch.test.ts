import { PMA, PMAU, entry, start, callNames } from './support';
it('scratch', async () => {
  const stack = await start({ stage: 'example-restricted', world: { partnerCentral: { programManagementAccounts: [{ catalog: 'AWS', id: PMA, displayName: 'Example', revision: '4' }, { catalog: 'Sandbox', id: 'pma-sandbox000001', displayName: 'Sb', revision: '1' }] } } as any });
  await stack.putEvents([entry('platform.catalog', PMAU, { requestId: 'r-pma-arn', catalog: 'Sandbox', identifier: `arn:aws:partnercentral:us-east-1:000000000000:catalog/AWS/program-management-account/${PMA}`, displayName: 'x' })]);
  await stack.settle();
  console.log(JSON.stringify(stack.emitted.map(e => [e['detail-type'], e.detail]), null, 1), callNames(stack));
  await stack.stop();
});
