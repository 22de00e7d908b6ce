// A failing schedule as a test to paste into test/exactly-once.test.ts (its describe block defines `env`;
// the test names the imports it needs).
import type { Schedule } from './schedule';
import type { Verdict } from './exactly-once';

export function asTestCase(verdict: Verdict): string {
  const what = verdict.problems.map((p) => `${p.problem}: ${p.detail}`).join('; ');
  return [
    `// ${what}`,
    `// imports: expect (vitest), runSchedules (./property/exactly-once), type Schedule (./property/schedule)`,
    `it('runs this schedule exactly once', async () => {`,
    `  const schedule: Schedule = ${literal(verdict.schedule)};`,
    `  const [verdict] = await runSchedules(env, [schedule]);`,
    `  expect(verdict!.problems).toEqual([]);`,
    `}, 5 * 60_000);`,
  ].join('\n');
}

/** A TypeScript literal: JSON, with the keys that need no quotes unquoted. */
function literal(schedule: Schedule): string {
  const fields = (Object.keys(schedule) as Array<keyof Schedule>).map((key) => `    ${key}: ${JSON.stringify(schedule[key]).replace(/"([A-Za-z_][A-Za-z0-9_]*)":/g, '$1: ')},`);
  return ['{', ...fields, '  }'].join('\n');
}
