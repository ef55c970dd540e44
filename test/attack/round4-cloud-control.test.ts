/**
 * Round 4 — the Cloud Control emulator (local/emulators/cloud-control.ts) held to AWS's behaviour: the API
 * reference (botocore cloudcontrol service-2.json documentation) and LocalStack's AWS-recorded snapshots
 * (localstack/localstack tests/aws/services/cloudcontrol/test_cloudcontrol_api.py + .snapshot.json, marked
 * @markers.aws.validated: the answers were recorded against AWS in 2023). Called through the real SDK v3 client.
 *
 * FOUND by this round and FIXED in local/emulators/cloud-control.ts and shared/resource-operation/cancel.ts (each case below passes now):
 * - "CancelResourceRequest of a request that ended SUCCESS": AWS answers ValidationException "Request <token> is
 *   already in status SUCCESS" (snapshot test_cancel_edge_cases); the emulator answers
 *   ConcurrentModificationException (cloud-control.ts cancel(), "is ${status} and cannot be canceled").
 * - "CancelResourceRequest again after CANCEL_COMPLETE": AWS answers 200 with the request's ProgressEvent,
 *   OperationStatus CANCEL_COMPLETE (snapshot test_cancel_request, cancel_again_response; the test's own note:
 *   "cancel_resource_request is 'idempotent' and will not fail when it has already been canceled"); the emulator
 *   throws ConcurrentModificationException for every status but PENDING/IN_PROGRESS (cancel()).
 * - "UpdateResource of an identifier that does not exist": AWS refuses the call with ResourceNotFoundException
 *   (test_api_exceptions: pytest.raises(ResourceNotFoundException) on update_resource of a nonexistent bucket,
 *   run against AWS); the emulator accepts it and ends the request FAILED NotFound later (submit(), the
 *   `!current` branch).
 * - "GetResource / DeleteResource with the primary identifier written as JSON": the API reference (Identifier):
 *   "Primary identifiers can be specified as a string or JSON". The emulator looks the Identifier up verbatim
 *   (getResource() and submit() use `input.Identifier` as the store key), so `{"Name":"w1"}` is not found.
 */
import {
  CancelResourceRequestCommand,
  CloudControlClient,
  CreateResourceCommand,
  DeleteResourceCommand,
  GetResourceCommand,
  GetResourceRequestStatusCommand,
  UpdateResourceCommand,
} from '@aws-sdk/client-cloudcontrol';
import { CloudControlEmulator } from '../../local/emulators/cloud-control';
import { parseWorld } from '../../local/emulators/world';
import { ACCOUNT, clientConfig, manualClock, outcome, serve, type ManualClock, type Served } from './round4-support';

