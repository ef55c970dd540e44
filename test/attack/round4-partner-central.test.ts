/**
 * Round 4 — the Partner Central Channel emulator (local/emulators/partner-central.ts): UpdateProgramManagementAccount
 * held to the API reference (seeds/002, UpdateProgramManagementAccount; botocore partnercentral-channel
 * service-2.json) and the AWS managed policy AWSPartnerCentralChannelManagement. Real SDK v3 client.
 *
 * No failures here: every case below passes. What the sources leave open is listed in the round-4 report (an ARN
 * identifier naming another account or Region, an update with neither displayName nor revision).
 */
import { PartnerCentralChannelClient, UpdateProgramManagementAccountCommand } from '@aws-sdk/client-partnercentral-channel';
import { PartnerCentralEmulator } from '../../local/emulators/partner-central';
import { parseWorld } from '../../local/emulators/world';
import { REGION, clientConfig, manualClock, outcome, serve, type Served } from './round4-support';

const PMA = 'pma-abcdefghij123';

let served: Served | undefined;
let client: PartnerCentralChannelClient;

beforeEach(async () => {
  const world = parseWorld({ partnerCentral: { programManagementAccounts: [{ catalog: 'AWS', id: PMA, displayName: 'EMEA', revision: '4' }] } });
  served = await serve({ PartnerCentralChannel: new PartnerCentralEmulator(world, manualClock(), REGION).operations() });
  client = new PartnerCentralChannelClient(clientConfig(served.url));
});

afterEach(async () => {
  client.destroy();
  await served?.stop();
});

const update = (input: Record<string, string>) => outcome(client.send(new UpdateProgramManagementAccountCommand({ catalog: 'AWS', identifier: PMA, ...input } as never)));

// Source: seeds/002 — revision is "The current revision number of the program management account"; ConflictException
// "The request could not be completed due to a conflict with the current state of the resource" with resourceId and
// resourceType (required members in the botocore ConflictException shape); the answer's revision is "The new
// revision number" (UpdateProgramManagementAccountDetail).
it('an update naming the current revision succeeds with a new revision; a stale revision is ConflictException naming the account', async () => {
  const first = await update({ displayName: 'EMEA partners', revision: '4' });
  expect(first.refusal).toBe('no refusal');
  const revision = first.answer!.programManagementAccountDetail!.revision!;
  expect(revision).not.toBe('4');
  const stale = await update({ displayName: 'EMEA again', revision: '4' });
  expect(stale.refusal).toBe('ConflictException');
  expect(stale.error).toMatchObject({ resourceId: PMA, resourceType: expect.any(String) });
});

// Source: AWS managed policy AWSPartnerCentralChannelManagement (docs.aws.amazon.com/aws-managed-policy/latest/
// reference/AWSPartnerCentralChannelManagement.html): partnercentral:UpdateProgramManagementAccount allowed with
// Condition StringEquals partnercentral:Catalog ["AWS", "Sandbox"]; the channel sandbox guide uses catalog Sandbox.
// A catalog matching the pattern [a-zA-Z]* but naming no catalog is refused (the exception name is not documented).
it('a catalog other than AWS or Sandbox is refused', async () => {
  const answer = await outcome(client.send(new UpdateProgramManagementAccountCommand({ catalog: 'Marketplace', identifier: PMA, displayName: 'x' })));
  expect(answer.refusal).not.toBe('no refusal');
});

// Source: seeds/002 — identifier pattern
// (arn:[a-z-]+:partnercentral:[a-z0-9-]+:[0-9]{12}:catalog/[a-zA-Z]+/program-management-account/)?pma-[a-z0-9]{13}:
// the account may be named by its id or its ARN.
it('the identifier may be the ARN of the account', async () => {
  const arn = `arn:aws:partnercentral:${REGION}:000000000000:catalog/AWS/program-management-account/${PMA}`;
  const answer = await outcome(client.send(new UpdateProgramManagementAccountCommand({ catalog: 'AWS', identifier: arn, displayName: 'By ARN' })));
  expect(answer.refusal).toBe('no refusal');
  expect(answer.answer?.programManagementAccountDetail).toMatchObject({ id: PMA, displayName: 'By ARN' });
});
