import { join } from 'node:path';
import { lintWorkflow, lintWorkflows, workflowFiles } from '../../local/asl-lint';
import { loadServiceModel, type AslDefinition } from '../../local/serverless-config';

const root = join(__dirname, '..', '..');

describe('workflows/', () => {
  it.each(lintWorkflows(root).map((r) => [r.file, r.errors] as const))('%s passes asl-validator and Shepherd rules', (_file, errors) => {
    expect(errors).toEqual([]);
  });

  it('every workflow file is deployed by serverless.yml', () => {
    const deployed = Object.values(loadServiceModel(root).stateMachines).length;
    expect(deployed).toBe(workflowFiles(root).length);
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
