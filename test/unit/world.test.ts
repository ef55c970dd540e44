import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { loadWorld, parseWorld } from '../../local/emulators/world';

const root = join(__dirname, '..', '..');

describe('world files', () => {
  it('accepts the example world and the README example', () => {
    expect(loadWorld(join(root, 'examples/world.yaml')).cloudControl.resourceTypes['AWS::S3::Bucket']?.retryAfterSeconds).toBe(10);
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const blocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(blocks.length).toBeGreaterThan(0);
    for (const block of blocks) expect(() => parseWorld(parseYaml(block!))).not.toThrow();
  });

  it('names every unknown or mistyped field', () => {
    expect(() => parseWorld({ cloudControl: { resourceTypes: { 'AWS::S3::Bucket': { durationSecs: 3 } } } })).toThrow(
      /cloudControl\.resourceTypes\.AWS::S3::Bucket: Unrecognized key/,
    );
    expect(() => parseWorld({ clock: { speed: 'fast' } })).toThrow(/clock\.speed/);
  });
});
