/**
 * Real AWS refuses a request that breaks its model's constraints before the
 * operation runs; so does the local stack (aws-server.ts → models/check.ts).
 * For every operation the emulators serve, a valid input is taken one past
 * each limit the model sets (a required member left out, a string one
 * character too long or too short, a number one past its range, a list one
 * item too long, a value outside its enum or its pattern) and sent to the
 * local stack: each must come back ValidationException (HTTP 400) without
 * the service acting, and the same input at the limit must not.
 *
 * The answer's name: a JSON-protocol AWS service answers constraint
 * violations with ValidationException ("1 validation error detected: Value
 * ... failed to satisfy constraint: ..."), also where the service models
 * its own parameter error (Service Catalog lists InvalidParametersException,
 * yet ProvisionProduct answered ValidationException for a name breaking its
 * pattern: aws-ia/terraform-aws-control_tower_account_factory#103). The
 * emulators keep InvalidParametersException for the service's own rules
 * (exactly one of AccountId and OrganizationNode, ...). Shepherd treats
 * both as permanent failures, so either reading is safe for it.
 */
import { MODELS, type ServiceModel } from '../../local/emulators/models';
import { checkInput, type ProblemCode } from '../../local/emulators/models/check';
import type { LocalStack } from '../../local/harness/stack';
import { startStack } from '../support/stack';

const TYPE = 'AWS::S3::Bucket';
const PORTFOLIO = 'port-2abcdext3y5fk';
const STATE_MACHINE = 'arn:aws:states:us-east-1:000000000000:stateMachine:contract-test';
const EXECUTION = 'arn:aws:states:us-east-1:000000000000:execution:contract-test:req-1';

