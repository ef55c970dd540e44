/**
 * Every name a workflow's Retry or Catch matches (`ErrorEquals`, anywhere in
 * the definition: Map and Parallel branches too) is an error that can
 * happen: one of Step Functions' own, one Lambda reports, or the `name` of
 * an error class Shepherd's code exports (found by loading shared/, not
 * listed here). A misspelt name matches nothing, silently: a Retry that never
 * retries, a Catch that never catches. And the converse: each Shepherd error
 * class is decided on — matched by name, left to the catch-all, or never in
 * a workflow — so a new class cannot slip in unhandled.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FUNCTION_DIED_ERRORS, OUTAGE_ERRORS } from '../../tooling/asl-lint';
import { PRODUCT_DIRS, ROOT, productErrorClasses, sourceFiles } from '../support/error-classes';

/**
 * Step Functions' error names ("Error names", docs.aws.amazon.com/step-functions/
 * latest/dg/concepts-error-handling.html; the ASL spec, states-language.net/spec.html
 * appendix A). Not States.Runtime: it can be neither retried nor caught, so
 * naming it in ErrorEquals matches nothing.
 */
const STEP_FUNCTIONS_ERRORS = [
  'States.ALL',
  'States.BranchFailed',
  'States.DataLimitExceeded',
  'States.ExceedToleratedFailureThreshold',
  'States.HeartbeatTimeout',
  'States.Http.Socket',
  'States.IntrinsicFailure',
  'States.ItemReaderFailed',
  'States.NoChoiceMatched',
  'States.ParameterPathFailure',
  'States.Permissions',
  'States.QueryEvaluationError',
  'States.ResultPathMatchFailure',
  'States.ResultWriterFailed',
  'States.TaskFailed',
  'States.Timeout',
];

/**
 * What a Lambda Task reports besides the handler's own errors:
 * - the Invoke API's errors, which Step Functions names `Lambda.<exception>`,
 *   and Lambda.Unknown for unhandled ones (out of memory, a function timeout):
 *   "Handle Lambda service exceptions", docs.aws.amazon.com/step-functions/latest/dg/
 *   bp-lambda-serviceexception.html; RequestTooLargeException is in the Invoke API
 *   reference's errors (docs.aws.amazon.com/lambda/latest/api/API_Invoke.html);
 * - the function's errorType when the runtime, not the handler, failed:
 *   Sandbox.Timedout (docs.aws.amazon.com/lambda/latest/dg/troubleshooting-invocation.html),
 *   Runtime.ExitError (the runtime process exited), and the Node.js runtime's own
 *   classes, named `Runtime.<class>` (aws-lambda-nodejs-runtime-interface-client, src/Errors.js).
 */
const LAMBDA_ERRORS = [
  'Lambda.AWSLambdaException',
  'Lambda.ClientExecutionTimeoutException',
  'Lambda.RequestTooLargeException',
  'Lambda.SdkClientException',
  'Lambda.ServiceException',
  'Lambda.TooManyRequestsException',
  'Lambda.Unknown',
  'Sandbox.Timedout',
  'Runtime.ExitError',
  'Runtime.HandlerNotFound',
  'Runtime.ImportModuleError',
  'Runtime.MalformedHandlerName',
  'Runtime.UnhandledPromiseRejection',
  'Runtime.UserCodeSyntaxError',
];

interface MatchedName {
  name: string;
  /** Where in the definition, as a JSON path. */
  at: string;
}

/** Every name in every ErrorEquals of a definition, however deeply nested (Parallel Branches, Map ItemProcessor/Iterator). */
function matchedErrorNames(definition: unknown): MatchedName[] {
  const found: MatchedName[] = [];
  const walk = (node: unknown, at: string) => {
    if (Array.isArray(node)) node.forEach((item, i) => walk(item, `${at}[${i}]`));
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        const here = `${at}[${JSON.stringify(key)}]`;
        if (key === 'ErrorEquals') {
          // Not a list of strings is a name nothing can match: report it as one.
          if (!Array.isArray(value)) found.push({ name: JSON.stringify(value), at: here });
          else value.forEach((name, i) => found.push({ name: typeof name === 'string' ? name : JSON.stringify(name), at: `${here}[${i}]` }));
        } else walk(value, here);
      }
    }
  };
  walk(definition, '$');
  return found;
}

