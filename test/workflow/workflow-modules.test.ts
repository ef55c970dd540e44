/**
 * Each workflow's declaration (shared/<workflow>/workflow.ts, registered in
 * shared/workflows.ts) is the one place its facts live: these checks hold it
 * to the ASL it runs, the function modules it names, the event contracts and
 * the configuration that serverless and the local stack derive from it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REQUEST_CONTRACTS } from '../../shared/contracts/events';
import { validateDetail } from '../../shared/contracts/validate';
import { guardrailsFor } from '../../shared/guardrails';
import { stateMachineLogicalId } from '../../shared/workflow/module';
import { stateMachineArnFor, workflowOf } from '../../shared/workflow/names';
import { CANCELS, WORKFLOWS, requestDetailTypes as registeredDetailTypes } from '../../shared/workflows';
import { functionLogicalId, loadServiceModel } from '../../tooling/serverless-config';

const root = join(__dirname, '..', '..');
const service = loadServiceModel(root);

type State = { Type: string; Resource?: unknown; ResultPath?: string; States?: Record<string, State>; Iterator?: { States: Record<string, State> }; ItemProcessor?: { States: Record<string, State> }; Branches?: Array<{ States: Record<string, State> }> };

/** Every Task state of a definition (Map and Parallel branches included), with the function logical id it invokes. */
function taskStates(states: Record<string, State>, out = new Map<string, string>()): Map<string, string> {
  for (const [name, state] of Object.entries(states)) {
    if (state.Type === 'Task') {
      const resource = state.Resource as { 'Fn::GetAtt'?: [string, string] };
      out.set(name, resource['Fn::GetAtt']?.[0] ?? JSON.stringify(state.Resource));
    }
    for (const nested of [state.Iterator, state.ItemProcessor, ...(state.Branches ?? [])]) if (nested) taskStates(nested.States, out);
  }
  return out;
}

function resultPaths(states: Record<string, State>, out: string[] = []): string[] {
  for (const state of Object.values(states)) {
    if (state.ResultPath) out.push(state.ResultPath);
    for (const nested of [state.Iterator, state.ItemProcessor, ...(state.Branches ?? [])]) if (nested) resultPaths(nested.States, out);
  }
  return out;
}

const definitionOf = (name: string) => JSON.parse(readFileSync(join(root, 'workflows', `${name}.asl.json`), 'utf8')) as { States: Record<string, State> };

describe.each(WORKFLOWS.map((w) => [w.name, w] as const))('workflow %s', (name, workflow) => {
  it('has its ASL file, run by a state machine of the same name in the serverless configuration', () => {
    expect(existsSync(join(root, 'workflows', `${name}.asl.json`))).toBe(true);
    const machine = Object.values(service.stateMachines).find((sm) => sm.logicalId === stateMachineLogicalId(name));
    expect(machine?.name).toBe(`shepherd-local-${name}`);
    // The same states (the model holds them with the function ARNs resolved).
    expect(Object.keys((machine?.definition as { States: object }).States)).toEqual(Object.keys(definitionOf(name).States));
  });

  it('declares exactly the Task states of its ASL, each on the function that runs it', () => {
    const declared = new Map(workflow.tasks.flatMap((task) => task.states.map((state) => [state, functionLogicalId(task.key)] as const)));
    expect(Object.fromEntries(declared)).toEqual(Object.fromEntries(taskStates(definitionOf(name).States)));
  });

  it('names function modules that exist and were built with the clients it declares', () => {
    for (const task of workflow.tasks) {
      const [file, exportName] = [task.handler.replace(/\.[^.]+$/, ''), task.handler.split('.').pop()];
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- the handler path is data (the declaration names it)
      const module = require(join(root, file)) as Record<string, unknown> & { clients: string[] };
      expect({ task: task.key, exported: typeof module[exportName!] }).toEqual({ task: task.key, exported: 'function' });
      expect({ task: task.key, clients: [...module.clients].sort() }).toEqual({ task: task.key, clients: [...task.clients].sort() });
    }
  });

  it('owns the contracts of its requests, its cancel and its terminal event, each in a file of its own folder', () => {
    const owned = Object.values(workflow.events);
    const used = [...workflow.requests.map((r) => r.contract), workflow.terminal.contract];
    for (const contract of used) expect({ detailType: contract.detailType, owned: owned.includes(contract) }).toEqual({ detailType: contract.detailType, owned: true });
    expect(owned.filter((c) => c.terminal)).toEqual([workflow.terminal.contract]);
  });

  it('keeps its progress record where its ASL writes it', () => {
    expect(resultPaths(definitionOf(name).States)).toContain(`$.${workflow.progressRecord}`);
  });

  it('gives each of its functions the role serverless.yml would: the ledger statement once, when it uses the ledger', () => {
    for (const task of workflow.tasks) {
      const fn = service.functions[task.key]!;
      const ledgerStatements = fn.policy.filter((s) => [s.Action].flat().includes('dynamodb:PutItem'));
      expect({ task: task.key, ledger: ledgerStatements.length }).toEqual({ task: task.key, ledger: 'ledger' in task && task.ledger ? 1 : 0 });
      expect({ task: task.key, usesDynamoDb: (task.clients as readonly string[]).includes('dynamodb') }).toEqual({ task: task.key, usesDynamoDb: 'ledger' in task && task.ledger === true });
    }
  });
});

