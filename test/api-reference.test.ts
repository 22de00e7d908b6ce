// The API reference (npm run docs:api) is generated from the TSDoc of the four entry points: a public
// signature naming a type no entry exports leaves a dead end in it, and TypeDoc says so.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..');

describe('the API reference', () => {
  it('documents every type a public signature names, with no TypeDoc warning', async () => {
    const typedoc = join(ROOT, 'node_modules', '.bin', 'typedoc');
    const run = await promisify(execFile)(typedoc, ['--emit', 'none', '--treatWarningsAsErrors'], { cwd: ROOT }).then(
      ({ stdout }) => ({ ok: true, out: stdout }),
      (err: { stdout?: string; stderr?: string }) => ({ ok: false, out: `${err.stdout ?? ''}${err.stderr ?? ''}` }),
    );
    expect(run.out.replace(/\x1b\[[0-9;]*m/g, '').split('\n').filter((line) => /warning|error/i.test(line))).toEqual([]);
    expect(run.ok).toBe(true);
  }, 300_000);
});
