import type { z } from 'zod';

export interface Problem {
  /** Where, e.g. `policy.poll.initial` or `storages[0].id`; `input` for the value itself. */
  field: string;
  /** What is wrong and how to fix it, e.g. `must be a whole number from 1 to 100 (got 0)`. */
  problem: string;
}

/**
 * The one problem to report: an unknown key first (a typo usually explains the rest), then the
 * first other issue. Echoes the value given unless its field is one of `secret` (top-level names).
 */
export function firstProblem(error: z.ZodError, secret: readonly string[] = []): Problem {
  const issue = error.issues.find((i) => i.code === 'unrecognized_keys') ?? error.issues[0]!;
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path;
  const field = formatPath(path);
  if (issue.code === 'unrecognized_keys') return { field, problem: issue.message };
  if (issue.code === 'invalid_type' && issue.input === undefined) return { field, problem: `is missing: it ${issue.message}` };
  const hidden = secret.includes(String(path[0])) || issue.input === undefined;
  return { field, problem: hidden ? issue.message : `${issue.message} (got ${echo(issue.input)})` };
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'input';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
}

const ECHO_MAX = 80;

function echo(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > ECHO_MAX ? `${text.slice(0, ECHO_MAX)}…` : text;
}