/** The names in a definition that are no error anything raises. */
function unknownErrorNames(definition: unknown, known: ReadonlySet<string>): MatchedName[] {
  return matchedErrorNames(definition).filter(({ name }) => !known.has(name));
}

const errorClasses = productErrorClasses();
const KNOWN = new Set([...STEP_FUNCTIONS_ERRORS, ...LAMBDA_ERRORS, ...errorClasses.keys()]);

const workflows = readdirSync(join(ROOT, 'workflows'))
  .filter((f) => f.endsWith('.asl.json'))
  .sort()
  .map((file) => ({ file, definition: JSON.parse(readFileSync(join(ROOT, 'workflows', file), 'utf8')) as unknown }));
const matchedAnywhere = new Set(workflows.flatMap(({ definition }) => matchedErrorNames(definition).map((m) => m.name)));

describe('the error names workflows match', () => {
  it('finds the workflows and Shepherd’s error classes (the checks below are not vacuous)', () => {
    expect(workflows.length).toBeGreaterThan(0);
    expect(errorClasses.get('TransientServiceError')?.module).toBe('shared/runtime/errors.ts');
  });

  it.each(workflows.map(({ file, definition }) => [file, definition]))('%s matches only errors that exist', (_, definition) => {
    expect(matchedErrorNames(definition).length).toBeGreaterThan(0);
    expect(unknownErrorNames(definition, KNOWN)).toEqual([]);
  });

  it('the names tooling/asl-lint.ts requires every Task to retry exist too', () => {
    expect([...OUTAGE_ERRORS, ...FUNCTION_DIED_ERRORS].filter((name) => !KNOWN.has(name))).toEqual([]);
  });

  it('catches a misspelt name, at any depth: in a Parallel branch, a Map’s ItemProcessor or Iterator', () => {
    const retry = (...names: unknown[]) => [{ ErrorEquals: names, MaxAttempts: 2 }];
    const task = (names: unknown[]) => ({ Type: 'Task', Resource: 'arn', Retry: retry(...names), Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Done' }], End: true });
    const fake = {
      StartAt: 'Top',
      States: {
        Top: task(['TransientServiceError', 'Lambda.ServiceException']),
        Fan: {
          Type: 'Parallel',
          Branches: [{ StartAt: 'B', States: { B: task(['TransientServiceErorr']) } }],
          Retry: retry('States.Timeot'),
        },
        Each: { Type: 'Map', ItemProcessor: { StartAt: 'M', States: { M: task(['EventsNotDelivered', 'Lambda.Unkown']) } } },
        Old: { Type: 'Map', Iterator: { StartAt: 'I', States: { I: task(['States.Runtime', 42]) } } },
        Odd: { Type: 'Task', Resource: 'arn', Catch: [{ ErrorEquals: 'States.ALL', Next: 'Top' }], End: true },
      },
    };
    expect(unknownErrorNames(fake, KNOWN)).toEqual([
      { name: 'TransientServiceErorr', at: '$["States"]["Fan"]["Branches"][0]["States"]["B"]["Retry"][0]["ErrorEquals"][0]' },
      { name: 'States.Timeot', at: '$["States"]["Fan"]["Retry"][0]["ErrorEquals"][0]' },
      { name: 'Lambda.Unkown', at: '$["States"]["Each"]["ItemProcessor"]["States"]["M"]["Retry"][0]["ErrorEquals"][1]' },
      { name: 'States.Runtime', at: '$["States"]["Old"]["Iterator"]["States"]["I"]["Retry"][0]["ErrorEquals"][0]' },
      { name: '42', at: '$["States"]["Old"]["Iterator"]["States"]["I"]["Retry"][0]["ErrorEquals"][1]' },
      { name: '"States.ALL"', at: '$["States"]["Odd"]["Catch"][0]["ErrorEquals"]' },
    ]);
  });

  it('knows a Shepherd error class only once it exists: a renamed class leaves its old name unknown', () => {
    const renamed = new Set([...KNOWN].filter((name) => name !== 'EventsNotDelivered'));
    const definition = workflows.find(({ definition }) => matchedErrorNames(definition).some((m) => m.name === 'EventsNotDelivered'))?.definition;
    expect(definition).toBeDefined();
    expect(unknownErrorNames(definition, renamed).map((m) => m.name)).toContain('EventsNotDelivered');
  });
});

/**
 * What becomes of each error class in the workflows. `matched`: a Retry or
 * Catch names it. `catch-all`: a workflow Lambda throws it, and only the
 * States.ALL Catch every Task has (tooling/asl-lint.ts) takes it: the request
 * ends FAILED with it as the cause, since no retry can help. `not in a
 * workflow`: no workflow Lambda throws it.
 */
const DISPOSITION: Record<string, 'matched' | 'catch-all' | 'not in a workflow'> = {
  // Throttling, 5xx, network faults: retried for as long as the execution may run.
  TransientServiceError: 'matched',
  // PutEvents refused some of a completion's events: the emit Task retries it.
  EventsNotDelivered: 'matched',
  // A Lambda handed a state its workflow never produces: a bug, so retrying replays it.
  InvalidWorkflowState: 'catch-all',
  // The request's stored document is gone or altered: no retry brings it back.
  RequestDocumentUnavailable: 'catch-all',
  // "Not yet" from a cancel: thrown to the intake (an SQS-driven Lambda), which keeps the message.
  RetryLater: 'not in a workflow',
  // The spoke role cannot be assumed, or the stage names none: configuration, not a fault; the request ends FAILED with why.
  SpokeRoleNotAssumable: 'catch-all',
  SpokeNotConfigured: 'catch-all',
  // A state asking to accept a share that is not an account share: ingest refuses such requests, so a bug.
  InvalidAcceptanceTarget: 'catch-all',
};

describe('Shepherd’s error classes in the workflows', () => {
  it('each one is decided on (a new class needs a line in DISPOSITION)', () => {
    expect(Object.keys(DISPOSITION).sort()).toEqual([...errorClasses.keys()].sort());
  });

  it.each(Object.entries(DISPOSITION))('%s: %s', (name, disposition) => {
    expect(matchedAnywhere.has(name)).toBe(disposition === 'matched');
  });
});

describe('error classes in product code', () => {
  // Declarations, found in the source: what loading the modules cannot see (an unexported class, functions/).
  const declared = PRODUCT_DIRS.flatMap(sourceFiles).flatMap((file) =>
    [...readFileSync(join(ROOT, file), 'utf8').matchAll(/\bclass\s+(\w+)\s+extends\s+([\w.]+)/g)].map(([, name, base]) => ({ file, name, base })),
  );
  const classNames = new Set([...errorClasses.values()].map((c) => c.errorClass.name));

  it('all extend ShepherdError, not Error', () => {
    expect(declared.filter(({ name, base }) => /(Error|Exception)$/.test(base!) && name !== 'ShepherdError' && base !== 'ShepherdError' && !classNames.has(base!))).toEqual([]);
  });

  it('are all exported from shared/, so the check above sees them', () => {
    const errorDeclarations = declared.filter(({ base }) => base === 'ShepherdError' || classNames.has(base!));
    expect(errorDeclarations.filter(({ name }) => !classNames.has(name!))).toEqual([]);
    expect(errorDeclarations.length).toBe(errorClasses.size);
  });
});
