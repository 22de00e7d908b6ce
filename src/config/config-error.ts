import { redact } from './redact';

/** A configuration problem the operator must fix: names the variable and what to put there. Never a credential: the message is redacted. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly variable: string,
    problem: string,
    fix: string,
  ) {
    super(redact(`${variable}: ${problem}. ${fix}`));
  }
}
