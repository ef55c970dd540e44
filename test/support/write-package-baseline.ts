/** Rewrites test/fixtures/package-baseline/stage-test.json from a fresh `serverless package --stage test` (see its README). */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normaliseTemplate } from './template';

const root = join(__dirname, '..', '..');
const out = mkdtempSync(join(tmpdir(), 'shepherd-baseline-'));
execFileSync(process.execPath, [require.resolve('serverless/bin/serverless.js'), 'package', '--stage', 'test', '--package', out], {
  cwd: root,
  env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off', AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: 'shepherd-no-such-profile' },
  stdio: 'inherit',
});
const template = JSON.parse(readFileSync(join(out, 'cloudformation-template-update-stack.json'), 'utf8'));
writeFileSync(join(root, 'test/fixtures/package-baseline/stage-test.json'), `${JSON.stringify(normaliseTemplate(template), null, 1)}\n`);