/** A valid input for every operation the emulators serve, with every constrained member the tests should reach. */
const BASELINES: Record<string, Record<string, unknown>> = {
  CreateResource: { TypeName: TYPE, DesiredState: '{"BucketName":"b"}', ClientToken: 'req-1-1', RoleArn: 'arn:aws:iam::000000000000:role/shepherd', TypeVersionId: '00000001' },
  UpdateResource: { TypeName: TYPE, Identifier: 'b', PatchDocument: '[]', ClientToken: 'req-1-1' },
  DeleteResource: { TypeName: TYPE, Identifier: 'b', ClientToken: 'req-1-1' },
  GetResourceRequestStatus: { RequestToken: 'no-such-token' },
  CancelResourceRequest: { RequestToken: 'no-such-token' },
  GetResource: { TypeName: TYPE, Identifier: 'b' },
  ListResourceRequests: { MaxResults: 100, NextToken: '0', ResourceRequestStatusFilter: { Operations: ['CREATE'], OperationStatuses: ['IN_PROGRESS'] } },
  CreatePortfolioShare: { AcceptLanguage: 'en', PortfolioId: PORTFOLIO, OrganizationNode: { Type: 'ORGANIZATIONAL_UNIT', Value: 'ou-wk01-workloads' }, ShareTagOptions: true },
  UpdatePortfolioShare: { PortfolioId: PORTFOLIO, AccountId: '444455556666', ShareTagOptions: false },
  DeletePortfolioShare: { PortfolioId: PORTFOLIO, OrganizationNode: { Type: 'ORGANIZATION', Value: 'o-exampleorg1' } },
  DescribePortfolioShareStatus: { PortfolioShareToken: 'share-0123456789abc' },
  ListOrganizationPortfolioAccess: { PortfolioId: PORTFOLIO, OrganizationNodeType: 'ORGANIZATIONAL_UNIT', PageSize: 20, PageToken: '20' },
  EnableAWSOrganizationsAccess: {},
  DisableAWSOrganizationsAccess: {},
  GetAWSOrganizationsAccessStatus: {},
  UpdateProvisionedProductProperties: {
    AcceptLanguage: 'en', ProvisionedProductId: 'pp-teamavpc00001', IdempotencyToken: 'req-1',
    ProvisionedProductProperties: { OWNER: 'arn:aws:iam::000000000000:user/alice' },
  },
  DescribeRecord: { Id: 'rec-0123456789abc', PageSize: 20 },
  ListRecordHistory: { SearchFilter: { Key: 'provisionedproduct', Value: 'pp-teamavpc00001' }, AccessLevelFilter: { Key: 'Account', Value: 'self' }, PageSize: 20 },
  UpdateProgramManagementAccount: { catalog: 'AWS', identifier: 'pma-exampleemea01', revision: '4', displayName: 'Example Partner' },
  ListProgramManagementAccounts: { catalog: 'AWS', maxResults: 100, statuses: ['ACTIVE'], sort: { sortOrder: 'Ascending', sortBy: 'UpdatedAt' } },
  StartExecution: { stateMachineArn: STATE_MACHINE, name: 'req-1', input: '{}' },
  DescribeExecution: { executionArn: EXECUTION, includedData: 'ALL_DATA' },
  GetExecutionHistory: { executionArn: EXECUTION, maxResults: 100, nextToken: '100', reverseOrder: true, includeExecutionData: true },
  StopExecution: { executionArn: EXECUTION, error: 'Cancelled', cause: 'by the test' },
  ListExecutions: { stateMachineArn: STATE_MACHINE, statusFilter: 'RUNNING', maxResults: 100 },
  // A source no rule matches, signed by nobody: nothing the stack would run.
  PutEvents: { Entries: [{ Source: 'contract.test', DetailType: 'Contract Test', Detail: '{}', EventBusName: 'default' }] },
  GetItem: { TableName: 'contract-test', Key: { pk: { S: 'a' } }, ConsistentRead: true, ReturnConsumedCapacity: 'NONE' },
  PutItem: { TableName: 'contract-test', Item: { pk: { S: 'a' } }, ConditionExpression: 'attribute_not_exists(pk)', ReturnValues: 'NONE' },
  DeleteItem: { TableName: 'contract-test', Key: { pk: { S: 'a' } }, ReturnValues: 'ALL_OLD' },
  SendMessage: { QueueUrl: 'https://sqs.invalid/q', MessageBody: 'hello', DelaySeconds: 0 },
  ReceiveMessage: { QueueUrl: 'https://sqs.invalid/q', MaxNumberOfMessages: 10 },
  DeleteMessage: { QueueUrl: 'https://sqs.invalid/q', ReceiptHandle: 'h' },
  ChangeMessageVisibility: { QueueUrl: 'https://sqs.invalid/q', ReceiptHandle: 'h', VisibilityTimeout: 30 },
  GetQueueAttributes: { QueueUrl: 'https://sqs.invalid/q', AttributeNames: ['All'] },
  StartMessageMoveTask: { SourceArn: 'arn:aws:sqs:us-east-1:000000000000:dlq' },
  AcceptPortfolioShare: { AcceptLanguage: 'en', PortfolioId: PORTFOLIO, PortfolioShareType: 'IMPORTED' },
  RejectPortfolioShare: { AcceptLanguage: 'en', PortfolioId: PORTFOLIO, PortfolioShareType: 'AWS_ORGANIZATIONS' },
  ListAcceptedPortfolioShares: { AcceptLanguage: 'en', PageToken: '20', PageSize: 20, PortfolioShareType: 'IMPORTED' },
  ListPortfolioAccess: { AcceptLanguage: 'en', PortfolioId: PORTFOLIO, OrganizationParentId: 'ou-wk01-workloads', PageToken: '20', PageSize: 100 },
  // A role nobody has: the model check runs before the service looks.
  AssumeRole: {
    RoleArn: 'arn:aws:iam::444455556666:role/contract-test', RoleSessionName: 'req-1', DurationSeconds: 900, ExternalId: 'contract-test',
    SourceIdentity: 'shepherd', Tags: [{ Key: 'requestId', Value: 'req-1' }],
  },
};

interface Case {
  label: string;
  input: Record<string, unknown>;
  /** The problem the input must have (one past a limit), or null: the input sits at the limit and must pass it. */
  expect: ProblemCode | null;
  /** The limit's member path, to tell its problems from others. */
  path: string;
}

/** Values a pattern may refuse; the first one it does is the case. */
const PATTERN_BREAKERS = [' ', '#', '\u0000', 'a b', '\n', '', '0'.repeat(2100)];

