import { join } from 'node:path';
import { FUNCTION_DIED_ERRORS, OUTAGE_ERRORS, expectedRetryWindowSeconds, lintWorkflow, lintWorkflows, workflowFiles } from '../../tooling/asl-lint';
import { loadServiceModel, visitStates, type AslDefinition } from '../../tooling/serverless-config';
import { MAX_EXECUTION_SECONDS, TERMINALS as RESCUED_WORKFLOWS } from '../../shared/workflow/rescue';

const root = join(__dirname, '..', '..');

describe('workflows/', () => {
  it.each(lintWorkflows(root).map((r) => [r.file, r.errors] as const))('%s passes asl-validator and Shepherd rules', (_file, errors) => {
    expect(errors).toEqual([]);
  });

  it('every workflow file is deployed by serverless.yml', () => {
    const deployed = Object.values(loadServiceModel(root).stateMachines).length;
    expect(deployed).toBe(workflowFiles(root).length);
  });

  it('every Task waits longer than its function may run, so Lambda reports a timeout (Sandbox.Timedout) before Step Functions does', () => {
    const problems: string[] = [];
    const { stateMachines, functions } = loadServiceModel(root);
    for (const machine of Object.values(stateMachines)) {
      visitStates(machine.definition, (name, state) => {
        if (state.Type !== 'Task') return;
        const fn = functions[machine.taskFunctions[name]!]!;
        if (!(Number(state.TimeoutSeconds) > fn.timeoutSeconds)) problems.push(`${machine.name} "${name}": Task ${String(state.TimeoutSeconds)} s, function ${fn.timeoutSeconds} s`);
      });
    }
    expect(problems).toEqual([]);
  });

  it('the linter catches retries that give up before the execution would, or miss how Lambda reports a dead function', () => {
    const task = (Retry: unknown[]) => ({ StartAt: 'Do', TimeoutSeconds: 93_600, States: { Do: { Type: 'Task', Resource: { 'Fn::GetAtt': ['F', 'Arn'] }, TimeoutSeconds: 5, Retry, Catch: [{ ErrorEquals: ['States.ALL'], Next: 'End' }], End: true }, End: { Type: 'Succeed' } } }) as unknown as AslDefinition;
    const fourHours = { IntervalSeconds: 2, BackoffRate: 2, MaxAttempts: 100, MaxDelaySeconds: 300, JitterStrategy: 'FULL' };
    const short = lintWorkflow(task([{ ErrorEquals: [...OUTAGE_ERRORS, ...FUNCTION_DIED_ERRORS], ...fourHours }]));
    expect(short).toContain(`Task "Do" retries TransientServiceError for about ${Math.round(expectedRetryWindowSeconds({ ErrorEquals: [], ...fourHours }))} s, less than the execution may run (93600 s)`);
    const blind = lintWorkflow(task([{ ErrorEquals: OUTAGE_ERRORS, IntervalSeconds: 2, BackoffRate: 2, MaxAttempts: 230, MaxDelaySeconds: 900, JitterStrategy: 'FULL' }]));
    expect(blind).toEqual(expect.arrayContaining(FUNCTION_DIED_ERRORS.map((e) => `Task "Do" does not retry ${e}`)));
    expect(expectedRetryWindowSeconds({ ErrorEquals: [], IntervalSeconds: 2, BackoffRate: 2, MaxAttempts: 230, MaxDelaySeconds: 900, JitterStrategy: 'FULL' })).toBeGreaterThan(93_600);
  });

  it('the linter catches a Task without Retry or Catch, and invalid ASL', () => {
    const broken: AslDefinition = {
      StartAt: 'Do',
      TimeoutSeconds: 60,
      States: { Do: { Type: 'Task', Resource: { 'Fn::GetAtt': ['F', 'Arn'] }, TimeoutSeconds: 5, Next: 'Nowhere' } },
    };
    const errors = lintWorkflow(broken);
    expect(errors).toEqual(expect.arrayContaining(['Task "Do" has no Retry', 'Task "Do" has no Catch for States.ALL']));
    expect(errors.some((e) => e.includes('Nowhere'))).toBe(true);
  });
});

describe('the rescue knows the workflows', () => {
  it('names only states that exist where it says the outcome is known', () => {
    const { stateMachines } = loadServiceModel(root);
    for (const [workflow, contract] of Object.entries(RESCUED_WORKFLOWS)) {
      const machine = Object.values(stateMachines).find((m) => m.name.endsWith(`-${workflow}`))!;
      for (const stateName of Object.keys(contract.outcomeKnownIn)) expect({ workflow, stateName, exists: stateName in machine.definition.States }).toEqual({ workflow, stateName, exists: true });
    }
  });
});

describe('how far the sweep looks back', () => {
  it('no workflow runs longer than the sweep assumes', () => {
    for (const machine of Object.values(loadServiceModel(root).stateMachines)) {
      expect({ machine: machine.name, timeout: machine.definition.TimeoutSeconds }).toEqual({ machine: machine.name, timeout: MAX_EXECUTION_SECONDS });
    }
  });
});

describe('where the rescue looks for a sent terminal event', () => {
  it('every emit step writes its result at $.completion', () => {
    for (const machine of Object.values(loadServiceModel(root).stateMachines)) {
      const emits = Object.entries(machine.definition.States).filter(([, state]) => state.Type === 'Task' && machine.taskFunctions[Object.keys(machine.definition.States).find((n) => machine.definition.States[n] === state)!]!.startsWith('emit'));
      expect(emits.map(([name, state]) => [machine.name, name, state.ResultPath])).toEqual(emits.map(([name]) => [machine.name, name, '$.completion']));
      expect(emits).toHaveLength(1);
    }
  });
});
