/**
 * Round 4 — the SQS emulator (local/emulators/sqs.ts) and the Step Functions emulator
 * (local/emulators/step-functions.ts) held to AWS's behaviour: the botocore sqs / stepfunctions documentation and
 * LocalStack's AWS-recorded snapshots (localstack/localstack tests/aws/services/sqs/test_sqs.py and
 * tests/aws/services/stepfunctions/v2/test_sfn_api.py with their .snapshot.json, @markers.aws.validated).
 * Real SDK v3 clients.
 *
 * FIXED (these cases failed until sqs.ts / step-functions.ts were brought in line; all pass now):
 * - ChangeMessageVisibility after the visibility timeout expired (message not received again): 200; the message is
 *   left visible, as LocalStack does (the snapshot records only the answer).
 * - ChangeMessageVisibility with the handle of a deleted message: InvalidParameterValue with AWS's message.
 * - ChangeMessageVisibility ending more than 12 hours after the receive: InvalidParameterValue ("Total
 *   VisibilityTimeout for the message is beyond the limit [43200 seconds]"; the code is undocumented).
 * - Message attributes (name, type, value) count toward the 1 MiB message size.
 * - ReceiveMessage WaitTimeSeconds outside 0–20: InvalidParameterValue with AWS's message.
 * - Execution names with U+FFFE/U+FFFF: InvalidName.
 */
import { ChangeMessageVisibilityCommand, DeleteMessageCommand, ReceiveMessageCommand, SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { VirtualClock } from '../../local/emulators/clock';
import { SqsEmulator } from '../../local/emulators/sqs';
import { StepFunctionsEmulator } from '../../local/emulators/step-functions';
import { loadInterpreter } from '../../local/emulators/interpreter';
import { ACCOUNT, REGION, T0, clientConfig, manualClock, outcome, serve, type ManualClock, type Served } from './round4-support';

let served: Served | undefined;
afterEach(async () => {
  await served?.stop();
  served = undefined;
});

describe('SQS', () => {
  let clock: ManualClock;
  let sqs: SQSClient;
  let queueUrl: string;

  beforeEach(async () => {
    clock = manualClock();
    served = await serve({});
    queueUrl = `${served.url}/${ACCOUNT}/work`;
    const emulator = new SqsEmulator(
      { Work: { logicalId: 'Work', name: 'work', url: queueUrl, arn: `arn:aws:sqs:${REGION}:${ACCOUNT}:work`, visibilityTimeoutSeconds: 30, retentionSeconds: 345_600 } },
      clock,
    );
    served.server.register('AmazonSQS', emulator.operations());
    sqs = new SQSClient({ ...clientConfig(served.url), useQueueUrlAsEndpoint: false });
  });
  afterEach(() => sqs.destroy());

  const sendAndReceive = async () => {
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'hello' }));
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl }));
    return received.Messages![0]!.ReceiptHandle!;
  };
  const changeVisibility = (handle: string, seconds: number) =>
    outcome(sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: handle, VisibilityTimeout: seconds })));

  // Source: LocalStack AWS snapshot test_change_message_visibility_after_visibility_timeout_expiration — queue
  // VisibilityTimeout 1, receive, sleep 2 s, change_message_visibility(VisibilityTimeout=2): HTTP 200.
  it('ChangeMessageVisibility after the visibility timeout expired (not received again) succeeds', async () => {
    const handle = await sendAndReceive();
    clock.advance(31);
    expect((await changeVisibility(handle, 2)).refusal).toBe('no refusal');
  });

  // Source: LocalStack test_change_visibility_on_deleted_message_raises_invalid_parameter_value (aws.validated):
  // Code InvalidParameterValue, "Value <handle> for parameter ReceiptHandle is invalid. Reason: Message does not exist
  // or is not available for visibility timeout change."
  it('ChangeMessageVisibility with the handle of a deleted message is refused with InvalidParameterValue', async () => {
    const handle = await sendAndReceive();
    expect((await changeVisibility(handle, 42)).refusal).toBe('no refusal');
    await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: handle }));
    const change = await changeVisibility(handle, 42);
    expect(change.refusal).toBe('InvalidParameterValue');
    expect(change.message).toBe(`Value ${handle} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.`);
  });

  // Source: botocore sqs ChangeMessageVisibility — "The maximum is 12 hours." ... "If you attempt to set the
  // VisibilityTimeout to a value greater than the maximum time left, Amazon SQS returns an error." (The error's name
  // is not documented; only the refusal is asserted.)
  it('ChangeMessageVisibility past 12 hours from the receive is refused', async () => {
    const handle = await sendAndReceive();
    expect((await changeVisibility(handle, 3600)).refusal).toBe('no refusal');
    // Kept in flight hour after hour (each extension ends before the 12 hours are up), 11 hours in all.
    for (let elapsed = 3000; elapsed <= 39_000; elapsed += 3000) {
      clock.advance(3000);
      expect((await changeVisibility(handle, 3600)).refusal).toBe('no refusal');
    }
    clock.advance(600);
    // 39,600 s (11 hours) after the receive, 1 hour is left; 2 hours is more than that.
    expect((await changeVisibility(handle, 7200)).refusal).not.toBe('no refusal');
  });

  // Source: LocalStack AWS snapshot test_send_oversized_message — body of (1048576 - len("k"+"String"+"x") + 1)
  // bytes with one String attribute k=x: InvalidParameterValue "One or more parameters are invalid. Reason: Message
  // must be shorter than 1048576 bytes."
  it('a body that fits only without its message attributes is refused with InvalidParameterValue', async () => {
    const attributesSize = 'k'.length + 'String'.length + 'x'.length;
    const send = await outcome(
      sqs.send(new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: 'a'.repeat(1_048_576 - attributesSize + 1),
        MessageAttributes: { k: { DataType: 'String', StringValue: 'x' } },
      })),
    );
    expect(send.refusal).toBe('InvalidParameterValue');
  });

  // Source: LocalStack AWS snapshot test_send_receive_wait_time_seconds — WaitTimeSeconds 21 and -1:
  // InvalidParameterValue "Value 21 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if
  // provided."
  it('ReceiveMessage WaitTimeSeconds 21 is refused with InvalidParameterValue', async () => {
    const receive = await outcome(sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 21 })));
    expect(receive.refusal).toBe('InvalidParameterValue');
  });

  // Source: LocalStack AWS snapshot test_send_receive_max_number_of_messages — MaxNumberOfMessages 11:
  // InvalidParameterValue ("Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10,
  // if provided."; the emulator's wording differs, which is not asserted).
  it('ReceiveMessage MaxNumberOfMessages 11 is refused with InvalidParameterValue', async () => {
    const receive = await outcome(sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 11 })));
    expect(receive.refusal).toBe('InvalidParameterValue');
  });
});

