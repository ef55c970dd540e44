/**
 * The local stack's Step Functions interpreter (aws-local-stepfunctions as
 * local/emulators/interpreter.ts loads and patches it) against what AWS Step Functions
 * was recorded doing: LocalStack's AWS-validated snapshots, vendored with
 * their templates in test/fixtures/stepfunctions (README there names the
 * commits). Each case runs the state machine AWS ran, with the input AWS got,
 * and must end as AWS's did.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lintWorkflow } from '../../tooling/asl-lint';
import { VirtualClock } from '../../local/emulators/clock';
import { applyPatches, FIDELITY_PATCHES, loadInterpreter, type InterpreterModule } from '../../local/emulators/interpreter';
import type { AslDefinition } from '../../tooling/serverless-config';
import { caughtFailure } from '../../shared/workflow/failure';

const fixtures = join(__dirname, '..', 'fixtures', 'stepfunctions');
const fixture = (name: string): any => JSON.parse(readFileSync(join(fixtures, name), 'utf8'));

interface RecordedCase {
  input: { Variable: unknown; Value: unknown };
  output: { 'TestResult.$': 'ConditionTrue' | 'ConditionFalse' };
}
interface OperatorTest {
  /** The LocalStack test id, e.g. ...::TestIsOperators::test_is_null. */
  id: string;
  operator: string;
  cases: RecordedCase[];
}

/** test_numeric_greater_than_equals_path → NumericGreaterThanEqualsPath (LocalStack names each test after its operator). */
function operatorOf(id: string): string {
  const name = id.split('::').pop()!.replace(/^test_/, '');
  return name.split('_').map((word) => word[0]!.toUpperCase() + word.slice(1)).join('');
}

/** The snapshot recorder replaced some ISO timestamps in the inputs by "date". */
const hasPlaceholder = (input: unknown) => JSON.stringify(input).includes('"date"');

/**
 * The recorded cases of one snapshot file. Where the test ran LocalStack's
 * TYPE_COMPARISONS list, the inputs come from that list by index (restoring
 * the recorder's "date" placeholders), and every input the recorder left
 * alone must equal its list entry, which checks the pairing.
 */
function operatorTests(snapshotFile: string, comparisonsFile?: string): OperatorTest[] {
  const comparisons = comparisonsFile ? (fixture(comparisonsFile) as Array<[unknown, unknown]>) : undefined;
  return Object.entries(fixture(snapshotFile) as Record<string, { 'recorded-content': { cases: RecordedCase[] } }>).map(([id, entry]) => {
    const recorded = entry['recorded-content'].cases;
    const cases = recorded.map((c, i) => {
      if (!comparisons) {
        if (hasPlaceholder(c.input)) throw new Error(`${id} case ${i} has a placeholder and no comparisons list`);
        return c;
      }
      const [Variable, Value] = comparisons[i]!;
      const input = { Variable, Value };
      if (!hasPlaceholder(c.input) && JSON.stringify(c.input) !== JSON.stringify(input)) {
        throw new Error(`${id} case ${i}: recorded ${JSON.stringify(c.input)}, list has ${JSON.stringify(input)}`);
      }
      return { input, output: c.output };
    });
    if (comparisons && cases.length !== comparisons.length) throw new Error(`${id}: ${cases.length} cases, ${comparisons.length} comparisons`);
    return { id, operator: operatorOf(id), cases };
  });
}

/** Builds the definition as LocalStack's create_and_test_comparison_function does: by text replacement in the template. */
function definitionFor(operator: string, value: unknown): unknown {
  let text = JSON.stringify(fixture('choice-operator-template.json')).replaceAll('%ComparisonOperatorType%', operator);
  // Operators ending in Path compare against $.Value; the others get the value itself.
  if (!operator.endsWith('Path')) text = text.replaceAll('"$.Value"', JSON.stringify(value));
  return JSON.parse(text);
}

async function outcomes(sfn: InterpreterModule, test: OperatorTest): Promise<RecordedCase[]> {
  const results: RecordedCase[] = [];
  for (const { input } of test.cases) {
    // Validation costs ~0.1 s a machine and AWS accepted every one of these definitions.
    const machine = new sfn.StateMachine(definitionFor(test.operator, input.Value) as never, { validationOptions: { noValidate: true } });
    let output: RecordedCase['output'];
    try {
      output = (await machine.run(input as never).result) as RecordedCase['output'];
    } catch (error) {
      output = { 'TestResult.$': `failed: ${String(error)}` as never };
    }
    results.push({ input, output });
  }
  return results;
}

const IS_OPERATORS = ['IsNull', 'IsPresent', 'IsNumeric', 'IsString', 'IsBoolean', 'IsTimestamp'];

