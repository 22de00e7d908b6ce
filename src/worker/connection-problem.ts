/** What is wrong with a connection: its configuration (a fix is needed), or Label Studio's availability (it may pass). */
export interface ConnectionProblem {
  connection: string;
  /** true: the URL or key is wrong (unknown host, key refused, no Label Studio API there); false: unreachable or failing for now. */
  configuration: boolean;
  /** One line naming the connection and the variable to check; never the URL or the key. */
  message: string;
}

/** The CLI's worker could not use a configured connection: exit 5 for a configuration problem, 4 for an unreachable Label Studio. */
export class ConnectionCheckError extends Error {
  override readonly name = 'ConnectionCheckError';
  constructor(readonly problem: ConnectionProblem) {
    super(problem.message);
  }
}