/** Every one-past-a-limit (and at-the-limit) variant of a valid input, walking its shape. */
function limitCases(model: ServiceModel, shapeName: string, value: unknown, replace: (v: unknown) => Record<string, unknown>, path: string): Case[] {
  const shape = model.shapes[shapeName]!;
  const cases: Case[] = [];
  const add = (label: string, v: unknown, expect: ProblemCode | null) => cases.push({ label: `${path || shapeName} ${label}`, input: replace(v), expect, path });
  switch (shape.type) {
    case 'structure': {
      const object = value as Record<string, unknown>;
      for (const name of shape.required ?? []) {
        const { [name]: _, ...rest } = object;
        cases.push({ label: `${path ? `${path}.` : ''}${name} left out`, input: replace(rest), expect: 'REQUIRED', path: path ? `${path}.${name}` : name });
      }
      for (const [name, member] of Object.entries(object)) {
        const ref = shape.members?.[name];
        if (ref) cases.push(...limitCases(model, ref.shape, member, (v) => replace({ ...object, [name]: v }), path ? `${path}.${name}` : name));
      }
      return cases;
    }
    case 'list': {
      const list = value as unknown[];
      if (shape.max !== undefined) add(`with ${shape.max + 1} items`, Array(shape.max + 1).fill(list[0]), 'INVALID_LENGTH');
      if (shape.max !== undefined) add(`with ${shape.max} items`, Array(shape.max).fill(list[0]), null);
      if (shape.min) add(`with ${shape.min - 1} items`, list.slice(0, shape.min - 1), 'INVALID_LENGTH');
      if (list.length) cases.push(...limitCases(model, shape.member!.shape, list[0], (v) => replace([v, ...list.slice(1)]), `${path}[0]`));
      return cases;
    }
    case 'map': {
      const map = value as Record<string, unknown>;
      if (shape.max !== undefined) add(`with ${shape.max + 1} entries`, Object.fromEntries(Array.from({ length: shape.max + 1 }, (_, i) => [`k${i}`, Object.values(map)[0]])), 'INVALID_LENGTH');
      if (shape.min) add(`with ${shape.min - 1} entries`, {}, 'INVALID_LENGTH');
      const [first] = Object.entries(map);
      if (first) {
        add(`with a key outside the model`, { ...map, '\u0000bad key': first[1] }, model.shapes[shape.key!.shape]!.enum ? 'INVALID_VALUE' : null);
        cases.push(...limitCases(model, shape.value!.shape, first[1], (v) => replace({ ...map, [first[0]]: v }), `${path}.${first[0]}`));
      }
      return cases;
    }
    case 'string': {
      const text = value as string;
      if (shape.enum) add(`outside its enum`, 'NOT_IN_THE_ENUM', 'INVALID_VALUE');
      if (shape.max !== undefined && !shape.enum) {
        add(`${shape.max + 1} characters long`, text.padEnd(shape.max + 1, text.slice(-1) || 'a'), 'INVALID_LENGTH');
        if (!shape.pattern) add(`${shape.max} characters long`, text.padEnd(shape.max, text.slice(-1) || 'a'), null);
      }
      if (shape.min && !shape.enum) add(`${shape.min - 1} characters long`, text.slice(0, shape.min - 1), 'INVALID_LENGTH');
      if (shape.pattern) {
        const breaker = PATTERN_BREAKERS.find((b) => !new RegExp(`^(?:${shape.pattern})$`, 'u').test(b));
        if (breaker !== undefined) add(`breaking its pattern`, breaker, 'INVALID_PATTERN');
      }
      return cases;
    }
    case 'integer':
    case 'long':
      if (shape.max !== undefined) { add(`= ${shape.max + 1}`, shape.max + 1, 'INVALID_RANGE'); add(`= ${shape.max}`, shape.max, null); }
      if (shape.min !== undefined) { add(`= ${shape.min - 1}`, shape.min - 1, 'INVALID_RANGE'); add(`= ${shape.min}`, shape.min, null); }
      return cases;
    default:
      return cases;
  }
}

const operations = MODELS.flatMap((model) => Object.keys(model.operations).map((operation) => ({ model, operation })));
const casesOf = (model: ServiceModel, operation: string) =>
  limitCases(model, model.operations[operation]!.input!, BASELINES[operation], (v) => v as Record<string, unknown>, '');

it('has a valid baseline for every operation the emulators serve', () => {
  expect(operations.map((o) => o.operation).filter((op) => !BASELINES[op]).sort()).toEqual([]);
  const invalid = operations.flatMap(({ model, operation }) => checkInput(model, operation, BASELINES[operation]).map((p) => `${operation}: ${p.message}`));
  expect(invalid).toEqual([]);
});

it.each(operations.map(({ model, operation }) => [operation, model] as const))('%s: the checker finds each input one past a limit, and passes it at the limit', (operation, model) => {
  const wrong = casesOf(model, operation).flatMap(({ label, input, expect: code, path }) => {
    const problems = checkInput(model, operation, input).filter((p) => p.path === path || p.path.startsWith(`${path}.`) || p.path.startsWith(`${path}[`) || p.path.startsWith(`${path} `));
    if (code === null) return problems.length === 0 ? [] : [`${label}: ${problems.map((p) => p.code).join()} at the limit`];
    return problems.some((p) => p.code === code) ? [] : [`${label}: expected ${code}, got ${problems.map((p) => p.code).join() || 'nothing'}`];
  });
  expect(wrong).toEqual([]);
});

