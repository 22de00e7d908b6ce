import { redact } from '../config/redact';

/** The Temporal server did not answer (refused, unresolvable, timed out, not a Temporal endpoint): exit 4. */
export class TemporalUnreachableError extends Error {
  override readonly name = 'TemporalUnreachableError';
  constructor(address: string, cause: unknown) {
    super(redact(`cannot reach Temporal at ${address} (${(cause as Error)?.message ?? String(cause)}): check TEMPORAL_ADDRESS and that the server is running`));
  }
}
