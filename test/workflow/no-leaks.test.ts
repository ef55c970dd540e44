/**
 * No leaks: secrets planted in desired states, patch values, request fields
 * that fail validation, and share details never appear in any event on the
 * bus or any log line the handlers write (captured at DEBUG), across every
 * workflow, failures and rejections included.
 */
import { LocalStack } from '../../local/harness/stack';
import { T0, sendRequests } from '../support/stack';

const SECRETS = ['hunter2-db-password', 'AKIAPLANTEDSECRET01', 'sk_live_planted_token', 'patch-secret-value', 'rejected-secret-value'];

it('keeps planted secrets out of every event and every structured log line', async () => {
  const stack = await LocalStack.start({
    logLevel: 'CAPTURE',
    world: {
      clock: { start: T0.toISOString(), speed: 'max' },
      cloudControl: {
        resourceTypes: {
          'AWS::RDS::DBInstance': { primaryIdentifier: 'DBInstanceIdentifier', durationSeconds: 30, failure: { errorCode: 'InvalidRequest', statusMessage: 'engine version not supported', operations: ['CREATE'] } },
          'AWS::SecretsManager::Secret': { primaryIdentifier: 'Name', durationSeconds: 20, existing: { app: { Name: 'app', SecretString: 'x' } } },
        },
      },
    },
  });
  try {
    await sendRequests(
      stack,
      'Resource Operation Requested',
      { requestId: 'db', operation: 'CREATE', typeName: 'AWS::RDS::DBInstance', desiredState: { DBInstanceIdentifier: 'db', MasterUserPassword: SECRETS[0] } },
      { requestId: 'secret', operation: 'UPDATE', typeName: 'AWS::SecretsManager::Secret', identifier: 'app',
        patchDocument: [{ op: 'replace', path: '/SecretString', value: SECRETS[3] }, { op: 'add', path: '/Tags', value: [{ Key: 'k', Value: SECRETS[1] }] }] },
      { requestId: 'bad', operation: 'CREATE', typeName: 'AWS::S3::Bucket', desiredState: { Token: SECRETS[2] }, roleArn: `arn:aws:iam::123456789012:user/${SECRETS[4]}` },
    );
    const events = stack.emitted.map((e) => e['detail-type']).sort();
    expect(events).toEqual(['Request Rejected', 'Resource Operation Completed', 'Resource Operation Completed']);
    // The handlers did log, at DEBUG, including the rejection with its reasons.
    expect(stack.logLines.length).toBeGreaterThan(10);
    expect(stack.logLines.some((line) => line.includes('Request rejected'))).toBe(true);
    const everything = JSON.stringify(stack.emitted) + stack.logLines.join('\n');
    for (const secret of SECRETS) expect(everything).not.toContain(secret);
    // Structured JSON, every line with its request and its function (concurrent invocations do not mix context).
    const lines = stack.logLines.map((line) => JSON.parse(line) as { requestId?: string; function_name?: string; level: string });
    for (const line of lines) {
      // The sweep runs on its schedule (the DB request's execution ended FAILED): its lines carry the scheduled event's id.
      if (line.function_name === 'shepherd-local-sweepUnfinishedRequests') continue;
      expect(['db', 'secret', 'bad']).toContain(line.requestId);
      expect(line.function_name).toMatch(/^shepherd-local-/);
    }
    expect(lines.find((l) => (l as { message?: string }).message === 'Request rejected')!.function_name).toBe('shepherd-local-ingestRequests');
    // …while the requests on the bus did carry every one of them: the scan looks for what was really there.
    for (const secret of SECRETS) expect(JSON.stringify(stack.events)).toContain(secret);
  } finally {
    await stack.stop();
  }
});