// AWS-validated at LocalStack 8b9a79f: 455 cases.
const validated: OperatorTest[] = [
  ...operatorTests('test_is_operators.snapshot.json', 'type_comparisons.json'),
  ...operatorTests('test_boolean_equals.snapshot.json', 'type_comparisons.json'),
  ...operatorTests('test_numeric.snapshot.json'),
  ...operatorTests('test_string_operators.snapshot.json'),
];
// IsTimestamp: recorded on AWS on 2023-03-03 (LocalStack e5e749a5f), never reproduced by LocalStack and later dropped from its snapshots.
const isTimestamp = operatorTests('test_is_operators.test_is_timestamp.e5e749a5f.snapshot.json', 'type_comparisons.e5e749a5f.json');

let clock: VirtualClock;
let sfn: InterpreterModule;

beforeAll(() => {
  clock = new VirtualClock({ start: new Date('2026-01-01T00:00:00Z') });
  sfn = loadInterpreter(clock, () => 0.5);
});
afterAll(() => clock.stop());

describe('the vendored Choice cases', () => {
  it('are the 455 AWS-validated LocalStack cases plus the IsTimestamp recording, with every Is* operator tried with true and false', () => {
    expect(validated.reduce((n, t) => n + t.cases.length, 0)).toBe(455);
    const tried = [...validated, ...isTimestamp].filter((t) => IS_OPERATORS.includes(t.operator));
    for (const operator of IS_OPERATORS) {
      const cases = tried.filter((t) => t.operator === operator).flatMap((t) => t.cases);
      expect({ operator, values: [...new Set(cases.map((c) => c.input.Value))].sort() }).toEqual({ operator, values: [false, true] });
      expect({ operator, outcomes: [...new Set(cases.map((c) => c.output['TestResult.$']))].sort() }).toEqual({ operator, outcomes: ['ConditionFalse', 'ConditionTrue'] });
    }
  });
});

describe('Choice rules end as they did on AWS', () => {
  it.each(validated.map((t) => [t.operator, t] as const))('%s', async (_operator, test) => {
    expect(await outcomes(sfn, test)).toEqual(test.cases);
  });

  it.each(isTimestamp.map((t) => [t.operator, t] as const))('%s (2023 AWS recording: a non-string is neither a timestamp nor a non-timestamp)', async (_operator, test) => {
    expect(await outcomes(sfn, test)).toEqual(test.cases);
  });

  it('IsPresent: false matches a path that matches nothing (the ASL spec: no exception, the rule is just false for IsPresent: true)', async () => {
    const machine = (value: boolean) => new sfn.StateMachine(definitionFor('IsPresent', value) as never, { validationOptions: { noValidate: true } });
    expect(await machine(false).run({ Value: false } as never).result).toEqual({ 'TestResult.$': 'ConditionTrue' });
    expect(await machine(true).run({ Value: true } as never).result).toEqual({ 'TestResult.$': 'ConditionFalse' });
  });

  it('the other Is* operators fail the execution (States.Runtime) on a path that matches nothing: no AWS recording says what AWS does, so the local stack does not guess', async () => {
    for (const operator of IS_OPERATORS.filter((o) => o !== 'IsPresent')) {
      for (const value of [true, false]) {
        const run = new sfn.StateMachine(definitionFor(operator, value) as never, { validationOptions: { noValidate: true } }).run({} as never);
        await expect(run.result).rejects.toThrow(/does not point to a value/);
      }
    }
  });

  it('unpatched, aws-local-stepfunctions 3.0.0 misses exactly the 55 validated cases with Is*: false that AWS matched', async () => {
    const unpatched = loadInterpreter(clock, () => 0.5, []);
    const misses: string[] = [];
    for (const test of validated) {
      const got = await outcomes(unpatched, test);
      got.forEach((c, i) => {
        if (c.output['TestResult.$'] !== test.cases[i]!.output['TestResult.$']) misses.push(`${test.operator}: ${JSON.stringify(c.input.Value)} on ${JSON.stringify(c.input.Variable)}`);
      });
    }
    expect(misses).toHaveLength(55);
    expect(misses.every((m) => /^Is\w+: false on /.test(m))).toBe(true);
  });
});

