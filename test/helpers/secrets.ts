import { appendFileSync, mkdirSync } from 'node:fs';
import { TEST_SECRETS_FILE, TEST_STATE_DIR } from '../setup/paths';

/** Remembers a value that must never reach workflow history; the audit run looks for each. */
export function rememberSecret(...values: string[]): void {
  // A value this short turns up in any history by chance: the audit would fail on every one.
  const short = values.find((v) => v.length < 8);
  if (short !== undefined) throw new Error(`test secret ${JSON.stringify(short)} is too short for the history audit: use 8 characters or more`);
  mkdirSync(TEST_STATE_DIR, { recursive: true });
  appendFileSync(TEST_SECRETS_FILE, values.map((v) => `${v}\n`).join(''));
}