describe('the registry', () => {
  it('finds each workflow from its state machine ARN and back, even when one name ends another', () => {
    const arn = (name: string) => `arn:aws:states:us-east-1:000000000000:stateMachine:shepherd-dev-${name}`;
    const names = WORKFLOWS.map((w) => w.name as string);
    for (const name of names) {
      expect(workflowOf(arn(name), names)).toBe(name);
      expect(stateMachineArnFor(name, names.map(arn))).toBe(arn(name));
    }
    // A workflow `share` beside `portfolio-share`: each ARN goes to its own.
    expect(workflowOf(arn('portfolio-share'), ['share', 'portfolio-share'])).toBe('portfolio-share');
    expect(workflowOf(arn('share'), ['share', 'portfolio-share'])).toBe('share');
    expect(stateMachineArnFor('share', [arn('portfolio-share'), arn('share')])).toBe(arn('share'));
    expect(workflowOf(arn('other'), names)).toBeUndefined();
  });

  it('routes every request contract to exactly one workflow', () => {
    const declared = [...WORKFLOWS.flatMap((w) => w.requests.map((r) => r.contract.detailType)), ...CANCELS.map((c) => c.contract.detailType)];
    expect([...declared].sort()).toEqual(REQUEST_CONTRACTS.map((c) => c.detailType).sort());
    expect([...registeredDetailTypes()].sort()).toEqual([...declared].sort());
    // Each cancel belongs to the workflow whose requests it cancels (the one that owns its contract).
    for (const cancel of CANCELS) expect(WORKFLOWS.filter((w) => (Object.values(w.events) as unknown[]).includes(cancel.contract))).toHaveLength(1);
  });

  it('is what the request rule matches', () => {
    const rule = service.rules.find((r) => r.queueName === 'shepherd-local-requests')!;
    expect(rule.pattern['detail-type']).toEqual(registeredDetailTypes());
  });

  it('gives no two workflows a function of the same name, and every function of the service is the platform\'s or a workflow\'s', () => {
    const keys: string[] = WORKFLOWS.flatMap((w) => w.tasks.map((t) => t.key));
    expect(new Set(keys).size).toBe(keys.length);
    const platform = Object.keys(service.functions).filter((key) => !keys.includes(key));
    expect(platform.sort()).toEqual(['ingestRequests', 'redriveDeadLetters', 'rescueTerminalEvent', 'sweepUnfinishedRequests']);
  });
});

/** The example requests `npm start` sends (examples/events/*.json: PutEvents entries). */
const EXAMPLES = readdirSync(join(root, 'examples/events'))
  .filter((file) => file.endsWith('.json'))
  .map((file) => ({ file, ...(JSON.parse(readFileSync(join(root, 'examples/events', file), 'utf8')) as { DetailType: string; Detail: Record<string, unknown> }) }));

describe.each(WORKFLOWS.flatMap((w) => w.requests.map((r) => [r.contract.detailType, r] as const)))('request kind %s', (detailType, kind) => {
  const examples = EXAMPLES.filter((e) => e.DetailType === detailType);

  it('has an example that npm start sends, valid against its contract', () => {
    expect({ detailType, examples: examples.length > 0 }).toEqual({ detailType, examples: true });
    for (const example of examples) expect({ file: example.file, valid: validateDetail(kind.contract.detail, example.Detail).ok }).toEqual({ file: example.file, valid: true });
  });

  it("is checked against an allowlist section whose deny-all its own schema accepts, and which the local stage lists", () => {
    expect(kind.allowlist.schema.safeParse(kind.allowlist.denyAll).success).toBe(true);
    expect(Object.hasOwn(guardrailsFor('local'), kind.allowlist.section)).toBe(true);
  });

  it('is refused by a stage with no guardrails of its own (an unlisted stage allows no AWS change of any kind)', () => {
    for (const example of examples) {
      const { requestId: _requestId, ...body } = example.Detail;
      const errors = kind.authorize(body as never, kind.allowlist.of(guardrailsFor('an-unlisted-stage')), { partition: 'aws', accountId: '000000000000' });
      expect({ file: example.file, refused: errors.length > 0, codes: [...new Set(errors.map((e) => e.code))] }).toEqual({ file: example.file, refused: true, codes: ['not_allowed'] });
    }
  });
});
