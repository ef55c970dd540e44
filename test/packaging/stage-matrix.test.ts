/**
 * `serverless package` for real on the stage and region names people use:
 * every name AWS limits stays within its limit (IAM role names 64, Lambda
 * function names 64, EventBridge statement ids 64, state machine and queue
 * names 80). serverless-iam-roles-per-function's own role names passed 64 as
 * soon as stage and region were longer than a few letters; Shepherd names
 * them by config/role-names.js.
 */
import { execFile } from 'node:child_process';
import { WORKFLOWS } from '../../shared/workflows';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const root = join(__dirname, '..', '..');
const STAGES = ['dev', 'prod', 'production', 'staging-eu'];
const REGIONS = ['us-east-1', 'eu-central-1', 'ap-southeast-2'];
// One at a time: serverless-esbuild builds in the project's .esbuild folder, which concurrent runs would share.
const CONCURRENCY = 1;

type Template = { Resources: Record<string, { Type: string; Properties: Record<string, any> }> };
const templates = new Map<string, Template>();

async function packageFor(stage: string, region: string): Promise<Template> {
  const out = mkdtempSync(join(tmpdir(), `shepherd-${stage}-${region}-`));
  await promisify(execFile)(process.execPath, [require.resolve('serverless/bin/serverless.js'), 'package', '--stage', stage, '--region', region, '--package', out], {
    cwd: root,
    env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off', AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: 'shepherd-no-such-profile' },
    timeout: 240_000,
  });
  return JSON.parse(readFileSync(join(out, 'cloudformation-template-update-stack.json'), 'utf8')) as Template;
}

beforeAll(async () => {
  const jobs = STAGES.flatMap((stage) => REGIONS.map((region) => ({ stage, region })));
  const workers = Array.from({ length: CONCURRENCY }, async () => {
    for (let job = jobs.shift(); job; job = jobs.shift()) templates.set(`${job.stage} ${job.region}`, await packageFor(job.stage, job.region));
  });
  await Promise.all(workers);
}, 900_000);

describe.each(STAGES.flatMap((stage) => REGIONS.map((region) => [stage, region])))('serverless package --stage %s --region %s', (stage, region) => {
  const template = () => templates.get(`${stage} ${region}`)!;
  const named = (type: string, property: string) =>
    Object.values(template().Resources).filter((r) => r.Type === type).map((r) => r.Properties[property]).filter((name) => typeof name === 'string') as string[];

  it('names every function role within 64 characters, with the stack prefix the key policy uses, each once', () => {
    const roles = named('AWS::IAM::Role', 'RoleName');
    // One per function: the platform's four and each workflow's Task functions.
    expect(roles).toHaveLength(4 + WORKFLOWS.reduce((n, workflow) => n + workflow.tasks.length, 0));
    expect(roles.filter((name) => name.length > 64)).toEqual([]);
    expect(roles.every((name) => name.startsWith(`shepherd-${stage}-`))).toBe(true);
    expect(new Set(roles).size).toBe(roles.length);
  });

  it('keeps function names, bus policy statement ids, state machine and queue names within their limits', () => {
    expect(named('AWS::Lambda::Function', 'FunctionName').filter((name) => name.length > 64)).toEqual([]);
    expect(named('AWS::Events::EventBusPolicy', 'StatementId').filter((id) => !/^[a-zA-Z0-9-_]{1,64}$/.test(id))).toEqual([]);
    expect(named('AWS::StepFunctions::StateMachine', 'StateMachineName').filter((name) => name.length > 80)).toEqual([]);
    expect(named('AWS::SQS::Queue', 'QueueName').filter((name) => name.length > 80)).toEqual([]);
  });
});