describe('a Task timeout', () => {
  // wait_60_seconds.py, the Lambda function in LocalStack's tests: answers after 60 s, later than the Task's 5 s timeout.
  const sixtySecondFunction = () => new Promise<Record<string, string>>((resolve) => clock.setTimeout(() => resolve({}), 60_000));
  const recorded = (file: string): any[] => (Object.values(fixture(file))[0] as any)['recorded-content'].get_execution_history.events;

  it('when caught, is {Error: "States.Timeout", Cause: ""} as on AWS (test_invoke_timeout)', async () => {
    const events = recorded('test_task_service_lambda.test_invoke_timeout.snapshot.json');
    const input = events.find((e) => e.type === 'ExecutionStarted').executionStartedEventDetails.input;
    const caught = events.find((e) => e.type === 'TaskStateExited').stateExitedEventDetails.output;
    const output = events.find((e) => e.type === 'ExecutionSucceeded').executionSucceededEventDetails.output;
    expect(caught).toEqual({ Error: 'States.Timeout', Cause: '' });

    const started = clock.nowMillis();
    const machine = new sfn.StateMachine(fixture('task_service_lambda_invoke_catch_timeout.json'));
    const result = await machine.run(input, { overrides: { taskResourceLocalHandlers: { Start: sixtySecondFunction } } }).result;
    expect(result).toEqual(output);
    expect(clock.nowMillis() - started).toBe(5_000);
  });

  it('uncaught, fails the execution with States.Timeout and an empty cause, where AWS records none (test_fixed_timeout_lambda)', async () => {
    const events = recorded('test_timeouts.test_fixed_timeout_lambda.snapshot.json');
    const input = events.find((e) => e.type === 'ExecutionStarted').executionStartedEventDetails.input;
    const failed = events.find((e) => e.type === 'ExecutionFailed').executionFailedEventDetails;
    expect(failed).toEqual({ error: 'States.Timeout' });

    const definition = fixture('lambda_wait_with_timeout_seconds.json');
    definition.States.Start.Resource = 'arn:aws:lambda:us-east-1:111111111111:function:lambda_1_func';
    const run = new sfn.StateMachine(definition).run(input, { overrides: { taskResourceLocalHandlers: { Start: sixtySecondFunction } } });
    await expect(run.result).rejects.toThrow();
    let event: { Error?: string; Cause?: string } | undefined;
    for await (const e of run.eventLogs as AsyncIterable<{ type: string; Error?: string; Cause?: string }>) if (e.type === 'ExecutionFailed') event = e;
    expect(event).toMatchObject({ Error: 'States.Timeout', Cause: '' });
  });

  it("reaches a Shepherd completion as the same failure AWS would report: States.Timeout, with no message", async () => {
    const definition = {
      StartAt: 'Step',
      States: {
        Step: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:step', TimeoutSeconds: 40, Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'Done' }], End: true },
        Done: { Type: 'Pass', End: true },
      },
    };
    const output = (await new sfn.StateMachine(definition as never).run({ requestId: 'r-1' } as never, { overrides: { taskResourceLocalHandlers: { Step: sixtySecondFunction } } }).result) as {
      failure: { Error: string; Cause?: string };
    };
    expect(output.failure).toEqual({ Error: 'States.Timeout', Cause: '' });
    expect(caughtFailure(output.failure)).toEqual({ status: 'FAILED', errorCode: 'States.Timeout', statusMessage: undefined });
  });
});

describe('the patches', () => {
  it('refuse to apply to a source without their text, or with it twice, so an upgrade fails loudly', () => {
    const patch = FIDELITY_PATCHES[0]!;
    expect(() => applyPatches('nothing to see', [patch])).toThrow(/found it 0 times/);
    expect(() => applyPatches(`${patch.find}\n${patch.find}`, [patch])).toThrow(/found it 2 times/);
    expect(applyPatches(`a ${patch.find} b`, [patch])).toBe(`a ${patch.replace} b`);
  });
});

describe('asl-lint', () => {
  const withRule = (rule: Record<string, unknown>) =>
    ({ StartAt: 'C', TimeoutSeconds: 60, States: { C: { Type: 'Choice', Choices: [{ ...rule, Next: 'D' }], Default: 'D' }, D: { Type: 'Succeed' } } }) as unknown as AslDefinition;

  it('refuses IsTimestamp: false, nested or not, and accepts Not: {IsTimestamp: true}', () => {
    const refusal = 'Choice "C" uses IsTimestamp: false (false on AWS for any non-string): write Not: {IsTimestamp: true}';
    expect(lintWorkflow(withRule({ Variable: '$.at', IsTimestamp: false }))).toContain(refusal);
    expect(lintWorkflow(withRule({ And: [{ Variable: '$.at', IsPresent: true }, { Not: { Variable: '$.at', IsTimestamp: false } }] }))).toContain(refusal);
    expect(lintWorkflow(withRule({ Not: { Variable: '$.at', IsTimestamp: true } }))).toEqual([]);
    expect(lintWorkflow(withRule({ Variable: '$.at', IsPresent: false }))).toEqual([]);
  });
});
