/**
 * Every exception an emulator can answer with is one its service models
 * (local/emulators/models, from botocore) or one AWS documents as common to all
 * services (COMMON_ERRORS): an invented name would reach Shepherd's Retry
 * and Catch as something AWS never sends. This reads every
 * `new AwsError('<Name>'` in the sources; the workflow contract test
 * (responses.test.ts) checks the same per operation for the errors runs
 * actually produce.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMON_ERRORS, MODELS, modelledError } from '../../local/emulators/models';

const ROOT = join(__dirname, '../..');

/** Each source that throws AwsError, and the services (botocore names) it answers for; [] for the server itself. */
const SOURCES: Record<string, string[]> = {
  'local/emulators/aws-server.ts': [],
  'local/emulators/cloud-control.ts': ['cloudcontrol'],
  'local/emulators/service-catalog.ts': ['servicecatalog'],
  'local/emulators/provisioned-products.ts': ['servicecatalog'],
  'local/emulators/partner-central.ts': ['partnercentral-channel'],
  'local/emulators/step-functions.ts': ['stepfunctions'],
  'local/emulators/event-bridge.ts': ['events'],
  'local/emulators/sqs.ts': ['sqs'],
  'local/emulators/dynamodb.ts': ['dynamodb'],
  'local/emulators/sts.ts': ['sts'],
};

function thrownNames(file: string): Array<{ name: string; line: number }> {
  const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
  return lines.flatMap((text, i) => [...text.matchAll(/new AwsError\(\s*['"`]([^'"`]+)['"`]/g)].map((m) => ({ name: m[1]!, line: i + 1 })));
}

it('reads the throw sites of every emulator', () => {
  for (const file of Object.keys(SOURCES)) expect([file, thrownNames(file).length > 0]).toEqual([file, true]);
});

it.each(Object.entries(SOURCES))('%s answers only modelled or common errors', (file, services) => {
  const models = services.map((service) => MODELS.find((m) => m.service === service)!);
  const unknown = thrownNames(file)
    .filter(({ name }) => !COMMON_ERRORS[name] && !models.some((model) => modelledError(model, name)))
    .map(({ name, line }) => `${file}:${line} ${name}`);
  expect(unknown).toEqual([]);
});

it('lists every emulator file', () => {
  const files = readdirSync(join(ROOT, 'local/emulators'));
  const throwing = files.filter((f) => f.endsWith('.ts') && readFileSync(join(ROOT, 'local/emulators', f), 'utf8').includes('new AwsError('));
  expect(throwing.map((f) => `local/emulators/${f}`).sort()).toEqual(Object.keys(SOURCES).filter((f) => f.startsWith('local/emulators/')).sort());
});