it('reaches the limits of the operations Shepherd calls', () => {
  const count = (operation: string) => casesOf(MODELS.find((m) => m.operations[operation])!, operation).filter((c) => c.expect !== null).length;
  // A floor per operation, so a baseline that loses its constrained members shows up here.
  expect({
    CreateResource: count('CreateResource') >= 12,
    CreatePortfolioShare: count('CreatePortfolioShare') >= 6,
    UpdateProvisionedProductProperties: count('UpdateProvisionedProductProperties') >= 8,
    UpdateProgramManagementAccount: count('UpdateProgramManagementAccount') >= 10,
    PutEvents: count('PutEvents') >= 4,
    StartExecution: count('StartExecution') >= 5,
  }).toEqual({ CreateResource: true, CreatePortfolioShare: true, UpdateProvisionedProductProperties: true, UpdateProgramManagementAccount: true, PutEvents: true, StartExecution: true });
});

describe('on the wire', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.stop());

  /** A query-protocol input as the SDK sends it: `Name`, `Name.Member`, lists as `Name.member.N` (an empty one as `Name=`). */
  const form = (value: unknown, prefix: string, out: URLSearchParams): URLSearchParams => {
    if (Array.isArray(value)) {
      if (value.length === 0) out.append(prefix, '');
      value.forEach((item, i) => form(item, `${prefix}.member.${i + 1}`, out));
    } else if (value !== null && typeof value === 'object') {
      for (const [key, member] of Object.entries(value)) form(member, prefix ? `${prefix}.${key}` : key, out);
    } else out.append(prefix, String(value));
    return out;
  };

  const post = async (model: ServiceModel, operation: string, input: unknown) => {
    if (model.protocol === 'query') {
      const response = await fetch(stack.server.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
          authorization: `AWS4-HMAC-SHA256 Credential=contract/20261125/us-east-1/${model.targetPrefix}/aws4_request, SignedHeaders=host, Signature=0`,
        },
        body: form(input, '', new URLSearchParams({ Action: operation, Version: model.apiVersion })).toString(),
      });
      // The query error body is XML: the code and message are what the SDK reads (Error.Code, Error.Message).
      const xml = await response.text();
      const tag = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
      return { status: response.status, body: { __type: tag('Code'), message: tag('Message')?.replace(/&apos;|&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&') } as Record<string, unknown> };
    }
    const response = await fetch(stack.server.url, {
      method: 'POST',
      headers: { 'x-amz-target': `${model.targetPrefix}.${operation}`, 'content-type': 'application/x-amz-json-1.1' },
      body: JSON.stringify(input),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it.each(operations.map(({ model, operation }) => [operation, model] as const))('%s: every input one past a limit is refused with ValidationException (a query service: ValidationError) before the service acts', async (operation, model) => {
    const wrong: string[] = [];
    for (const { label, input, expect: code } of casesOf(model, operation)) {
      const callsBefore = stack.server.calls.length;
      const { status, body } = await post(model, operation, input);
      const call = stack.server.calls[callsBefore];
      // The model's refusal, not a rule the emulator checks itself (DynamoDB's key schema, ...).
      const refusal = model.protocol === 'query' ? 'ValidationError' : 'ValidationException';
      const refused = status === 400 && body.__type === refusal && /^\d+ validation errors? detected: /.test(String(body.message));
      if (code !== null && (!refused || call?.applied)) wrong.push(`${label}: answered ${status} ${String(body.__type)}`);
      if (code === null && refused) wrong.push(`${label}: refused at the limit: ${String(body.message)}`);
    }
    expect(wrong).toEqual([]);
  });

  it('names the field, as the model says, in the message (and in Partner Central, in fieldList with the reason)', async () => {
    const model = MODELS.find((m) => m.service === 'partnercentral-channel')!;
    const { status, body } = await post(model, 'UpdateProgramManagementAccount', { catalog: 'AWS', identifier: 'pma-exampleemea01', displayName: 'x'.repeat(31) });
    expect(status).toBe(400);
    expect(body).toMatchObject({
      __type: 'ValidationException',
      message: "1 validation error detected: Value 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' at 'displayName' failed to satisfy constraint: Member must have length less than or equal to 30",
      reason: 'REQUEST_VALIDATION_FAILED',
      fieldList: [{ name: 'displayName', code: 'INVALID_LENGTH', message: expect.stringContaining('less than or equal to 30') }],
    });
  });

  it('answers SerializationException for a value of the wrong JSON type', async () => {
    const model = MODELS.find((m) => m.service === 'servicecatalog')!;
    const { status, body } = await post(model, 'DescribePortfolioShareStatus', { PortfolioShareToken: 42 });
    expect([status, body.__type]).toEqual([400, 'SerializationException']);
  });
});
