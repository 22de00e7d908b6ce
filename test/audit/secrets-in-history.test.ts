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

  it('hold no Label Studio key or address', async () => {
    const secrets = [...new Set(readFileSync(TEST_SECRETS_FILE, 'utf8').split('\n').filter(Boolean))];
    expect(secrets.length).toBeGreaterThan(0);

    let histories = 0;
    const leaks: string[] = [];
    for await (const execution of client.workflow.list()) {
      const handle = client.workflow.getHandle(execution.workflowId, execution.runId);
      const history = readableText(await handle.fetchHistory());
      const description = readableText(execution.raw);
      histories += 1;
      for (const secret of secrets) {
        if (history.includes(secret) || description.includes(secret)) leaks.push(`${execution.workflowId}: ${secret.slice(0, 6)}…`);
      }
    }
    expect(histories).toBeGreaterThan(10);
    expect(leaks).toEqual([]);
  });
});
