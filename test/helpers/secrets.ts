import { appendFileSync, mkdirSync } from 'node:fs';
import { TEST_SECRETS_FILE, TEST_STATE_DIR } from '../setup/paths';

/** Remembers a value that must never reach workflow history; the audit run looks for each. */
export function rememberSecret(...values: string[]): void {
  mkdirSync(TEST_STATE_DIR, { recursive: true });
  appendFileSync(TEST_SECRETS_FILE, values.map((v) => `${v}\n`).join(''));
}
