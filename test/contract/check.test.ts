/**
 * The contract checker itself (local/emulators/models/check.ts): that it finds each
 * kind of problem an answer or an error body can have, so a green
 * responses.test.ts means something.
 */
import { MODELS } from '../../local/emulators/models';
import { checkErrorBody, checkOutput } from '../../local/emulators/models/check';

const model = (service: string) => MODELS.find((m) => m.service === service)!;
const cloudcontrol = model('cloudcontrol');
const codes = (problems: Array<{ path: string; code: string }>) => problems.map((p) => `${p.path} ${p.code}`);

const progress = { TypeName: 'AWS::S3::Bucket', Identifier: 'b', RequestToken: 'tok', Operation: 'CREATE', OperationStatus: 'IN_PROGRESS', EventTime: 1_795_000_000, RetryAfter: 1_795_000_010 };

it('passes an answer AWS could give', () => {
  expect(checkOutput(cloudcontrol, 'GetResourceRequestStatus', { ProgressEvent: progress, HooksProgressEvent: [] })).toEqual([]);
});

it.each<[string, Record<string, unknown>, string[]]>([
  ['an enum value the model does not list', { ProgressEvent: { ...progress, OperationStatus: 'RUNNING' } }, ['ProgressEvent.OperationStatus INVALID_VALUE']],
  ['a member the model does not name', { ProgressEvent: { ...progress, Progress: 50 } }, ['ProgressEvent.Progress UNKNOWN_MEMBER']],
  ['a null where AWS leaves the member out', { ProgressEvent: { ...progress, StatusMessage: null } }, ['ProgressEvent.StatusMessage NULL_VALUE']],
  ['a timestamp as text where the protocol sends epoch seconds', { ProgressEvent: { ...progress, EventTime: '2026-11-25T09:00:00Z' } }, ['ProgressEvent.EventTime INVALID_TYPE']],
  ['a string over its length', { ProgressEvent: { ...progress, RequestToken: 'x'.repeat(129) } }, ['ProgressEvent.RequestToken INVALID_LENGTH']],
  ['a string off its pattern', { ProgressEvent: { ...progress, TypeName: 'S3 Bucket!' } }, ['ProgressEvent.TypeName INVALID_PATTERN']],
  ['a list where a structure belongs', { ProgressEvent: [progress] }, ['ProgressEvent INVALID_TYPE']],
])('finds %s', (_, output, expected) => {
  expect(codes(checkOutput(cloudcontrol, 'GetResourceRequestStatus', output))).toEqual(expected);
});

it('finds a missing required member and a number of the wrong kind', () => {
  const sfn = model('stepfunctions');
  expect(codes(checkOutput(sfn, 'StartExecution', { executionArn: 'arn:aws:states:us-east-1:000000000000:execution:m:e' }))).toEqual(['startDate REQUIRED']);
  const events = { events: [{ id: 1.5, timestamp: 1, type: 'ExecutionStarted' }] };
  expect(codes(checkOutput(sfn, 'GetExecutionHistory', events))).toEqual(['events[0].id INVALID_TYPE']);
});

it('holds error bodies to the operation: a modelled error with its members, a common error, or neither', () => {
  const partner = model('partnercentral-channel');
  expect(checkErrorBody(partner, 'UpdateProgramManagementAccount', { __type: 'ConflictException', message: 'm', resourceId: 'pma-1', resourceType: 'ProgramManagementAccount' })).toEqual([]);
  expect(codes(checkErrorBody(partner, 'UpdateProgramManagementAccount', { __type: 'ValidationException', message: 'm' }))).toEqual(['ValidationException.reason REQUIRED']);
  expect(codes(checkErrorBody(partner, 'ListProgramManagementAccounts', { __type: 'ConflictException', message: 'm' }))).toEqual(['ConflictException INVALID_VALUE']);
  expect(checkErrorBody(cloudcontrol, 'GetResourceRequestStatus', { __type: 'ThrottlingException', message: 'Rate exceeded' })).toEqual([]);
  expect(checkErrorBody(cloudcontrol, 'CancelResourceRequest', { __type: 'UnrecognizedClientException', message: 'bad key' })).toEqual([]);
  expect(codes(checkErrorBody(cloudcontrol, 'GetResourceRequestStatus', { __type: 'NoSuchThing', message: 'm' }))).toEqual(['NoSuchThing INVALID_VALUE']);
  // SQS answers with its query-compatible code.
  expect(checkErrorBody(model('sqs'), 'SendMessage', { __type: 'AWS.SimpleQueueService.NonExistentQueue', message: 'm' })).toEqual([]);
});
