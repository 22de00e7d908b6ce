import { readFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readableText } from '../helpers/readable-text';
import { TEST_SECRETS_FILE } from '../setup/paths';

// Runs after the main suite against the same server database: every history any test produced
// (inputs, results, failures, search attributes, memos) must be free of Label Studio URLs and keys.
describe('workflow histories of the whole suite', () => {
  let connection: Connection;
  let client: Client;

  beforeAll(async () => {
    connection = await Connection.connect({ address: inject('temporalAddress') });
    client = new Client({ connection, namespace: inject('temporalNamespace') });
  });
  afterAll(() => connection?.close());

  // Undecoded: the payload-codec tests leave memos this client has no key for.
  async function* listRaw() {
    let nextPageToken: Uint8Array | undefined;
    do {
      const page = await connection.workflowService.listWorkflowExecutions({ namespace: inject('temporalNamespace'), nextPageToken });
      yield* page.executions;
      nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } while (nextPageToken);
  }

  it('hold no Label Studio key or address', async () => {
    const secrets = [...new Set(readFileSync(TEST_SECRETS_FILE, 'utf8').split('\n').filter(Boolean))];
    expect(secrets.length).toBeGreaterThan(0);

    let histories = 0;
    const leaks: string[] = [];
    for await (const execution of listRaw()) {
      const { workflowId, runId } = execution.execution!;
      const history = readableText(await client.workflow.getHandle(workflowId!, runId!).fetchHistory());
      const description = readableText(execution);
      histories += 1;
      for (const secret of secrets) {
        if (history.includes(secret) || description.includes(secret)) leaks.push(`${workflowId}: ${secret.slice(0, 6)}…`);
      }
    }
    expect(histories).toBeGreaterThan(10);
    expect(leaks).toEqual([]);
  });
});