describe('Step Functions StartExecution', () => {
  const WAITING = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:r4-waiting`;
  const PASSING = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:r4-passing`;
  let sfn: SFNClient;
  let virtual: VirtualClock;

  beforeEach(async () => {
    virtual = new VirtualClock({ start: T0, speed: 'max' });
    const emulator = new StepFunctionsEmulator(loadInterpreter(virtual, () => 0.5), virtual);
    // A Task whose Lambda never answers: its executions stay RUNNING.
    emulator.addStateMachine(WAITING, 'r4-waiting', { StartAt: 'T', States: { T: { Type: 'Task', Resource: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:r4`, End: true } } } as never, {
      T: () => new Promise<never>(() => undefined),
    });
    emulator.addStateMachine(PASSING, 'r4-passing', { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } } as never, {});
    served = await serve({ AWSStepFunctions: emulator.operations() });
    sfn = new SFNClient(clientConfig(served.url));
  });
  afterEach(() => {
    sfn.destroy();
    virtual.stop();
  });

  const start = (stateMachineArn: string, name: string | undefined, input?: string) => outcome(sfn.send(new StartExecutionCommand({ stateMachineArn, name, input })));

  // Source: botocore stepfunctions StartExecution — "if you call StartExecution with the same name and input as a
  // running execution, the call succeeds and return the same response as the original request. If the execution is
  // closed or if the input is different, it returns a 400 ExecutionAlreadyExists error." LocalStack AWS snapshot
  // test_start_execution_idempotent: the same executionArn, then ExecutionAlreadyExists for another input.
  it('the same name and input while RUNNING answers as the first call; another input is ExecutionAlreadyExists', async () => {
    const first = await start(WAITING, 'run-1', '{"a":1}');
    const again = await start(WAITING, 'run-1', '{"a":1}');
    const other = await start(WAITING, 'run-1', '{"a":2}');
    expect(again.answer).toMatchObject({ executionArn: first.answer!.executionArn, startDate: first.answer!.startDate });
    expect(other.refusal).toBe('ExecutionAlreadyExists');
    await sfn.send(new StopExecutionCommand({ executionArn: first.answer!.executionArn! }));
  });

  it('the name of a closed execution is ExecutionAlreadyExists, even with the same input', async () => {
    const first = await start(PASSING, 'done-1', '{}');
    await virtual.idle();
    expect((await sfn.send(new DescribeExecutionCommand({ executionArn: first.answer!.executionArn! }))).status).toBe('SUCCEEDED');
    expect((await start(PASSING, 'done-1', '{}')).refusal).toBe('ExecutionAlreadyExists');
  });

  // Source: LocalStack AWS snapshot test_invalid_start_execution_input — input "" → InvalidExecutionInput; "2",
  // '"some text"' and "null" start executions.
  it('input "" is InvalidExecutionInput; "2", a JSON string and "null" are valid inputs', async () => {
    expect((await start(PASSING, undefined, '')).refusal).toBe('InvalidExecutionInput');
    for (const input of ['2', '"some text"', 'null']) expect((await start(PASSING, undefined, input)).refusal).toBe('no refusal');
  });

  // Source: botocore StartExecution input — "Length constraints apply to the payload size, and are expressed as
  // bytes in UTF-8 encoding" (max 262144). 100,000 '€' are 300,000 bytes in 100,002 characters. (Which exception AWS
  // names is not documented; only the refusal is asserted.)
  it('an input of 300,000 UTF-8 bytes (100,002 characters) is refused', async () => {
    expect((await start(PASSING, undefined, JSON.stringify('€'.repeat(100_000)))).refusal).not.toBe('no refusal');
  });

  // Source: botocore StartExecution name — must not contain white space, brackets, wildcards, the special
  // characters " # % \ ^ | ~ ` $ & , ; : /, or control characters (U+0000-001F, U+007F-009F, U+FFFE-FFFF).
  it.each([
    ['a space', 'run 1'],
    ['a slash', 'run/1'],
    ['a hash', 'run#1'],
    ['U+0085', 'run\u00851'],
  ])('a name with %s is InvalidName', async (_label, name) => {
    expect((await start(PASSING, name, '{}')).refusal).toBe('InvalidName');
  });

  it('an execution name with U+FFFF is InvalidName', async () => {
    expect((await start(PASSING, 'run\uFFFF1', '{}')).refusal).toBe('InvalidName');
  });
});