const WIDGET = 'Test::Thing::Widget';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/cc-admin`;

let served: Served | undefined;
let clock: ManualClock;
let emulator: CloudControlEmulator;
let client: CloudControlClient;

async function start(behaviour: Record<string, unknown> = {}, cloudControl: Record<string, unknown> = {}): Promise<void> {
  clock = manualClock();
  const world = parseWorld({
    cloudControl: {
      resourceTypes: { [WIDGET]: { primaryIdentifier: 'Name', pendingSeconds: 1, durationSeconds: 10, retryAfterSeconds: 5, cancelSeconds: 2, ...behaviour } },
      ...cloudControl,
    },
  });
  let n = 0;
  emulator = new CloudControlEmulator(world, clock, () => ((n = (n * 9301 + 49297) % 233280), n / 233280), {
    accountId: ACCOUNT,
    // The caller may pass any role to Cloud Control; the role may manage every type.
    identify: () => ({ principalArn: `arn:aws:iam::${ACCOUNT}:role/caller`, account: ACCOUNT, policy: [{ Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' }] as never }),
    roles: { 'cc-admin': { manages: ['*'] } },
  });
  served = await serve({ CloudApiService: emulator.operations() });
  client = new CloudControlClient(clientConfig(served.url));
}

afterEach(async () => {
  client?.destroy();
  await served?.stop();
  served = undefined;
});

const create = (name: string, token?: string) =>
  client.send(new CreateResourceCommand({ TypeName: WIDGET, RoleArn: ROLE, DesiredState: JSON.stringify({ Name: name, Size: 1 }), ClientToken: token }));
const status = async (requestToken: string) => (await client.send(new GetResourceRequestStatusCommand({ RequestToken: requestToken }))).ProgressEvent!;

describe('CancelResourceRequest', () => {
  // Source: API reference — "Only resource operations requests with a status of PENDING or IN_PROGRESS can be
  // canceled."; LocalStack AWS snapshot test_cancel_request (CANCEL_IN_PROGRESS or CANCEL_COMPLETE after the cancel).
  it('of an IN_PROGRESS request: CANCEL_IN_PROGRESS, then CANCEL_COMPLETE', async () => {
    await start();
    const token = (await create('w1')).ProgressEvent!.RequestToken!;
    clock.advance(3);
    const cancel = await client.send(new CancelResourceRequestCommand({ RequestToken: token }));
    expect(['CANCEL_IN_PROGRESS', 'CANCEL_COMPLETE']).toContain(cancel.ProgressEvent!.OperationStatus);
    clock.advance(10);
    expect((await status(token)).OperationStatus).toBe('CANCEL_COMPLETE');
  });

  // Source: LocalStack AWS snapshot test_cancel_edge_cases — cancel_in_success_exc: ValidationException,
  // "Request <request-token:1> is already in status SUCCESS", HTTP 400.
  it('of a request that ended SUCCESS is refused with ValidationException "already in status SUCCESS"', async () => {
    await start();
    const token = (await create('w1')).ProgressEvent!.RequestToken!;
    clock.advance(30);
    expect((await status(token)).OperationStatus).toBe('SUCCESS');
    const cancel = await outcome(client.send(new CancelResourceRequestCommand({ RequestToken: token })));
    expect(cancel.refusal).toBe('ValidationException');
    expect(cancel.message).toBe(`Request ${token} is already in status SUCCESS`);
  });

  // Source: LocalStack AWS snapshot test_cancel_request — cancel_again_response: HTTP 200, ProgressEvent with
  // OperationStatus CANCEL_COMPLETE ("cancel_resource_request is 'idempotent' and will not fail when it has already
  // been canceled").
  it('again after CANCEL_COMPLETE answers 200 with the CANCEL_COMPLETE progress event', async () => {
    await start();
    const token = (await create('w1')).ProgressEvent!.RequestToken!;
    clock.advance(3);
    await client.send(new CancelResourceRequestCommand({ RequestToken: token }));
    clock.advance(10);
    expect((await status(token)).OperationStatus).toBe('CANCEL_COMPLETE');
    const again = await outcome(client.send(new CancelResourceRequestCommand({ RequestToken: token })));
    expect(again.refusal).toBe('no refusal');
    expect(again.answer?.ProgressEvent).toMatchObject({ RequestToken: token, OperationStatus: 'CANCEL_COMPLETE' });
  });
});

describe('resource operations on identifiers', () => {
  // Source: LocalStack test_api_exceptions (run against AWS): update_resource of a nonexistent AWS::S3::Bucket raises
  // ResourceNotFoundException at the call (pytest.raises), while delete_resource of one is accepted (snapshot
  // delete_nonexistingresource: HTTP 200, OperationStatus IN_PROGRESS).
  it('UpdateResource of an identifier that does not exist is refused with ResourceNotFoundException', async () => {
    await start();
    const update = await outcome(
      client.send(new UpdateResourceCommand({ TypeName: WIDGET, RoleArn: ROLE, Identifier: 'ghost', PatchDocument: JSON.stringify([{ op: 'replace', path: '/Size', value: 2 }]) })),
    );
    expect(update.refusal).toBe('ResourceNotFoundException');
    expect(emulator.submissions).toHaveLength(0);
  });

  it('DeleteResource of an identifier that does not exist is accepted (the failure shows in the request status)', async () => {
    await start();
    const del = await outcome(client.send(new DeleteResourceCommand({ TypeName: WIDGET, RoleArn: ROLE, Identifier: 'ghost' })));
    expect(del.refusal).toBe('no refusal');
    expect(del.answer?.ProgressEvent?.Operation).toBe('DELETE');
  });

  // Source: API reference, Identifier (GetResource, UpdateResource, DeleteResource): "You can specify the primary
  // identifier, or any secondary identifier ... Primary identifiers can be specified as a string or JSON".
  it('GetResource with the primary identifier written as JSON finds the resource', async () => {
    await start({ existing: { w1: { Name: 'w1', Size: 1 } } });
    const get = await outcome(client.send(new GetResourceCommand({ TypeName: WIDGET, RoleArn: ROLE, Identifier: JSON.stringify({ Name: 'w1' }) })));
    expect(get.refusal).toBe('no refusal');
    expect(JSON.parse(get.answer?.ResourceDescription?.Properties ?? '{}')).toEqual({ Name: 'w1', Size: 1 });
  });

  it('DeleteResource with the primary identifier written as JSON deletes the resource', async () => {
    await start({ existing: { w1: { Name: 'w1', Size: 1 } } });
    const token = (await client.send(new DeleteResourceCommand({ TypeName: WIDGET, RoleArn: ROLE, Identifier: JSON.stringify({ Name: 'w1' }) }))).ProgressEvent!.RequestToken!;
    clock.advance(30);
    expect((await status(token)).OperationStatus).toBe('SUCCESS');
    expect(emulator.resources.get(WIDGET)!.has('w1')).toBe(false);
  });

  // Source: LocalStack AWS snapshot test_create_exceptions — a second CREATE of the same bucket name is accepted
  // (IN_PROGRESS) and ends FAILED with ErrorCode AlreadyExists.
  it('CREATE of an identifier that exists is accepted and ends FAILED AlreadyExists', async () => {
    await start({ existing: { w1: { Name: 'w1', Size: 1 } } });
    const token = (await create('w1')).ProgressEvent!.RequestToken!;
    clock.advance(30);
    expect(await status(token)).toMatchObject({ OperationStatus: 'FAILED', ErrorCode: 'AlreadyExists' });
  });

  // Source: LocalStack AWS snapshot test_double_create_with_client_token — the same ClientToken with another
  // DesiredState: ClientTokenConflictException "... is already associated with an existing operation with
  // RequestToken ...".
  it('a ClientToken used again with another DesiredState is refused with ClientTokenConflictException', async () => {
    await start();
    const first = await create('w1', 'token-1');
    const second = await outcome(create('w2', 'token-1'));
    expect(second.refusal).toBe('ClientTokenConflictException');
    expect(second.message).toContain(first.ProgressEvent!.RequestToken!);
  });

  // Source: LocalStack AWS snapshot test_api_exceptions — get_nonexistingtype: TypeNotFoundException "The type
  // 'AWS::LocalStack::DoesNotExist' cannot be found."
  it('GetResource of a type that does not exist is refused with TypeNotFoundException', async () => {
    await start();
    const get = await outcome(client.send(new GetResourceCommand({ TypeName: 'AWS::Nothing::Here', RoleArn: ROLE, Identifier: 'x' })));
    expect(get.refusal).toBe('TypeNotFoundException');
    expect(get.message).toBe("The type 'AWS::Nothing::Here' cannot be found.");
  });
});

describe('hooks', () => {
  // Source: CloudFormation hook failure modes (boto3 CloudFormation Event.hook_failure_mode; the Hooks user guide's
  // "Failure mode"): "WARN Allows provisioning to continue with a warning message"; "FAIL Stops provisioning".
  it('a failing hook in WARN mode lets the operation succeed; in FAIL mode the operation fails', async () => {
    await start({ hooks: [{ typeName: 'Private::Guard::Hook', failureMode: 'WARN', result: 'FAILED' }] });
    const warned = (await create('w1')).ProgressEvent!.RequestToken!;
    clock.advance(30);
    expect((await status(warned)).OperationStatus).toBe('SUCCESS');
    await served!.stop();
    client.destroy();
    await start({ hooks: [{ typeName: 'Private::Guard::Hook', failureMode: 'FAIL', result: 'FAILED' }] });
    const failed = (await create('w1')).ProgressEvent!.RequestToken!;
    clock.advance(30);
    expect((await status(failed)).OperationStatus).toBe('FAILED');
  });
});
